package io.wanapis.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanapis.canonical.Nodes;
import io.wanapis.errors.ApiError;
import io.wanapis.json.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * Anthropic error answers → the gateway's errors. 529 overloaded becomes a retryable 503,
 * "prompt is too long" becomes {@code context_length_exceeded}, credential failures of the
 * gateway's own key become 502 (the client's key was fine).
 */
public final class AnthropicErrors {
  private AnthropicErrors() {}

  public static ApiError map(String provider, int status, MultiMap headers, Buffer body) {
    JsonNode n = null;
    try {
      n = Json.MAPPER.readTree(body.getBytes());
    } catch (Exception ignored) {
      // not JSON: the status decides
    }
    ApiError e = map(provider, status, n);
    String retry = headers == null ? null : headers.get("retry-after");
    if (retry != null && e.retryable()) {
      return new ApiError(e.status(), e.type(), e.code(), e.getMessage(), e.param(), retry);
    }
    return e;
  }

  /** @param status 200 for an error event inside a stream */
  static ApiError map(String provider, int status, JsonNode body) {
    JsonNode err = body == null ? null : body.path("error");
    String type = err == null ? null : Nodes.text(err, "type");
    String message = err == null ? null : Nodes.text(err, "message");
    if (message == null) message = "HTTP " + status;
    if ("overloaded_error".equals(type) || status == 529) {
      return new ApiError(503, "upstream_error", "upstream_unavailable",
          "Provider '" + provider + "' is overloaded: " + message, null);
    }
    if ("rate_limit_error".equals(type) || status == 429) {
      return new ApiError(429, "rate_limit_error", "rate_limit_exceeded", "Provider '" + provider + "' is rate limiting: " + message, null);
    }
    if ("authentication_error".equals(type) || "permission_error".equals(type) || status == 401 || status == 403) {
      return new ApiError(502, "upstream_error", "upstream_auth_failed",
          "Provider '" + provider + "' rejected the gateway's credentials (HTTP " + status + "). The operator must check that provider's api_key.", null);
    }
    if ("not_found_error".equals(type) || status == 404) {
      return new ApiError(502, "upstream_error", "upstream_not_found",
          "Provider '" + provider + "' answered not found: " + message + " The operator must check the deployment's model name.", null);
    }
    if ("invalid_request_error".equals(type) || status == 400 || status == 413) {
      String lower = message.toLowerCase();
      if (lower.contains("prompt is too long") || lower.contains("context window") || lower.contains("too many tokens")) {
        return new ApiError(400, "invalid_request_error", "context_length_exceeded", message, "messages");
      }
      return new ApiError(status == 413 ? 413 : 400, "invalid_request_error", "invalid_request_error", message, null);
    }
    if ("timeout_error".equals(type) || status == 504) {
      return new ApiError(504, "upstream_error", "upstream_timeout", "Provider '" + provider + "' timed out: " + message, null);
    }
    return new ApiError(502, "upstream_error", "upstream_error", "Provider '" + provider + "' failed (HTTP " + status + "): " + message, null);
  }
}
