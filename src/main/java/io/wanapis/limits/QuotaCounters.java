package io.wanapis.limits;

import io.vertx.core.Future;

/**
 * Where quota counters live: in this process ({@link LocalQuotaCounters}) or shared between
 * gateway instances (Redis). The quota logic ({@code QuotaEnforcer}) decides which counters a
 * request touches; an implementation only counts.
 *
 * <p>Counter keys are opaque strings built by the caller (e.g. {@code "key:k_123:rpm"}); the same
 * key is always used with the same kind of {@link Window}, but the window's numbers may change
 * between calls (a limit changed at run time): an implementation applies the new numbers from
 * the next call.
 *
 * <p>Implementations answer from memory when they can (a succeeded future): the hot path must not
 * wait on a network round trip per request. None may throw; a store that cannot answer returns
 * {@link Take#unavailable()} (fail-closed) or answers from local counters (fail-open).
 */
public interface QuotaCounters extends AutoCloseable {

  enum Kind {
    /** A token bucket holding {@code capacity}, refilled continuously at {@code limit} per minute. */
    MINUTE,
    /** A counter of at most {@code limit} per UTC calendar day, reset at 00:00 UTC. */
    DAY
  }

  /**
   * @param limit units per minute (MINUTE) or per day (DAY)
   * @param capacity MINUTE: the bucket's size (limit × burst, at least limit); DAY: equals limit
   */
  record Window(Kind kind, long limit, long capacity) {
    public static Window perMinute(long limit, double burst) {
      return new Window(Kind.MINUTE, limit, Math.max(limit, (long) Math.ceil(limit * Math.max(1.0, burst))));
    }

    public static Window perDay(long limit) {
      return new Window(Kind.DAY, limit, limit);
    }
  }

  /**
   * The answer to a take.
   *
   * @param granted all the units were taken (a refused take takes nothing)
   * @param remaining units left after this take (best knowledge; shared stores may lag a little)
   * @param resetNanos time until the counter is full again (MINUTE) or until 00:00 UTC (DAY)
   * @param retryNanos when refused: time until the units asked for would be there
   * @param unavailable the shared store could not answer and the configured choice is fail-closed
   */
  record Take(boolean granted, long remaining, long resetNanos, long retryNanos, boolean unavailable) {
    public static Take unavailableNow() {
      return new Take(false, 0, 0, 1_000_000_000L, true);
    }
  }

  /** Takes {@code n} units, all or nothing. */
  Future<Take> take(String key, Window window, long n);

  /**
   * Corrects a counter after the fact, whatever the limit: {@code delta} > 0 takes more (the
   * counter may go below zero, and later takes wait until it refills), {@code delta} < 0 gives
   * units back (never above the capacity). Used to settle a token reservation with real usage
   * and to roll back takes of a request refused by a later limit. Fire and forget.
   */
  void adjust(String key, Window window, long delta);

  /**
   * Enters a concurrency counter when fewer than {@code max} requests are inside. Granted
   * entries must be left with {@link #leave}. {@code remaining} = free places after entering.
   * Shared stores must not leak places when an instance dies (expire entries after
   * {@code leaseMillis}).
   */
  Future<Take> enter(String key, int max, String requestId, long leaseMillis);

  void leave(String key, String requestId);

  @Override
  default void close() {}
}
