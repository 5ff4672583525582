package io.wanapis.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.vertx.core.Future;

/**
 * Exact-match response cache in memory, bounded by bytes, each entry with its model's TTL. With a
 * second tier ({@link CacheTier}, Redis when several instances share state) a local miss is
 * looked up there, a hit from there is kept here for its remaining TTL, and every answer stored
 * here is stored there too.
 */
public final class ResponseCache {
  /** Answers larger than this are not cached (a long stream is cheap to regenerate relative to its memory). */
  public static final int MAX_ENTRY_BYTES = 4 * 1024 * 1024;

  private final Cache<String, CachedAnswer> cache;
  private volatile CacheTier tier;

  public ResponseCache(long maxBytes) {
    this.cache = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((String k, CachedAnswer v) -> v.body().length + 256)
        .expireAfter(new Expiry<String, CachedAnswer>() {
          @Override
          public long expireAfterCreate(String key, CachedAnswer value, long currentTime) {
            return value.ttlNanos();
          }

          @Override
          public long expireAfterUpdate(String key, CachedAnswer value, long currentTime, long currentDuration) {
            return value.ttlNanos();
          }

          @Override
          public long expireAfterRead(String key, CachedAnswer value, long currentTime, long currentDuration) {
            return currentDuration;
          }
        })
        .build();
  }

  /** Adds a shared tier behind this cache (null: none). */
  public void secondTier(CacheTier t) {
    this.tier = t;
  }

  /** In memory only. */
  public CachedAnswer get(String key) {
    return key == null ? null : cache.getIfPresent(key);
  }

  /**
   * In memory, then (on a miss) in the second tier. Already complete for a local hit and when there
   * is no second tier; never fails (a tier that cannot answer is a miss).
   */
  public Future<CachedAnswer> lookup(String key) {
    CachedAnswer local = get(key);
    CacheTier t = tier;
    if (local != null || key == null || t == null) return Future.succeededFuture(local);
    return t.get(key).map(a -> {
      if (a != null && a.ttlNanos() > 0 && a.body().length <= MAX_ENTRY_BYTES) cache.put(key, a);
      return a;
    }).otherwise((CachedAnswer) null);
  }

  /** Stores an answer here and in the second tier. */
  public void put(String key, CachedAnswer answer) {
    if (key == null || answer.body().length > MAX_ENTRY_BYTES) return;
    cache.put(key, answer);
    CacheTier t = tier;
    if (t != null) t.put(key, answer);
  }

  public long size() {
    return cache.estimatedSize();
  }
}
