package io.wanapis.cache;

import io.vertx.core.Future;

/**
 * A second, shared tier behind the in-memory {@link ResponseCache} (Redis: several instances
 * answer each other's cached requests, docs/shared-state.md).
 */
public interface CacheTier {
  /**
   * The answer stored under {@code key}, with its remaining TTL, or null. Never fails (a tier that
   * is down or slow is a miss) and never takes longer than the tier's own timeout.
   */
  Future<CachedAnswer> get(String key);

  /** Stores {@code answer} for its TTL; fire and forget. */
  void put(String key, CachedAnswer answer);
}
