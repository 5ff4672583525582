package io.wanapis.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanapis.errors.ApiError;
import io.wanapis.json.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * Maps an OpenAI-shaped upstream error to what the client should see. Errors about the request
 * (400, 413, 422) and rate limits (429) keep the upstream's status, code and message; failures
 * of the upstream or of the gateway's own credentials become 502/503/504 that say which provider
 * failed, because the client's request and key were fine.
 */
public final class OpenAiErrorMapper {
  private OpenAiErrorMapper() {}

  public static ApiError map(String provider, int status, MultiMap headers, Buffer body) {
    JsonNode err = errorObject(body);
    String message = text(err, "message");
    String type = text(err, "type");
    String code = text(err, "code");
    String param = text(err, "param");
    if (message == null) message = abbreviate(body);
    return switch (status) {
      case 400, 409, 413, 415, 422 -> new ApiError(status, type != null ? type : "invalid_request_error",
          code != null ? code : "upstream_rejected_request", message, param);
      case 401, 403 -> new ApiError(502, "upstream_error", "upstream_auth_failed",
          "Provider '" + provider + "' rejected the gateway's credentials (HTTP " + status
              + "). The operator must check that provider's api_key.", null);
      case 404 -> new ApiError(502, "upstream_error", "upstream_not_found",
          "Provider '" + provider + "' answered 404: " + message + " The operator must check the deployment's model name and base_url.", null);
      case 429 -> new ApiError(429, type != null ? type : "rate_limit_error", code != null ? code : "rate_limit_exceeded",
          "Provider '" + provider + "' is rate limiting: " + message, null, retryAfter(headers));
      case 503, 529 -> new ApiError(503, "upstream_error", "upstream_unavailable",
          "Provider '" + provider + "' is unavailable (HTTP " + status + "): " + message, null, retryAfter(headers));
      case 504 -> new ApiError(504, "upstream_error", "upstream_timeout",
          "Provider '" + provider + "' timed out (HTTP 504): " + message, null);
      default -> new ApiError(502, "upstream_error", "upstream_error",
          "Provider '" + provider + "' failed (HTTP " + status + "): " + message, null);
    };
  }

  /** {@code retry-after} in seconds, also derived from OpenAI's {@code retry-after-ms}. */
  static String retryAfter(MultiMap headers) {
    if (headers == null) return null;
    String s = headers.get("retry-after");
    if (s != null && !s.isBlank()) return s.trim();
    String ms = headers.get("retry-after-ms");
    if (ms != null) {
      try {
        return Long.toString((long) Math.ceil(Double.parseDouble(ms.trim()) / 1000.0));
      } catch (NumberFormatException ignored) {
        return null;
      }
    }
    return null;
  }

  private static JsonNode errorObject(Buffer body) {
    try {
      JsonNode n = Json.MAPPER.readTree(body.getBytes());
      if (n != null && n.path("error").isObject()) return n.path("error");
      if (n != null && n.isObject()) return n; // some compatibles put message/code at the top level
    } catch (Exception ignored) {
      // not JSON: the raw text (abbreviated) becomes the message
    }
    return null;
  }

  private static String text(JsonNode err, String field) {
    if (err == null) return null;
    JsonNode v = err.get(field);
    if (v == null || v.isNull()) return null;
    return v.isValueNode() ? v.asText() : v.toString();
  }

  private static String abbreviate(Buffer body) {
    String s = body == null ? "" : body.toString().strip();
    if (s.isEmpty()) return "(empty body)";
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }
}
