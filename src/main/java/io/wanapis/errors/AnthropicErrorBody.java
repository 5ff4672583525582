package io.wanapis.errors;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanapis.json.Json;

/**
 * Renders an {@link ApiError} in Anthropic's envelope:
 * {@code {"type":"error","error":{"type","message"},"request_id"}}, with the error type the
 * official Anthropic SDKs map to their exception classes.
 */
public final class AnthropicErrorBody {
  private AnthropicErrorBody() {}

  public static byte[] bytes(ApiError e, String requestId) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("type", "error");
    root.putObject("error").put("type", type(e.status())).put("message", e.getMessage());
    if (requestId != null) root.put("request_id", requestId);
    try {
      return Json.MAPPER.writeValueAsBytes(root);
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
  }

  public static String type(int status) {
    return switch (status) {
      case 400, 405, 415, 422 -> "invalid_request_error";
      case 401 -> "authentication_error";
      case 402 -> "billing_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 413 -> "request_too_large";
      case 429 -> "rate_limit_error";
      case 503, 529 -> "overloaded_error";
      case 504 -> "timeout_error";
      default -> "api_error";
    };
  }
}
