package io.wanapis.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

/**
 * Exact-match response cache in memory, bounded by bytes, each entry with its model's TTL.
 * Shared through Redis across instances with the quotas work; one instance keeps it here.
 */
public final class ResponseCache {
  /** Answers larger than this are not cached (a long stream is cheap to regenerate relative to its memory). */
  public static final int MAX_ENTRY_BYTES = 4 * 1024 * 1024;

  private final Cache<String, CachedAnswer> cache;

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

  public CachedAnswer get(String key) {
    return key == null ? null : cache.getIfPresent(key);
  }

  public void put(String key, CachedAnswer answer) {
    if (key != null && answer.body().length <= MAX_ENTRY_BYTES) cache.put(key, answer);
  }

  public long size() {
    return cache.estimatedSize();
  }
}
