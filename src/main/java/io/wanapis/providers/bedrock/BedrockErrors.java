package io.wanapis.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanapis.canonical.Nodes;
import io.wanapis.errors.ApiError;
import io.wanapis.json.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * Bedrock errors: a {@code {"message"}} body with the type in the {@code x-amzn-ErrorType}
 * header (or the {@code :exception-type} of a stream frame). Throttling → 429, service
 * unavailable / model not ready → 503, validation → 400 (context length recognised), access
 * denied → 502 (the gateway's AWS credentials).
 */
final class BedrockErrors {
  private BedrockErrors() {}

  static ApiError map(String provider, int status, MultiMap headers, Buffer body) {
    String message = null;
    try {
      JsonNode n = Json.MAPPER.readTree(body.getBytes());
      message = Nodes.text(n, "message");
      if (message == null) message = Nodes.text(n, "Message");
    } catch (Exception ignored) {
      // not JSON
    }
    String type = headers == null ? null : headers.get("x-amzn-ErrorType");
    if (type != null && type.contains(":")) type = type.substring(0, type.indexOf(':'));
    if (type == null) {
      type = switch (status) {
        case 400 -> "ValidationException";
        case 403 -> "AccessDeniedException";
        case 404 -> "ResourceNotFoundException";
        case 429 -> "ThrottlingException";
        case 503 -> "ServiceUnavailableException";
        default -> "InternalServerException";
      };
    }
    return fromException(provider, type, message == null ? "HTTP " + status : message);
  }

  static ApiError fromException(String provider, String type, String message) {
    // stream frames name the type in lower camel case (serviceUnavailableException), headers in upper
    String t = type == null || type.isEmpty() ? "" : Character.toUpperCase(type.charAt(0)) + type.substring(1);
    String m = message == null ? t : message;
    return switch (t) {
      case "ThrottlingException" -> new ApiError(429, "rate_limit_error", "rate_limit_exceeded", "Provider '" + provider + "' is throttling: " + m, null);
      case "ServiceUnavailableException", "ModelNotReadyException" -> new ApiError(503, "upstream_error", "upstream_unavailable",
          "Provider '" + provider + "' is unavailable: " + m, null);
      case "ModelTimeoutException" -> new ApiError(504, "upstream_error", "upstream_timeout", "Provider '" + provider + "' timed out: " + m, null);
      case "AccessDeniedException", "UnrecognizedClientException" -> new ApiError(502, "upstream_error", "upstream_auth_failed",
          "Provider '" + provider + "' rejected the gateway's AWS credentials: " + m, null);
      case "ResourceNotFoundException" -> new ApiError(502, "upstream_error", "upstream_not_found", "Provider '" + provider + "': " + m, null);
      case "ValidationException" -> {
        String lower = m.toLowerCase();
        boolean ctx = lower.contains("too long") || lower.contains("context length") || lower.contains("input is too long");
        yield new ApiError(400, "invalid_request_error", ctx ? "context_length_exceeded" : "invalid_request_error", m, ctx ? "messages" : null);
      }
      default -> new ApiError(502, "upstream_error", "upstream_error", "Provider '" + provider + "' failed (" + t + "): " + m, null);
    };
  }
}
