package io.wanapis.store;

/** A stored secret hash of a key; {@code notAfter} (epoch millis) is set once the secret was rotated out. */
public record KeySecretRow(String hash, String keyId, long createdAt, Long notAfter) {
  public boolean liveAt(long now) {
    return notAfter == null || notAfter > now;
  }
}
