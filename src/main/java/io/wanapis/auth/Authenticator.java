package io.wanapis.auth;

import io.wanapis.errors.ApiError;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Finds the caller's key in {@code Authorization: Bearer} or {@code x-api-key} and answers from
 * memory. Comparison is constant-time so the key cannot be guessed byte by byte from timings.
 */
public final class Authenticator {
  private final byte[] masterKey;

  public Authenticator(String masterKey) {
    this.masterKey = masterKey.getBytes(StandardCharsets.UTF_8);
  }

  public Principal authenticate(HttpServerRequest req) {
    String key = presentedKey(req);
    if (key == null) throw ApiError.missingApiKey();
    if (MessageDigest.isEqual(masterKey, key.getBytes(StandardCharsets.UTF_8))) return Principal.MASTER;
    throw ApiError.invalidApiKey();
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
