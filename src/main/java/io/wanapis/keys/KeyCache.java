package io.wanapis.keys;

import io.wanapis.store.KeySecretRow;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Every key and its live secret hashes in memory: the hot path's only source of truth about keys.
 * Loaded whole at start, then updated per key on every change (local writes at once, other
 * instances' writes through {@link KeyChanges}). An update never goes back in time: a key is
 * replaced only by a version with the same or a newer {@code updated_at}.
 */
public final class KeyCache {
  /** A key with its compiled model patterns and the hashes that open it. */
  public record Entry(VirtualKey key, ModelPatterns models, Set<String> hashes) {}

  public enum Status { OK, UNKNOWN, ROTATED_OUT, REVOKED, EXPIRED }

  /** What a presented secret is: {@code entry} is set unless the status is UNKNOWN. */
  public record Lookup(Status status, Entry entry, Long secretNotAfter) {}

  private record Secret(String keyId, Long notAfter) {}

  private final Map<String, Secret> byHash = new ConcurrentHashMap<>();
  private final Map<String, Entry> byId = new ConcurrentHashMap<>();

  public void load(List<VirtualKey> keys, List<KeySecretRow> secrets) {
    Map<String, List<KeySecretRow>> perKey = secrets.stream().collect(Collectors.groupingBy(KeySecretRow::keyId));
    for (VirtualKey k : keys) put(k, perKey.getOrDefault(k.id(), List.of()));
  }

  /** Puts (or replaces) one key with its live secrets. */
  public void put(VirtualKey key, List<KeySecretRow> liveSecrets) {
    byId.compute(key.id(), (id, old) -> {
      if (old != null && old.key().updatedAt() > key.updatedAt()) return old; // a stale reload lost the race
      Set<String> hashes = new HashSet<>();
      for (KeySecretRow s : liveSecrets) {
        hashes.add(s.hash());
        byHash.put(s.hash(), new Secret(id, s.notAfter()));
      }
      if (old != null) for (String h : old.hashes()) if (!hashes.contains(h)) byHash.remove(h);
      return new Entry(key, new ModelPatterns(key.models()), Set.copyOf(hashes));
    });
  }

  public Lookup lookup(String secretHash, long now) {
    Secret s = byHash.get(secretHash);
    if (s == null) return new Lookup(Status.UNKNOWN, null, null);
    Entry e = byId.get(s.keyId());
    if (e == null) return new Lookup(Status.UNKNOWN, null, null);
    if (s.notAfter() != null && s.notAfter() <= now) return new Lookup(Status.ROTATED_OUT, e, s.notAfter());
    if (e.key().status() == KeyStatus.REVOKED) return new Lookup(Status.REVOKED, e, s.notAfter());
    if (e.key().expired(now)) return new Lookup(Status.EXPIRED, e, s.notAfter());
    return new Lookup(Status.OK, e, s.notAfter());
  }

  public Entry get(String keyId) {
    return byId.get(keyId);
  }

  public int size() {
    return byId.size();
  }
}
