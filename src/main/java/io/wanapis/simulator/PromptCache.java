package io.wanapis.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The prompt prefixes a provider has cached (Anthropic's {@code cache_control} breakpoints), so a repeat of
 * the same prefix reads the cache where the first request wrote it. Keys are opaque strings (model plus a
 * digest of the prefix); the oldest are forgotten beyond {@value #CAPACITY}. Thread-safe.
 */
final class PromptCache {

  static final int CAPACITY = 10_000;

  private final Map<String, Boolean> keys = new LinkedHashMap<>(256, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > CAPACITY;
    }
  };

  synchronized boolean contains(String key) {
    return keys.get(key) != null;
  }

  synchronized void add(String key) {
    keys.put(key, Boolean.TRUE);
  }

  synchronized void clear() {
    keys.clear();
  }
}
