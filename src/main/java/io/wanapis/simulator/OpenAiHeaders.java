package io.wanapis.simulator;

import io.vertx.core.http.HttpServerResponse;

/** The response headers OpenAI sends with every answer (request id, timing, rate-limit state). */
final class OpenAiHeaders {

  static final String JSON = "application/json";
  static final String EVENT_STREAM = "text/event-stream; charset=utf-8";

  static final long LIMIT_REQUESTS = 10_000;
  static final long LIMIT_TOKENS = 30_000_000;

  private OpenAiHeaders() {}

  /**
   * @param tokensRequested rough size of the request, so {@code x-ratelimit-remaining-tokens} moves
   *                        like the real one
   */
  static void apply(HttpServerResponse response, String requestId, long processingMs, long tokensRequested) {
    response
        .putHeader("x-request-id", requestId)
        .putHeader("openai-organization", "wanapis-simulator")
        .putHeader("openai-processing-ms", Long.toString(processingMs))
        .putHeader("openai-version", "2020-10-01")
        .putHeader("access-control-expose-headers", "X-Request-ID")
        .putHeader("x-ratelimit-limit-requests", Long.toString(LIMIT_REQUESTS))
        .putHeader("x-ratelimit-remaining-requests", Long.toString(LIMIT_REQUESTS - 1))
        .putHeader("x-ratelimit-reset-requests", "6ms")
        .putHeader("x-ratelimit-limit-tokens", Long.toString(LIMIT_TOKENS))
        .putHeader("x-ratelimit-remaining-tokens", Long.toString(Math.max(0, LIMIT_TOKENS - tokensRequested)))
        .putHeader("x-ratelimit-reset-tokens", "0s");
  }

  /** A 429 says the limit is used up and when to come back. */
  static void rateLimited(HttpServerResponse response, long retryAfterSeconds) {
    response
        .putHeader("retry-after", Long.toString(retryAfterSeconds))
        .putHeader("x-ratelimit-remaining-requests", "0")
        .putHeader("x-ratelimit-reset-requests", retryAfterSeconds + "s");
  }
}
