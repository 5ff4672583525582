package io.wanapis.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.wanapis.gateway.AdminHttp;
import io.wanapis.gateway.TestGateway;
import io.wanapis.simulator.SimulatorOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Weighted fair queueing over the wire, with the official OpenAI SDK: a tenant (team) flooding a
 * deployment limited to 4 concurrent requests cannot starve a tenant sending a few requests per
 * second, and backlogged teams share the deployment by their plans' weights.
 */
class FairSchedulingTest {
  /** The simulator's answer time for every request (x-sim latency): one "service time". */
  static final long SERVICE_MS = 100;
  static final int LIMIT = 4;
  static final int FLOOD = 200;
  static final long BURST_MS = 500;

  TestGateway gw;
  ExecutorService pool;

  @AfterEach
  void stop() throws Exception {
    if (pool != null) pool.shutdownNow();
    if (gw != null) gw.close();
  }

  static ChatCompletionCreateParams hello(String model) {
    return ChatCompletionCreateParams.builder().model(model).addUserMessage("hello").build();
  }

  static long timedMs(OpenAIClient c, String model) {
    long t0 = System.nanoTime();
    c.chat().completions().create(hello(model));
    return (System.nanoTime() - t0) / 1_000_000;
  }

  static long median(List<Long> xs) {
    List<Long> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }

  @Test
  void aQuietTenantStaysFastWhileAnotherFloodsTheDeploymentAndTheQueueBoundSparesIt() throws Exception {
    gw = TestGateway.start("""
        access_log: {path: "off"}
        providers: [{name: sim, type: simulator, forward_headers: ["x-sim-*"]}]
        models:
          - name: m
            deployments: [{provider: sim, model: sim-m, max_concurrency: %d, max_queue: %d, queue_timeout_ms: 20000}]
          - name: burst
            deployments: [{provider: sim, model: sim-burst, max_concurrency: 1, max_queue: 5, queue_timeout_ms: 20000}]
        """.formatted(LIMIT, FLOOD), SimulatorOptions.fast().withDefaultFault("latency_ms=" + SERVICE_MS));
    AdminHttp admin = new AdminHttp(gw, TestGateway.MASTER_KEY);
    assertThat(admin.post("/admin/teams", "{\"name\":\"flood\"}").status()).isEqualTo(201);
    assertThat(admin.post("/admin/teams", "{\"name\":\"quiet\"}").status()).isEqualTo(201);
    // The flood comes from two keys of one team: the tenant is the team, not the key.
    OpenAIClient flood1 = gw.sdk(admin.createKey("{\"name\":\"flood-1\",\"team\":\"flood\"}").secret());
    OpenAIClient flood2 = gw.sdk(admin.createKey("{\"name\":\"flood-2\",\"team\":\"flood\"}").secret());
    OpenAIClient quiet = gw.sdk(admin.createKey("{\"name\":\"quiet-1\",\"team\":\"quiet\"}").secret());
    ConcurrencyGate gate = gw.gateway.runtime().models().resolve("m").targets().get(0).gate();

    // 1. The quiet tenant alone: its unloaded latency (after a warm-up).
    for (int i = 0; i < 5; i++) timedMs(quiet, "m");
    List<Long> unloaded = new ArrayList<>();
    for (int i = 0; i < 10; i++) unloaded.add(timedMs(quiet, "m"));
    long base = median(unloaded);

    // 2. The flood: 200 threads, each with one request in flight at all times.
    pool = Executors.newFixedThreadPool(FLOOD + 1);
    AtomicBoolean flooding = new AtomicBoolean(true);
    AtomicInteger floodOk = new AtomicInteger();
    ConcurrentLinkedQueue<String> floodErrors = new ConcurrentLinkedQueue<>();
    CountDownLatch floodDone = new CountDownLatch(FLOOD);
    for (int i = 0; i < FLOOD; i++) {
      OpenAIClient c = i % 2 == 0 ? flood1 : flood2;
      pool.submit(() -> {
        try {
          while (flooding.get()) {
            try {
              c.chat().completions().create(hello("m"));
              floodOk.incrementAndGet();
            } catch (RuntimeException e) {
              floodErrors.add(String.valueOf(e.getMessage()));
            }
          }
        } finally {
          floodDone.countDown();
        }
      });
    }
    // saturated: 4 in flight upstream, the rest of the 200 waiting
    await().atMost(Duration.ofSeconds(15)).until(() -> gate.queued() >= FLOOD - LIMIT - 10);
    int floodOkAtStart = floodOk.get();
    long t0 = System.nanoTime();

    // 3. The quiet tenant meanwhile, about 4 requests per second.
    List<Long> flooded = new ArrayList<>();
    List<Integer> depthSeen = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      depthSeen.add(gate.queued());
      flooded.add(timedMs(quiet, "m"));
      Thread.sleep(150);
    }
    double floodRate = (floodOk.get() - floodOkAtStart) / ((System.nanoTime() - t0) / 1e9);
    int depthAtEnd = gate.queued();
    String scrape = gw.get("/metrics").body(); // the queue depth gauge sees the same queue
    assertThat(scrape).containsPattern("wanapis_deployment_queued\\{deployment=\"sim/sim-m\"\\} 1\\d\\d\\.0")
        .contains("wanapis_deployment_active{deployment=\"sim/sim-m\"} 4.0");
    flooding.set(false);
    // the 200 in flight drain at 4 per service time: ~5 s
    assertThat(floodDone.await(30, TimeUnit.SECONDS)).as("the flood's requests all came back").isTrue();

