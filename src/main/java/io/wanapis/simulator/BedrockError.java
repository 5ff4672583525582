package io.wanapis.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpServerResponse;

/**
 * An AWS error as Bedrock Runtime (a rest-json service) sends it: the body {@code {"message": "..."}} and the
 * error's type in the {@code x-amzn-ErrorType} header (see {@code bedrock/errors/} and the exceptions of the
 * service model: {@code ValidationException} 400, {@code AccessDeniedException} 403,
 * {@code ResourceNotFoundException} 404, {@code ModelTimeoutException} 408, {@code ModelErrorException} 424,
 * {@code ThrottlingException} and {@code ModelNotReadyException} 429, {@code InternalServerException} 500,
 * {@code ServiceUnavailableException} 503). Authentication failures are AWS-wide types that the model does not
 * list: {@code UnrecognizedClientException} and {@code MissingAuthenticationTokenException}, both 403.
 *
 * @param retryAfterSeconds a {@code retry-after} header to add, or -1 (AWS sends none of its own)
 */
record BedrockError(int status, String type, String message, long retryAfterSeconds) implements WireError {

  static final String INVALID_MODEL = "The provided model identifier is invalid.";

  BedrockError(int status, String type, String message) {
    this(status, type, message, -1);
  }

  static BedrockError validation(String message) {
    return new BedrockError(400, "ValidationException", message);
  }

  /** AWS's constraint-violation text, e.g. for {@code messages.0.member.role}. */
  static BedrockError constraint(Object value, String path, String constraint) {
    String shown = value == null ? "null" : "'" + value + "'";
    return validation("1 validation error detected: Value " + shown + " at '" + path
        + "' failed to satisfy constraint: " + constraint);
  }

  static BedrockError invalidModel() {
    return validation(INVALID_MODEL);
  }

  static BedrockError unrecognizedClient() {
    return new BedrockError(403, "UnrecognizedClientException", "The security token included in the request is invalid.");
  }

  static BedrockError missingAuthentication() {
    return new BedrockError(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
  }

  /**
   * The error a {@code status=} fault asks for, typed by status as the service model does; {@code code=}
   * replaces the type (e.g. {@code ModelNotReadyException} for a 429), {@code message=} the text.
   */
  static BedrockError forFault(FaultPlan fault, String modelId) {
    int status = fault.status();
    BedrockError base = switch (status) {
      case 400 -> validation("Malformed input request, please reformat your input and try again.");
      case 401, 403 -> new BedrockError(status, "AccessDeniedException",
          "You don't have access to the model with the specified model ID.");
      case 404 -> new BedrockError(404, "ResourceNotFoundException", "Model not found: " + modelId);
      case 408 -> new BedrockError(408, "ModelTimeoutException",
          "Model has timed out in processing the request. Try your request again.");
      case 424 -> new BedrockError(424, "ModelErrorException", "The model returned an error. Try your request again.");
      case 429 -> new BedrockError(429, "ThrottlingException", "Too many requests, please wait before trying again.");
      case 503 -> serviceUnavailable();
      default -> status >= 500
          ? new BedrockError(status, "InternalServerException", "The server encountered an internal error. Try your"
              + " request again.")
          : validation("The simulator was asked to fail this request with HTTP " + status + ".");
    };
    return new BedrockError(status, fault.code() != null ? fault.code() : base.type(),
        fault.message() != null ? fault.message() : base.message(), fault.retryAfterSeconds());
  }

  static BedrockError serviceUnavailable() {
    return new BedrockError(503, "ServiceUnavailableException", "Bedrock is unable to process your request.");
  }

  @Override
  public ObjectNode toJson() {
    return Json.object().put("message", message);
  }

  @Override
  public void headers(HttpServerResponse response) {
    response.putHeader("x-amzn-ErrorType", type);
    if (retryAfterSeconds >= 0) {
      response.putHeader("retry-after", Long.toString(retryAfterSeconds));
    }
  }
}
