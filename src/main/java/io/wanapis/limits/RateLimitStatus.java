package io.wanapis.limits;

import io.vertx.core.MultiMap;

/**
 * What a key has left, as OpenAI's {@code x-ratelimit-*} headers say it (its SDKs and many tools
 * read them). A limit of 0 means none is set, and those headers are left out.
 */
public record RateLimitStatus(long limitRequests, long remainingRequests, long resetRequestsNanos,
    long limitTokens, long remainingTokens, long resetTokensNanos) {

  public void writeTo(MultiMap headers) {
    if (limitRequests > 0) {
      headers.set("x-ratelimit-limit-requests", Long.toString(limitRequests));
      headers.set("x-ratelimit-remaining-requests", Long.toString(Math.max(0, remainingRequests)));
      headers.set("x-ratelimit-reset-requests", duration(resetRequestsNanos));
    }
    if (limitTokens > 0) {
      headers.set("x-ratelimit-limit-tokens", Long.toString(limitTokens));
      headers.set("x-ratelimit-remaining-tokens", Long.toString(Math.max(0, remainingTokens)));
      headers.set("x-ratelimit-reset-tokens", duration(resetTokensNanos));
    }
  }

  /** OpenAI's format: "20ms", "1.5s", "6m0s". */
  static String duration(long nanos) {
    long ms = Math.max(0, nanos / 1_000_000);
    if (ms < 1000) return ms + "ms";
    if (ms < 60_000) {
      long tenths = (ms + 50) / 100;
      return (tenths % 10 == 0 ? Long.toString(tenths / 10) : (tenths / 10) + "." + (tenths % 10)) + "s";
    }
    long s = ms / 1000;
    return (s / 60) + "m" + (s % 60) + "s";
  }
}