    long worst = Collections.max(flooded);
    System.out.printf("fair scheduling: quiet unloaded median %d ms %s; under a flood of %d (queue %s..%d) median %d ms, max %d ms %s;"
        + " flood answered %d (%.1f/s), refused %d%n", base, unloaded, FLOOD, depthSeen.get(0), depthAtEnd, median(flooded), worst,
        flooded, floodOk.get(), floodRate, floodErrors.size());

    // The flood really saturated the deployment while the quiet tenant was measured: the queue
    // stayed long (a FIFO would have made each quiet request wait ~196/4 service times ≈ 5 s).
    assertThat(Collections.min(depthSeen)).isGreaterThanOrEqualTo(FLOOD - LIMIT - 20);
    // The bound: a quiet request is next in line when it arrives (its start tag is the virtual
    // clock, below every queued flood tag; at most one flood waiter with an equal tag goes first),
    // so it waits for at most the second of the 4 busy slots to free, less than one service time,
    // then is served: latency < SERVICE_MS + unloaded latency ≤ 2x unloaded. 3x leaves one more
    // service time for the noise of a 2-core machine running 200 client threads.
    assertThat(median(flooded)).as("quiet median under flood vs unloaded %d ms", base).isLessThanOrEqualTo(2 * base + 20);
    assertThat(worst).as("quiet worst under flood vs unloaded %d ms", base).isLessThanOrEqualTo(3 * base);
    // What the bound implies for the flood: at most 200 of its requests plus 1 quiet one are ever
    // in the gateway, within 4 slots + a queue of 200, so none is refused and all are answered.
    assertThat(floodErrors).isEmpty();
    assertThat(floodOk.get()).isGreaterThan(FLOOD);
    assertThat(gate.active()).isZero();
    assertThat(gate.queued()).isZero();

