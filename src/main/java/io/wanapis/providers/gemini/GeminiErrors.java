package io.wanapis.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanapis.canonical.Nodes;
import io.wanapis.errors.ApiError;
import io.wanapis.json.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * Gemini's {@code {"error":{code,message,status}}} → the gateway's errors. RESOURCE_EXHAUSTED is a
 * retryable 429, UNAVAILABLE a 503; an invalid gateway API key (Gemini says 400 API_KEY_INVALID)
 * is the operator's problem, so 502.
 */
final class GeminiErrors {
  private GeminiErrors() {}

  static ApiError map(String provider, int status, MultiMap headers, Buffer body) {
    JsonNode n = null;
    try {
      n = Json.MAPPER.readTree(body.getBytes());
    } catch (Exception ignored) {
      // not JSON: the status decides
    }
    ApiError e = map(provider, status, n);
    String retry = headers == null ? null : headers.get("retry-after");
    return retry != null && e.retryable() ? new ApiError(e.status(), e.type(), e.code(), e.getMessage(), e.param(), retry) : e;
  }

  static ApiError map(String provider, int status, JsonNode body) {
    JsonNode err = body == null ? null : body.path("error");
    String grpc = err == null ? null : Nodes.text(err, "status");
    String message = err == null || Nodes.text(err, "message") == null ? "HTTP " + status : Nodes.text(err, "message");
    boolean badKey = message.contains("API key not valid") || (err != null && err.toString().contains("API_KEY_INVALID"));
    if (badKey || status == 401 || status == 403 || "PERMISSION_DENIED".equals(grpc) || "UNAUTHENTICATED".equals(grpc)) {
      return new ApiError(502, "upstream_error", "upstream_auth_failed", "Provider '" + provider
          + "' rejected the gateway's credentials (HTTP " + status + "). The operator must check that provider's api_key.", null);
    }
    if (status == 429 || "RESOURCE_EXHAUSTED".equals(grpc)) {
      return new ApiError(429, "rate_limit_error", "rate_limit_exceeded", "Provider '" + provider + "' is rate limiting: " + message, null);
    }
    if (status == 503 || "UNAVAILABLE".equals(grpc)) {
      return new ApiError(503, "upstream_error", "upstream_unavailable", "Provider '" + provider + "' is unavailable: " + message, null);
    }
    if (status == 504 || "DEADLINE_EXCEEDED".equals(grpc)) {
      return new ApiError(504, "upstream_error", "upstream_timeout", "Provider '" + provider + "' timed out: " + message, null);
    }
    if (status == 404 || "NOT_FOUND".equals(grpc)) {
      return new ApiError(502, "upstream_error", "upstream_not_found", "Provider '" + provider + "' answered not found: " + message
          + " The operator must check the deployment's model name.", null);
    }
    if (status == 400 || "INVALID_ARGUMENT".equals(grpc) || "FAILED_PRECONDITION".equals(grpc)) {
      String lower = message.toLowerCase();
      if (lower.contains("exceeds the maximum number of tokens") || lower.contains("too long")) {
        return new ApiError(400, "invalid_request_error", "context_length_exceeded", message, "messages");
      }
      return new ApiError(400, "invalid_request_error", "invalid_request_error", message, null);
    }
    return new ApiError(502, "upstream_error", "upstream_error", "Provider '" + provider + "' failed (HTTP " + status + "): " + message, null);
  }
}
