package io.wanapis.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanapis.usage.RequestRecord;
import io.wanapis.usage.Usage;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.ArrayList;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BudgetBookTest {
  final AtomicLong clock = new AtomicLong(Instant.parse("2026-11-25T10:00:00Z").toEpochMilli());
  final List<Alert> alerts = new CopyOnWriteArrayList<>();
  final BudgetBook book = new BudgetBook(clock::get, alerts::add);

  static RequestRecord done(String id, String key, double cost) {
    return new RequestRecord(0, id, key, "chat", "m", "p", "d", 200, null, false, new Usage(1, 1, 0, 0, false), 1, -1, 1, null, "m",
        null, false, null, null, List.of(), cost, false);
  }

  @Test
  void alertsFireOncePerThresholdPerPeriodAndAgainInTheNext() {
    book.put(new Budget("b1", Budget.Scope.KEY, "k", Period.DAY, 1.0, false, List.of(50, 80, 100), "admin"), 0);
    for (int i = 0; i < 12; i++) book.onRequest(done("r" + i, "k", 0.1)); // 1.2 of 1.0: soft, so nothing refused
    assertThat(alerts).extracting(Alert::thresholdPercent).containsExactly(50, 80, 100);
    book.onRequest(done("again", "k", 0.5));
    assertThat(alerts).hasSize(3);
    clock.set(Instant.parse("2026-11-26T00:00:01Z").toEpochMilli()); // next UTC day: a new period
    book.onRequest(done("next-day", "k", 0.6));
    assertThat(alerts).extracting(Alert::thresholdPercent).containsExactly(50, 80, 100, 50);
    assertThat(alerts.get(3).periodStartMs()).isEqualTo(Instant.parse("2026-11-26T00:00:00Z").toEpochMilli());
    assertThat(book.views().get(0).spentUsd()).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void spendRebuiltAtStartDoesNotRepeatAlerts() {
    book.put(new Budget("b1", Budget.Scope.TEAM, "t", Period.MONTH, 10, true, List.of(50, 80), "config"), 6.0);
    assertThat(book.views().get(0).alerted()).containsExactly(50);
    assertThat(book.reserve("x", "k", "t", null, 4.5)).isNotNull(); // 6 + 4.5 > 10
    BudgetRefusal r = book.reserve("y", "k", "t", null, 3.0);
    assertThat(r).isNull();
  }

  @Test
  void refusalSaysWhenTheBudgetResets() {
    book.put(new Budget("b1", Budget.Scope.KEY, "k", Period.WEEK, 1, true, List.of(), "admin"), 0.9);
    BudgetRefusal r = book.reserve("x", "k", null, null, 0.2);
    assertThat(r.budget().id()).isEqualTo("b1");
    assertThat(Instant.ofEpochMilli(r.resetsAtMs())).isEqualTo(Instant.parse("2026-11-30T00:00:00Z")); // next Monday
    var e = BudgetGate.error(r, clock.get());
    assertThat(e.status()).isEqualTo(429);
    assertThat(e.code()).isEqualTo("budget_exceeded");
    assertThat(e.getMessage()).contains("b1", "2026-11-30T00:00:00Z");
    assertThat(Long.parseLong(e.retryAfterSeconds())).isEqualTo((Instant.parse("2026-11-30T00:00:00Z").toEpochMilli() - clock.get()) / 1000);
  }

  /**
   * Threads reserve and settle at random against one budget; real costs may exceed estimates by up
   * to 50 %. The documented bound: spend never passes limit + Σ over requests in flight of (cost −
   * estimate). With 8 threads at most 8 requests are in flight, each over by at most 0.5 × 0.06.
   */
  @Test
  void concurrentReservationsNeverOverspendPastTheBound() throws Exception {
    double limit = 5.0;
    book.put(new Budget("b", Budget.Scope.KEY, "k", Period.TOTAL, limit, true, List.of(), "admin"), 0);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    AtomicInteger ids = new AtomicInteger();
    List<Future<?>> runs = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      long seed = 42 + t;
      runs.add(pool.submit(() -> {
        Random rnd = new Random(seed);
        for (int i = 0; i < 2_000; i++) {
          String id = "r" + ids.incrementAndGet();
          double estimate = 0.01 + rnd.nextDouble() * 0.05;
          if (book.reserve(id, "k", null, null, estimate) != null) continue;
          double cost = estimate * (0.5 + rnd.nextDouble()); // up to 1.5 × the estimate
          book.onRequest(done(id, "k", cost));
        }
      }));
    }
    for (var f : runs) f.get(60, TimeUnit.SECONDS);
    pool.shutdown();
    var v = book.views().get(0);
    assertThat(v.reservedUsd()).isZero();
    assertThat(book.inFlight()).isZero();
    assertThat(v.spentUsd()).isLessThanOrEqualTo(limit + 8 * 0.03).isGreaterThan(limit * 0.9);
  }

  @Test
  void whenEstimatesAreUpperBoundsThereIsNoOverspendAtAll() throws Exception {
    book.put(new Budget("b", Budget.Scope.PROJECT, "p", Period.TOTAL, 1.0, true, List.of(), "admin"), 0);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> fs = new ArrayList<>();
    AtomicInteger ids = new AtomicInteger();
    for (int t = 0; t < 8; t++) {
      fs.add(pool.submit(() -> {
        for (int i = 0; i < 1_000; i++) {
          String id = "r" + ids.incrementAndGet();
          if (book.reserve(id, "k", null, "p", 0.003) == null) {
            book.onRequest(new RequestRecord(0, id, "k", "chat", "m", "p", "d", 200, null, false, Usage.UNKNOWN, 1, -1, 1, null, "m",
                null, false, null, "p", List.of(), 0.0029, false));
          }
        }
      }));
    }
    for (var f : fs) f.get(60, TimeUnit.SECONDS);
    pool.shutdown();
    assertThat(book.views().get(0).spentUsd()).isLessThanOrEqualTo(1.0).isGreaterThan(0.99);
  }

  @Test
  void sharedSpendAddsTheOtherInstancesTotalAndKeepsLocalCostsUntilSynced() {
    boolean[] up = {true};
    List<Alert> sent = new CopyOnWriteArrayList<>();
    book.share(new SharedSpend() {
      public boolean available() { return up[0]; }
      public boolean failOpen() { return false; }
      public void decided() {}
      public void alert(Alert a, AlertSink local) { sent.add(a); }
    });
    book.put(new Budget("b1", Budget.Scope.KEY, "k", Period.DAY, 1.0, true, List.of(50), "config"), 0.1);
    book.onRequest(done("r1", "k", 0.2));
    List<BudgetBook.Pending> p = book.takePending(false, Long.MAX_VALUE);
    assertThat(p).hasSize(1);
    assertThat(p.get(0).delta).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(p.get(0).seed).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-12));
    book.onRequest(done("r2", "k", 0.05)); // settled while the sync is on its way
    book.synced(p.get(0), 0.6); // the store's total: ours (0.3) and another instance's 0.3
    assertThat(book.views().get(0).spentUsd()).isCloseTo(0.65, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(sent).extracting(Alert::thresholdPercent).containsExactly(50); // passed through the others' spend
    assertThat(book.reserve("x", "k", null, null, 0.4)).isNotNull(); // 0.65 + 0.4 > 1
    // a failed sync hands its costs over again
    List<BudgetBook.Pending> q = book.takePending(false, Long.MAX_VALUE);
    book.unsynced(q.get(0));
    assertThat(book.takePending(false, Long.MAX_VALUE).get(0).delta).isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-12));
    // the store unreachable, fail-closed: a hard-budgeted request is refused as "store unavailable"
    up[0] = false;
    BudgetRefusal r = book.reserve("y", "k", null, null, 0.01);
    assertThat(r.storeUnavailable()).isTrue();
    assertThat(BudgetGate.error(r, clock.get()).status()).isEqualTo(503);
    assertThat(BudgetGate.error(r, clock.get()).code()).isEqualTo("quota_store_unavailable");
  }
}