    // 4. The queue bound over the wire: one slot, a queue of 5, and 20 flood requests at once that
    // each take 500 ms upstream. 1 runs, 5 wait, the other 14 are refused at once with a 429 that
    // says why; a quiet request arriving at the full queue takes the place of the flood's newest.
    ConcurrencyGate small = gw.gateway.runtime().models().resolve("burst").targets().get(0).gate();
    AtomicInteger burstOk = new AtomicInteger();
    ConcurrentLinkedQueue<OpenAIServiceException> burstRefused = new ConcurrentLinkedQueue<>();
    CountDownLatch burstDone = new CountDownLatch(20);
    CountDownLatch go = new CountDownLatch(1);
    for (int i = 0; i < 20; i++) {
      OpenAIClient c = i % 2 == 0 ? flood1 : flood2;
      pool.submit(() -> {
        try {
          go.await();
          c.chat().completions().create(hello("burst").toBuilder().putAdditionalHeader("x-sim-fault", "latency_ms=" + BURST_MS).build());
          burstOk.incrementAndGet();
        } catch (OpenAIServiceException e) {
          burstRefused.add(e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          burstDone.countDown();
        }
        return null;
      });
    }
    go.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> burstRefused.size() + burstOk.get() + small.queued() + small.active() == 20);
    int okEarly = burstOk.get(); // 0 unless the machine took > 500 ms to send 20 requests
    assertThat(small.queued()).isEqualTo(5);
    assertThat(burstRefused).hasSize(20 - 1 - 5 - okEarly).allSatisfy(e -> {
      assertThat(e.statusCode()).isEqualTo(429);
      assertThat(e.code()).hasValue("deployment_queue_full");
      assertThat(e.getMessage()).contains("5 requests wait, 5 of them this tenant's").contains("fair share is used up");
    });
    long q0 = System.nanoTime();
    quiet.chat().completions().create(hello("burst")); // the quiet tenant holds 0 < 5: it gets in
    long quietBurstMs = (System.nanoTime() - q0) / 1_000_000;
    assertThat(burstDone.await(20, TimeUnit.SECONDS)).isTrue();
    List<OpenAIServiceException> gaveWay = burstRefused.stream().filter(e -> e.getMessage().contains("gave way")).toList();
    assertThat(gaveWay).hasSize(1);
    assertThat(gaveWay.get(0).code()).hasValue("deployment_queue_full");
    assertThat(burstRefused).hasSize(20 - 1 - 5 - okEarly + 1);
    assertThat(burstOk.get()).isEqualTo(20 - burstRefused.size());
    // Near the front: its tag equals the first flood waiter's (both start at the clock as the
    // queue forms; the earlier arrival wins the tie), so it waits for the running request and at
    // most that one (< 2 x 500 ms), not for the 5 queued (FIFO: 4 x 500 ms + the running one).
    assertThat(quietBurstMs).isLessThan(2 * BURST_MS + 3 * base);
    System.out.printf("queue bound: 20 flood requests at a 1+5 deployment: %d answered, %d refused (1 gave way to the quiet"
        + " tenant, served in %d ms)%n", burstOk.get(), burstRefused.size(), quietBurstMs);
  }
  @Test
  void backloggedTeamsShareTheDeploymentByTheirPlansWeights() throws Exception {
    gw = TestGateway.start("""
        access_log: {path: "off"}
        providers: [{name: sim, type: simulator}]
        plans:
          - {name: gold, weight: 3}
          - {name: bronze, weight: 1}
        models:
          - name: m
            deployments: [{provider: sim, model: sim-m, max_concurrency: %d, max_queue: 200, queue_timeout_ms: 20000}]
        """.formatted(LIMIT), SimulatorOptions.fast().withDefaultFault("latency_ms=" + SERVICE_MS));
    AdminHttp admin = new AdminHttp(gw, TestGateway.MASTER_KEY);
    String gold = admin.post("/admin/teams", "{\"name\":\"gold\",\"limits\":{\"plan\":\"gold\"}}").id();
    String bronze = admin.post("/admin/teams", "{\"name\":\"bronze\",\"limits\":{\"plan\":\"bronze\"}}").id();
    OpenAIClient goldKey = gw.sdk(admin.createKey("{\"name\":\"g\",\"team\":\"gold\"}").secret());
    OpenAIClient bronzeKey = gw.sdk(admin.createKey("{\"name\":\"b\",\"team\":\"bronze\"}").secret());
    ConcurrencyGate gate = gw.gateway.runtime().models().resolve("m").targets().get(0).gate();

    // Each team keeps 40 requests in flight: both stay backlogged (about 36 waiting each).
    int perTeam = 40;
    pool = Executors.newFixedThreadPool(2 * perTeam);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger goldOk = new AtomicInteger();
    AtomicInteger bronzeOk = new AtomicInteger();
    ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    CountDownLatch done = new CountDownLatch(2 * perTeam);
    for (int i = 0; i < 2 * perTeam; i++) {
      boolean isGold = i % 2 == 0;
      pool.submit(() -> {
        try {
          while (running.get()) {
            try {
              (isGold ? goldKey : bronzeKey).chat().completions().create(hello("m"));
              (isGold ? goldOk : bronzeOk).incrementAndGet();
            } catch (RuntimeException e) {
              errors.add(String.valueOf(e.getMessage()));
            }
          }
        } finally {
          done.countDown();
        }
      });
    }
    // the tenants are the teams, each with waiters queued
    await().atMost(Duration.ofSeconds(15))
        .until(() -> gate.queued("team:" + gold) >= perTeam / 2 && gate.queued("team:" + bronze) >= perTeam / 2);
    int g0 = goldOk.get();
    int b0 = bronzeOk.get();
    Thread.sleep(3_000);
    int g = goldOk.get() - g0;
    int b = bronzeOk.get() - b0;
    boolean bothStillBacklogged = gate.queued("team:" + gold) > 0 && gate.queued("team:" + bronze) > 0;
    running.set(false);
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    double goldShare = (double) g / (g + b);
    System.out.printf("weighted shares over 3 s: gold (weight 3) %d, bronze (weight 1) %d: gold share %.3f (expected 0.75)%n", g, b, goldShare);
    assertThat(errors).isEmpty();
    assertThat(bothStillBacklogged).isTrue();
    // ~35 answers/s over 3 s ≈ 100. The service order is exactly 3:1; counting answers in a
    // window is off by at most the 4 requests in flight at each edge: 0.75 ± 0.08.
    assertThat(g + b).isGreaterThan(50);
    assertThat(goldShare).isBetween(0.67, 0.83);
    assertThat(gate.active()).isZero();
    assertThat(gate.queued()).isZero();
  }
}
