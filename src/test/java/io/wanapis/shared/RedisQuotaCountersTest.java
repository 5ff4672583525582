package io.wanapis.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wanapis.config.RedisSettings;
import io.wanapis.limits.QuotaCounters.Take;
import io.wanapis.limits.QuotaCounters.Window;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three {@link RedisQuotaCounters}, each with its own Vert.x and Redis link (as three gateways
 * would have), over one real redis-server.
 */
class RedisQuotaCountersTest {
  static RedisServerProcess redis;
  final List<Vertx> vertxes = new ArrayList<>();
  final List<SharedRedis> links = new ArrayList<>();
  final List<RedisQuotaCounters> counters = new ArrayList<>();

  @BeforeAll
  static void startRedis() {
    redis = RedisServerProcess.start("quota");
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) redis.close();
  }

  @AfterEach
  void closeAll() {
    counters.forEach(RedisQuotaCounters::close);
    links.forEach(SharedRedis::close);
    vertxes.forEach(v -> v.close().await());
    if (!redis.running()) redis.start();
  }

  List<RedisQuotaCounters> instances(int n, boolean failOpen) {
    List<RedisQuotaCounters> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Vertx v = Vertx.vertx();
      vertxes.add(v);
      SharedRedis link = SharedRedis.start(v, new RedisSettings(redis.url(), failOpen, 250));
      links.add(link);
      RedisQuotaCounters c = new RedisQuotaCounters(link);
      counters.add(c);
      out.add(c);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> links.stream().allMatch(SharedRedis::up));
    return out;
  }

  static Take get(Future<Take> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("take did not answer within 5 s", e);
    }
  }

  static String key() {
    return "test:" + UUID.randomUUID();
  }

  @Test
  void threeInstancesShareOneTokenBucketWithinTwoPercent() throws Exception {
    List<RedisQuotaCounters> c = instances(3, true);
    String key = key();
    Window w = Window.perMinute(6000, 1); // capacity 6000, 100 per second
    AtomicLong granted = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    long durationNanos = TimeUnit.SECONDS.toNanos(6);
    long t0 = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int me = i;
      Thread t = new Thread(() -> {
        int next = me;
        while (System.nanoTime() - t0 < durationNanos) {
          Take take = get(c.get(next++ % 3).take(key, w, 1)); // round robin over the three instances
          if (take.granted()) granted.incrementAndGet();
          else refused.incrementAndGet();
        }
      });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) t.join();
    double elapsed = (System.nanoTime() - t0) / 1e9;
    double allowance = w.capacity() + w.limit() / 60.0 * elapsed;
    System.out.printf("shared bucket: granted %d, refused %d over %.2f s; allowance %.0f (%.2f %%)%n", granted.get(), refused.get(),
        elapsed, allowance, 100.0 * granted.get() / allowance);
    assertThat(refused.get()).isPositive();
    assertThat((double) granted.get()).isLessThanOrEqualTo(allowance + 1).isGreaterThanOrEqualTo(allowance * 0.98);
  }

  @Test
  void smallLimitsAreExactAcrossInstances() {
    List<RedisQuotaCounters> c = instances(3, true);
    String key = key();
    Window w = Window.perMinute(30, 1);
    int granted = 0;
    for (int i = 0; i < 60; i++) if (get(c.get(i % 3).take(key, w, 1)).granted()) granted++;
    assertThat(granted).isBetween(30, 31); // 30 at once, maybe one more refilled meanwhile
    Take refusedTake = get(c.get(0).take(key, w, 1));
    if (!refusedTake.granted()) assertThat(refusedTake.retryNanos()).isPositive().isLessThanOrEqualTo(TimeUnit.SECONDS.toNanos(2));
  }

  /**
   * Takes {@code n} at a time round robin until every instance is refused; again after lease
   * remainders went back and local refusals ended, until a round grants nothing. Units taken.
   */
  static long drain(List<RedisQuotaCounters> c, String key, Window w, long n) throws InterruptedException {
    long total = 0;
    while (true) {
      long round = 0;
      boolean[] done = new boolean[c.size()];
      for (int i = 0; !allTrue(done); i++) {
        if (done[i % c.size()]) continue;
        Take t = get(c.get(i % c.size()).take(key, w, n));
        if (t.granted()) round += n;
        else done[i % c.size()] = true;
      }
      if (round == 0) return total;
      total += round;
      Thread.sleep(1_100);
    }
  }

  static boolean allTrue(boolean[] b) {
    for (boolean x : b) if (!x) return false;
    return true;
  }

  @Test
  void dailyCounterIsSharedAndCorrectionsReachIt() throws Exception {
    List<RedisQuotaCounters> c = instances(3, true);
    String key = key();
    Window w = Window.perDay(1000);
    assertThat(drain(c, key, w, 7)).isEqualTo(994); // 142 × 7: a take is all or nothing
    Take refused = get(c.get(0).take(key, w, 7));
    assertThat(refused.granted()).isFalse();
    assertThat(refused.resetNanos()).isPositive().isLessThanOrEqualTo(TimeUnit.DAYS.toNanos(1));

    // a correction on one instance (units given back) becomes usable on the others; one taken elsewhere is lost to all
    c.get(0).adjust(key, w, -300);
    c.get(2).adjust(key, w, 50);
    Thread.sleep(1_100); // local refusals of an exhausted daily counter last up to 1 s
    assertThat(drain(c, key, w, 1)).isEqualTo(256); // 6 left + 300 back - 50 more
  }

  @Test
  void concurrencyIsSharedAndExpires() throws Exception {
    List<RedisQuotaCounters> c = instances(3, true);
    String key = key();
    assertThat(get(c.get(0).enter(key, 2, "r1", 60_000)).granted()).isTrue();
    Take second = get(c.get(1).enter(key, 2, "r2", 60_000));
    assertThat(second.granted()).isTrue();
    assertThat(second.remaining()).isZero();
    assertThat(get(c.get(2).enter(key, 2, "r3", 60_000)).granted()).isFalse();
    c.get(0).leave(key, "r1");
    await().atMost(Duration.ofSeconds(1)).until(() -> get(c.get(2).enter(key, 2, "r3", 60_000)).granted());
    // an instance that dies holding a place: without its heartbeats the place frees itself
    String k2 = key();
    assertThat(get(c.get(0).enter(k2, 1, "dead", 300)).granted()).isTrue();
    assertThat(get(c.get(1).enter(k2, 1, "x", 300)).granted()).isFalse();
    Thread.sleep(2 * RedisQuotaCounters.HEARTBEAT_NANOS / 1_000_000); // heartbeats keep a live holder's place
    assertThat(get(c.get(1).enter(k2, 1, "x", 300)).granted()).isFalse();
    c.get(0).crashForTests();
    await().atMost(Duration.ofMillis(RedisQuotaCounters.PLACES_TTL_MS + 1500)).pollInterval(Duration.ofMillis(100))
        .until(() -> get(c.get(1).enter(k2, 1, "x", 300)).granted());
  }

  @Test
  void largeConcurrencyLimitsAreLeasedInChunksAndNeverExceeded() throws Exception {
    List<RedisQuotaCounters> c = instances(3, true);
    String key = key();
    int max = 1000;
    // burst: 3 instances × 500 enters at once: at most max inside across them, most from leases
    java.util.concurrent.atomic.AtomicInteger granted = new java.util.concurrent.atomic.AtomicInteger();
    for (int round = 0; round < 3; round++) {
      List<String> inside = new java.util.ArrayList<>();
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 500; j++) {
          String id = "r" + round + "-" + i + "-" + j;
          if (get(c.get(i).enter(key, max, id, 60_000)).granted()) {
            granted.incrementAndGet();
            inside.add(i + "\n" + id);
          }
        }
      }
      assertThat(inside.size()).isLessThanOrEqualTo(max).isGreaterThanOrEqualTo(max - 3 * (max / 200) - 3);
      // places are leased several at a time and kept after a request leaves (until idle), so the
      // next round enters from memory
      assertThat(c.get(0).placesHeld(key)).isGreaterThan(1);
      for (String e : inside) {
        String[] p = e.split("\n");
        c.get(Integer.parseInt(p[0])).leave(key, p[1]);
      }
    }
    assertThat(granted.get()).isGreaterThan(2 * max);
  }

  @Test
  void redisDownFailOpenCountsLocallyThenRecovers() {
    List<RedisQuotaCounters> c = instances(3, true);
    Window w = Window.perDay(50);
    redis.stop();
    await().atMost(Duration.ofSeconds(3)).until(() -> links.stream().noneMatch(SharedRedis::up));
    String key = key();
    long t0 = System.nanoTime();
    int granted = 0;
    for (int i = 0; i < 60; i++) if (get(c.get(0).take(key, w, 1)).granted()) granted++;
    assertThat(granted).isEqualTo(50); // this instance alone enforces the whole limit locally
    assertThat(get(c.get(1).take(key, w, 1)).granted()).isTrue(); // each instance on its own
    assertThat(get(c.get(0).enter("conc", 1, "a", 10_000)).granted()).isTrue();
    c.get(0).leave("conc", "a");
    assertThat(c.get(0).fallback().inside("conc")).isZero();
    assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(2)); // no waiting on a dead Redis
    assertThat(links.get(0).decidedOpen()).isGreaterThanOrEqualTo(61);

    redis.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> links.stream().allMatch(SharedRedis::up));
    String fresh = key();
    long total = 0;
    boolean[] done = new boolean[3];
    for (int i = 0; !(done[0] && done[1] && done[2]); i++) {
      if (get(c.get(i % 3).take(fresh, w, 1)).granted()) total++;
      else done[i % 3] = true;
    }
    assertThat(total).isEqualTo(50); // shared again
  }

  @Test
  void redisDownOrHungFailClosedRefusesQuickly() {
    List<RedisQuotaCounters> c = instances(1, false);
    Window w = Window.perMinute(1000, 1);
    String key = key();
    assertThat(get(c.get(0).take(key, w, 1)).granted()).isTrue();

    redis.pause(true); // hung: connections stay open, nothing answers
    try {
      long t0 = System.nanoTime();
      Take t = get(c.get(0).take(key(), w, 1));
      long took = System.nanoTime() - t0;
      assertThat(t.unavailable()).isTrue();
      assertThat(t.granted()).isFalse();
      assertThat(took).isLessThan(TimeUnit.MILLISECONDS.toNanos(1_000)); // the 250 ms command timeout, not a hang
      assertThat(get(c.get(0).enter(key(), 5, "r", 1000)).unavailable()).isTrue();
      assertThat(links.get(0).up()).isFalse();
      assertThat(links.get(0).decidedClosed()).isGreaterThanOrEqualTo(2);
    } finally {
      redis.pause(false);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> links.get(0).up());
    assertThat(get(c.get(0).take(key(), w, 1)).granted()).isTrue();

    redis.stop();
    await().atMost(Duration.ofSeconds(3)).until(() -> !links.get(0).up());
    assertThat(get(c.get(0).take(key(), w, 1)).unavailable()).isTrue();
    redis.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> links.get(0).up());
    assertThat(get(c.get(0).take(key(), w, 1)).granted()).isTrue();
  }
}
