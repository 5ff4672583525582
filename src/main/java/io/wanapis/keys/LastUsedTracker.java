package io.wanapis.keys;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers when each key was last used, in memory, for a periodic batched write: the hot path
 * does one map put, never a database write.
 */
public final class LastUsedTracker {
  private final ConcurrentHashMap<String, Long> pending = new ConcurrentHashMap<>();

  public void record(String keyId, long now) {
    pending.put(keyId, now);
  }

  /** Takes what is pending; a use recorded meanwhile stays for the next batch. */
  public Map<String, Long> drain() {
    Map<String, Long> out = new HashMap<>();
    for (Map.Entry<String, Long> e : pending.entrySet()) {
      if (pending.remove(e.getKey(), e.getValue())) out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  /** Puts back a batch that could not be written (store down), keeping newer times. */
  public void restore(Map<String, Long> batch) {
    batch.forEach((k, v) -> pending.merge(k, v, Math::max));
  }
}
