package io.wanapis.limits;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.vertx.core.Future;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * {@link QuotaCounters} in this process: bucket4j token buckets for per-minute windows, a counter
 * per UTC day for daily ones, an integer per concurrency key. One instance, or a shared store's
 * fallback when it is unreachable and fail-open is configured.
 */
public final class LocalQuotaCounters implements QuotaCounters {
  private record MinuteBucket(Window window, Bucket bucket) {}

  private static final class DayCounter {
    final long limit;
    long day;
    long used;

    DayCounter(long limit, long day) {
      this.limit = limit;
      this.day = day;
    }
  }

  /** The fastest refill bucket4j accepts: one unit per nanosecond. */
  static final long MAX_PER_MINUTE = 60_000_000_000L;
  private static final long DAY_MILLIS = 86_400_000L;

  private final ConcurrentHashMap<String, MinuteBucket> minutes = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, DayCounter> days = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicInteger> inside = new ConcurrentHashMap<>();
  private final LongSupplier clockMillis;

  public LocalQuotaCounters() {
    this(System::currentTimeMillis);
  }

  /** @param clockMillis wall clock for the UTC day (tests move it); minute buckets use bucket4j's own clock */
  public LocalQuotaCounters(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
  }

  @Override
  public Future<Take> take(String key, Window w, long n) {
    return Future.succeededFuture(takeNow(key, w, n));
  }

  /** The same as {@link #take}, without the future (for callers that know they are local). */
  public Take takeNow(String key, Window w, long n) {
    if (w.kind() == Kind.MINUTE) {
      Bucket b = minuteBucket(key, w);
      ConsumptionProbe p = b.tryConsumeAndReturnRemaining(n);
      return new Take(p.isConsumed(), p.getRemainingTokens(), p.getNanosToWaitForReset(),
          p.isConsumed() ? 0 : p.getNanosToWaitForRefill(), false);
    }
    long now = clockMillis.getAsLong();
    DayCounter c = dayCounter(key, w, now);
    synchronized (c) {
      long reset = untilNextUtcDay(now);
      if (c.used + n > c.limit) return new Take(false, Math.max(0, c.limit - c.used), reset, reset, false);
      c.used += n;
      return new Take(true, c.limit - c.used, reset, 0, false);
    }
  }

  @Override
  public void adjust(String key, Window w, long delta) {
    if (delta == 0) return;
    if (w.kind() == Kind.MINUTE) {
      Bucket b = minuteBucket(key, w);
      if (delta > 0) b.consumeIgnoringRateLimits(delta);
      else b.addTokens(-delta);
      return;
    }
    long now = clockMillis.getAsLong();
    DayCounter c = dayCounter(key, w, now);
    synchronized (c) {
      c.used = Math.max(0, c.used + delta);
    }
  }

  @Override
  public Future<Take> enter(String key, int max, String requestId, long leaseMillis) {
    return Future.succeededFuture(enterNow(key, max));
  }

  /** The same as {@link #enter}, without the future (for callers that know they are local). */
  public Take enterNow(String key, int max) {
    AtomicInteger count = inside.get(key);
    if (count == null) count = inside.computeIfAbsent(key, k -> new AtomicInteger()); // computeIfAbsent locks its bin
    while (true) {
      int now = count.get();
      if (now >= max) return new Take(false, 0, 0, 1_000_000_000L, false);
      if (count.compareAndSet(now, now + 1)) return new Take(true, max - now - 1, 0, 0, false);
    }
  }

  @Override
  public void leave(String key, String requestId) {
    AtomicInteger count = inside.get(key);
    if (count != null) count.updateAndGet(v -> Math.max(0, v - 1));
  }

  /** Requests inside a concurrency counter now (tests, metrics). */
  public int inside(String key) {
    AtomicInteger c = inside.get(key);
    return c == null ? 0 : c.get();
  }

  private Bucket minuteBucket(String key, Window w) {
    MinuteBucket mb = minutes.get(key);
    if (mb != null && mb.window().equals(w)) return mb.bucket();
    // new, or the limit changed at run time: a fresh bucket applies the new numbers at once
    // bucket4j refills at most one unit per nanosecond (6e10 a minute): a larger limit is no
    // limit in practice, so it is clamped rather than allowed to throw on the event loop
    long rate = Math.min(w.limit(), MAX_PER_MINUTE);
    long capacity = Math.min(w.capacity(), Long.MAX_VALUE / 4);
    MinuteBucket fresh = new MinuteBucket(w, Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(Math.max(1, capacity)).refillGreedy(Math.max(1, rate), Duration.ofMinutes(1)).build())
        // updated in place under a monitor: the lock-free default copies the bucket's state on
        // every take (an allocation per counter per request), and two event loops rarely contend
        .withSynchronizationStrategy(SynchronizationStrategy.SYNCHRONIZED)
        .build());
    minutes.put(key, fresh);
    return fresh.bucket();
  }

  private DayCounter dayCounter(String key, Window w, long nowMillis) {
    long day = Math.floorDiv(nowMillis, DAY_MILLIS);
    DayCounter c = days.get(key);
    if (c == null || c.day != day || c.limit != w.limit()) {
      DayCounter fresh = new DayCounter(w.limit(), day);
      if (c != null && c.day == day) fresh.used = c.used; // same day, new limit: keep what was used
      days.put(key, fresh);
      return fresh;
    }
    return c;
  }

  /** Nanoseconds until the next 00:00 UTC (UTC days are exactly 86,400,000 ms: no leap seconds in epoch millis). */
  static long untilNextUtcDay(long nowMillis) {
    long next = (Math.floorDiv(nowMillis, DAY_MILLIS) + 1) * DAY_MILLIS;
    return (next - nowMillis) * 1_000_000L;
  }
}
