package io.wanapis.limits;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;

/**
 * What a key has left, as OpenAI's {@code x-ratelimit-*} headers say it (its SDKs and many tools
 * read them). A limit of 0 means none is set, and those headers are left out.
 */
public record RateLimitStatus(long limitRequests, long remainingRequests, long resetRequestsNanos,
    long limitTokens, long remainingTokens, long resetTokensNanos) {

  // written on every limited answer: names built once (their case-insensitive hash kept) rather
  // than hashed from a String per header
  private static final CharSequence LIMIT_REQUESTS = HttpHeaders.createOptimized("x-ratelimit-limit-requests");
  private static final CharSequence REMAINING_REQUESTS = HttpHeaders.createOptimized("x-ratelimit-remaining-requests");
  private static final CharSequence RESET_REQUESTS = HttpHeaders.createOptimized("x-ratelimit-reset-requests");
  private static final CharSequence LIMIT_TOKENS = HttpHeaders.createOptimized("x-ratelimit-limit-tokens");
  private static final CharSequence REMAINING_TOKENS = HttpHeaders.createOptimized("x-ratelimit-remaining-tokens");
  private static final CharSequence RESET_TOKENS = HttpHeaders.createOptimized("x-ratelimit-reset-tokens");

  public void writeTo(MultiMap headers) {
    if (limitRequests > 0) {
      headers.set(LIMIT_REQUESTS, Long.toString(limitRequests));
      headers.set(REMAINING_REQUESTS, Long.toString(Math.max(0, remainingRequests)));
      headers.set(RESET_REQUESTS, duration(resetRequestsNanos));
    }
    if (limitTokens > 0) {
      headers.set(LIMIT_TOKENS, Long.toString(limitTokens));
      headers.set(REMAINING_TOKENS, Long.toString(Math.max(0, remainingTokens)));
      headers.set(RESET_TOKENS, duration(resetTokensNanos));
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
