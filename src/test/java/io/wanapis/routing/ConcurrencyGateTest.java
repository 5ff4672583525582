package io.wanapis.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Weighted fair queueing in the concurrency gate, without HTTP. */
class ConcurrencyGateTest {
  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Queues a waiter that, when served, records its name and holds the slot until the test releases it. */
  private Future<Void> waitFor(ConcurrencyGate gate, String tenant, int weight, String name, List<String> served) {
    Future<Void> f = gate.acquire(vertx, tenant, weight);
    f.onSuccess(v -> served.add(name));
    return f;
  }

  /** Releases one slot and waits until the next waiter has it (the hand-over runs on its context). */
  private void serveOne(ConcurrencyGate gate, List<String> served) {
    int before = served.size();
    gate.release();
    await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
        .until(() -> served.size() == before + 1);
  }

  @Test
  void backloggedTenantsGetSlotsInProportionToTheirWeights() {
    ConcurrencyGate gate = new ConcurrencyGate(1, 1000, 60_000);
    assertThat(gate.acquire(vertx, "other", 1).succeeded()).isTrue(); // the only slot is taken
    List<String> served = Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 100; i++) waitFor(gate, "gold", 3, "gold", served);
    for (int i = 0; i < 100; i++) waitFor(gate, "bronze", 1, "bronze", served);
    // Both stay backlogged through the first 80 slots (gold needs 60, bronze 20 of its 100).
    for (int i = 0; i < 80; i++) serveOne(gate, served);
    long gold = served.stream().filter("gold"::equals).count();
    // 3:1 of 80 is 60:20; start-time tags interleave exactly, so allow only the rounding of ties (±1).
    assertThat(gold).as("gold's slots of 80, served " + served).isBetween(59L, 61L);
    // and within any window of 8 the shares already hold (6 gold, 2 bronze, ±1)
    for (int from = 0; from + 8 <= 80; from += 8) {
      long g = served.subList(from, from + 8).stream().filter("gold"::equals).count();
      assertThat(g).as("gold in slots " + from + ".." + (from + 7)).isBetween(5L, 7L);
    }
  }

  @Test
  void aQuietTenantArrivingBehindAFloodIsServedNext() {
    ConcurrencyGate gate = new ConcurrencyGate(1, 1000, 60_000);
    assertThat(gate.acquire(vertx, "flood", 1).succeeded()).isTrue();
    List<String> served = Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 200; i++) waitFor(gate, "flood", 1, "flood-" + i, served);
    waitFor(gate, "quiet", 1, "quiet-0", served);
    // Arriving at the same virtual time as the flood's head: after at most that one.
    serveOne(gate, served);
    serveOne(gate, served);
    assertThat(served).contains("quiet-0");
    // Later, with the clock moved on: served before any other waiter of the flood.
    for (int i = 0; i < 10; i++) serveOne(gate, served);
    waitFor(gate, "quiet", 1, "quiet-1", served);
    serveOne(gate, served);
    assertThat(served.get(served.size() - 1)).isEqualTo("quiet-1");
    // A quiet tenant with a small weight is still served next: its tag starts at the clock.
    waitFor(gate, "tiny", 1, "tiny-0", served);
    serveOne(gate, served);
    assertThat(served.get(served.size() - 1)).isEqualTo("tiny-0");
    assertThat(gate.queued("flood")).isEqualTo(200 - (served.size() - 3));
  }

  @Test
  void aFullQueuePushesOutTheHeaviestTenantsNewestWaiter() throws Exception {
    ConcurrencyGate gate = new ConcurrencyGate(1, 4, 60_000);
    assertThat(gate.acquire(vertx, "x", 1).succeeded()).isTrue();
    List<String> served = Collections.synchronizedList(new ArrayList<>());
    Future<Void> f1 = waitFor(gate, "flood", 1, "f1", served);
    Future<Void> f2 = waitFor(gate, "flood", 1, "f2", served);
    Future<Void> f3 = waitFor(gate, "flood", 1, "f3", served);
    Future<Void> q1 = waitFor(gate, "quiet", 1, "q1", served);
    assertThat(gate.queued()).isEqualTo(4);

    Future<Void> q2 = waitFor(gate, "quiet", 1, "q2", served); // quiet holds 1 < 3: f3 gives way
    Throwable pushed = f3.toCompletionStage().toCompletableFuture().handle((v, e) -> e).get(5, TimeUnit.SECONDS);
    assertThat(pushed).isInstanceOfSatisfying(ConcurrencyGate.Refused.class, r -> {
      assertThat(r.reason()).isEqualTo(ConcurrencyGate.Refusal.QUEUE_FULL);
      assertThat(r.getMessage()).contains("queue is full").contains("4 requests wait").contains("gave way");
    });
    assertThat(f1.isComplete() || f2.isComplete() || q1.isComplete() || q2.isComplete()).isFalse();

    // flood and quiet hold 2 each: a flood newcomer does not hold fewer, so it is refused at once
    Future<Void> f4 = gate.acquire(vertx, "flood", 1);
    assertThat(f4.failed()).isTrue();
    assertThat(((ConcurrencyGate.Refused) f4.cause()).reason()).isEqualTo(ConcurrencyGate.Refusal.QUEUE_FULL);
    assertThat(f4.cause().getMessage()).contains("4 requests wait, 2 of them this tenant's").contains("fair share is used up");
    assertThat(gate.queued("flood")).isEqualTo(2);
    assertThat(gate.queued("quiet")).isEqualTo(2);

    // a third tenant (anonymous: a tenant of its own) pushes out the tie-break loser, never gets refused
    Future<Void> anon = waitFor(gate, null, 1, "anon", served);
    assertThat(anon.failed()).isFalse();
    assertThat(gate.queued()).isEqualTo(4);
    assertThat(gate.queued("flood") + gate.queued("quiet")).isEqualTo(3);

    // everything left is served, and the slot is free at the end
    for (int i = 0; i < 4; i++) serveOne(gate, served);
    assertThat(served).contains("f1", "anon").doesNotContain("f3");
    gate.release();
    assertThat(gate.active()).isZero();
    assertThat(gate.queued()).isZero();
  }

  @Test
  void aWaiterThatWaitsTooLongIsRefusedAndLeavesTheQueue() throws Exception {
    ConcurrencyGate gate = new ConcurrencyGate(1, 10, 150);
    assertThat(gate.acquire(vertx, "a", 1).succeeded()).isTrue();
    long t0 = System.nanoTime();
    Future<Void> late = gate.acquire(vertx, "b", 1);
    Throwable e = late.toCompletionStage().toCompletableFuture().handle((v, x) -> x).get(5, TimeUnit.SECONDS);
    long waitedMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(waitedMs).isBetween(140L, 2_000L);
    assertThat(e).isInstanceOfSatisfying(ConcurrencyGate.Refused.class, r -> {
      assertThat(r.reason()).isEqualTo(ConcurrencyGate.Refusal.QUEUE_TIMEOUT);
      assertThat(r.getMessage()).contains("longer than 150 ms");
    });
    assertThat(gate.queued()).isZero();
    gate.release(); // nobody waits: the slot is freed, not handed to the timed-out waiter
    assertThat(gate.active()).isZero();
  }

  @Test
  void aWaiterWhoseClientLeftPassesItsSlotOn() throws Exception {
    ConcurrencyGate gate = new ConcurrencyGate(1, 10, 60_000);
    assertThat(gate.acquire(vertx, "a", 1).succeeded()).isTrue();
    // As ProxyExchange does: a slot granted to an exchange that already finished is released at once.
    gate.acquire(vertx, "gone", 1).onSuccess(v -> gate.release());
    CountDownLatch next = new CountDownLatch(1);
    gate.acquire(vertx, "b", 1).onSuccess(v -> next.countDown());
    gate.release();
    assertThat(next.await(5, TimeUnit.SECONDS)).as("the slot reached the next waiter").isTrue();
    assertThat(gate.active()).isEqualTo(1);
    gate.release();
    assertThat(gate.active()).isZero();
  }

  @Test
  void noSlotLeaksUnderConcurrentUseFromSeveralEventLoops() throws Exception {
    int limit = 3;
    ConcurrencyGate gate = new ConcurrencyGate(limit, 20, 40);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    int perLoop = 300;
    int loops = 4;
    for (int l = 0; l < loops; l++) {
      int loop = l;
      vertx.deployVerticle(new io.vertx.core.VerticleBase() {
        @Override
        public Future<?> start() {
          Random rnd = new Random(loop);
          for (int i = 0; i < perLoop; i++) {
            String tenant = rnd.nextInt(4) == 0 ? null : "t" + rnd.nextInt(3);
            long hold = rnd.nextInt(3);
            vertx.setTimer(1 + rnd.nextInt(200), t -> gate.acquire(vertx, tenant, 1 + rnd.nextInt(3)).onComplete(ar -> {
              if (ar.failed()) {
                refused.incrementAndGet();
                done.incrementAndGet();
                return;
              }
              maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
              Runnable out = () -> {
                inside.decrementAndGet();
                gate.release();
                done.incrementAndGet();
              };
              if (hold == 0) out.run();
              else vertx.setTimer(hold, x -> out.run());
            }));
          }
          return Future.succeededFuture();
        }
      });
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> done.get() == loops * perLoop);
    assertThat(maxInside.get()).isLessThanOrEqualTo(limit);
    assertThat(gate.active()).isZero();
    assertThat(gate.queued()).isZero();
    // (refusals are expected: 1200 requests in ~200 ms through 3 slots, a queue of 20 and a 40 ms wait)
    assertThat(refused.get()).isLessThan(loops * perLoop);
  }
}
