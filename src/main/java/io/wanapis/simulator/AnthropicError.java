package io.wanapis.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An error in Anthropic's envelope {@code {"type":"error","error":{"type","message"},"request_id"}} (see the
 * fixtures under {@code anthropic/errors/}). The error types are {@code invalid_request_error},
 * {@code authentication_error}, {@code billing_error}, {@code permission_error}, {@code not_found_error},
 * {@code request_too_large}, {@code rate_limit_error}, {@code api_error}, {@code timeout_error} and
 * {@code overloaded_error}.
 */
record AnthropicError(int status, String type, String message) implements WireError {

  static AnthropicError invalidRequest(String message) {
    return new AnthropicError(400, "invalid_request_error", message);
  }

  static AnthropicError fieldRequired(String field) {
    return invalidRequest(field + ": Field required");
  }

  static AnthropicError notFound(String message) {
    return new AnthropicError(404, "not_found_error", message);
  }

  /** The error a {@code status=} fault asks for; {@code code=} sets the error type, {@code message=} the text. */
  static AnthropicError forFault(FaultPlan fault, String model) {
    int status = fault.status();
    AnthropicError base = switch (status) {
      case 400 -> invalidRequest("The simulator was asked to fail this request with HTTP 400.");
      case 401 -> new AnthropicError(401, "authentication_error", "invalid x-api-key");
      case 402 -> new AnthropicError(402, "billing_error", "Your credit balance is too low to access the Anthropic"
          + " API. Please go to Plans & Billing to upgrade or purchase credits.");
      case 403 -> new AnthropicError(403, "permission_error",
          "Your API key does not have permission to use the specified resource.");
      case 404 -> notFound("model: " + model);
      case 413 -> new AnthropicError(413, "request_too_large", "Request exceeds the maximum allowed number of bytes.");
      case 429 -> new AnthropicError(429, "rate_limit_error", "This request would exceed the rate limit for your"
          + " organization of 50 requests per minute. For details, refer to:"
          + " https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage."
          + " Please reduce the prompt length or the maximum tokens requested, or try again later.");
      case 504 -> new AnthropicError(504, "timeout_error", "Request timed out");
      case 529 -> overloaded();
      default -> status >= 500
          ? new AnthropicError(status, "api_error", "Internal server error")
          : invalidRequest("The simulator was asked to fail this request with HTTP " + status + ".");
    };
    return new AnthropicError(status,
        fault.code() != null ? fault.code() : base.type(),
        fault.message() != null ? fault.message() : base.message());
  }

  static AnthropicError overloaded() {
    return new AnthropicError(529, "overloaded_error", "Overloaded");
  }

  @Override
  public ObjectNode toJson() {
    return toJson(Ids.anthropicRequest());
  }

  @Override
  public ObjectNode toJson(String requestId) {
    ObjectNode root = Json.object();
    root.put("type", "error");
    ObjectNode error = root.putObject("error");
    error.put("type", type);
    error.put("message", message);
    if (requestId != null) {
      root.put("request_id", requestId);
    }
    return root;
  }
}
