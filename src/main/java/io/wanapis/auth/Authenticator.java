package io.wanapis.auth;

import io.wanapis.errors.ApiError;
import io.wanapis.keys.KeyCache;
import io.wanapis.keys.KeySecrets;
import io.wanapis.keys.LastUsedTracker;
import io.wanapis.keys.VirtualKey;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.LongSupplier;

/**
 * Finds the caller's key in {@code Authorization: Bearer} or {@code x-api-key} and answers from
 * memory: the master key by constant-time comparison, virtual keys by the SHA-256 of the secret
 * in the {@link KeyCache}. No database is asked on this path; use is noted for a batched write.
 */
public final class Authenticator {
  private final byte[] masterKey;
  private final KeyCache keys;
  private final LastUsedTracker lastUsed;
  private final LongSupplier clock;

  /** Master key only (no store). */
  public Authenticator(String masterKey) {
    this(masterKey, null, null, System::currentTimeMillis);
  }

  public Authenticator(String masterKey, KeyCache keys, LastUsedTracker lastUsed, LongSupplier clock) {
    this.masterKey = masterKey.getBytes(StandardCharsets.UTF_8);
    this.keys = keys;
    this.lastUsed = lastUsed;
    this.clock = clock;
  }

  public Principal authenticate(HttpServerRequest req) {
    return authenticate(presentedKey(req));
  }

  public Principal authenticate(String key) {
    if (key == null) throw ApiError.missingApiKey();
    if (MessageDigest.isEqual(masterKey, key.getBytes(StandardCharsets.UTF_8))) return Principal.MASTER;
    if (keys == null || !KeySecrets.wellFormed(key)) throw ApiError.invalidApiKey();
    long now = clock.getAsLong();
    KeyCache.Lookup l = keys.lookup(KeySecrets.hash(key), now);
    switch (l.status()) {
      case UNKNOWN -> throw ApiError.invalidApiKey();
      case ROTATED_OUT -> throw AuthErrors.rotatedOut(l.entry().key().id(), l.secretNotAfter());
      case REVOKED -> throw AuthErrors.revoked(l.entry().key().id());
      case EXPIRED -> throw AuthErrors.expired(l.entry().key().id(), l.entry().key().expiresAt());
      default -> { }
    }
    VirtualKey k = l.entry().key();
    if (lastUsed != null) lastUsed.record(k.id(), now);
    return new Principal(k.id(), k.role(), k.teamId(), l.entry().models(), k.endpoints());
  }

  static String presentedKey(HttpServerRequest req) {
    String auth = req.getHeader("authorization");
    if (auth != null) {
      if (auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
        String k = auth.substring(7).trim();
        if (!k.isEmpty()) return k;
      }
    }
    String x = req.getHeader("x-api-key");
    if (x != null && !x.isBlank()) return x.trim();
    return null;
  }
}
