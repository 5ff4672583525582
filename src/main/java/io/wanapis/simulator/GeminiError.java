package io.wanapis.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An error in Google's envelope {@code {"error":{"code":<http status>,"message","status":<google.rpc code>,
 * "details"?}}} (see the fixtures under {@code gemini/errors/}).
 */
record GeminiError(int status, String rpcStatus, String message, ArrayNode details) implements WireError {

  static GeminiError invalidArgument(String message) {
    return new GeminiError(400, "INVALID_ARGUMENT", message, null);
  }

  static GeminiError modelNotFound(String model, String version, String method) {
    return new GeminiError(404, "NOT_FOUND", "models/" + model + " is not found for API version " + version
        + ", or is not supported for " + method + ". Call ModelService.ListModels to see the list of available"
        + " models and their supported methods.", null);
  }

  /** The recorded answer to a wrong key (400, with ErrorInfo {@code API_KEY_INVALID} and a LocalizedMessage). */
  static GeminiError apiKeyInvalid() {
    String message = "API key not valid. Please pass a valid API key.";
    ArrayNode details = Json.array();
    ObjectNode info = details.addObject();
    info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
    info.put("reason", "API_KEY_INVALID");
    info.put("domain", "googleapis.com");
    info.putObject("metadata").put("service", "generativelanguage.googleapis.com");
    ObjectNode localized = details.addObject();
    localized.put("@type", "type.googleapis.com/google.rpc.LocalizedMessage");
    localized.put("locale", "en-US");
    localized.put("message", message);
    return new GeminiError(400, "INVALID_ARGUMENT", message, details);
  }

  static GeminiError missingKey() {
    return new GeminiError(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without"
        + " established identity). Please use API Key or other form of API consumer identity to call this API.", null);
  }

  /**
   * The error a {@code status=} fault asks for: 400 INVALID_ARGUMENT, 401 UNAUTHENTICATED, 403 PERMISSION_DENIED,
   * 404 NOT_FOUND, 429 RESOURCE_EXHAUSTED (with a RetryInfo detail), 500 INTERNAL, 503 UNAVAILABLE,
   * 504 DEADLINE_EXCEEDED; {@code code=} replaces the status name, {@code message=} the text.
   */
  static GeminiError forFault(FaultPlan fault, String model, String version, String method) {
    int status = fault.status();
    GeminiError base = switch (status) {
      case 400 -> invalidArgument("Request contains an invalid argument.");
      case 401 -> new GeminiError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected"
          + " OAuth 2 access token, login cookie or other valid authentication credential.", null);
      case 403 -> new GeminiError(403, "PERMISSION_DENIED", "The caller does not have permission", null);
      case 404 -> modelNotFound(model, version, method);
      case 429 -> {
        ArrayNode details = Json.array();
        ObjectNode retry = details.addObject();
        retry.put("@type", "type.googleapis.com/google.rpc.RetryInfo");
        retry.put("retryDelay", fault.retryAfterOrDefault() + "s");
        yield new GeminiError(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan"
            + " and billing details. For more information on this error, head to:"
            + " https://ai.google.dev/gemini-api/docs/rate-limits.", details);
      }
      case 500 -> internal(500);
      case 503 -> new GeminiError(503, "UNAVAILABLE", "The model is overloaded. Please try again later.", null);
      case 504 -> new GeminiError(504, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete.", null);
      default -> status >= 500 ? internal(status)
          : new GeminiError(status, "FAILED_PRECONDITION",
              "The simulator was asked to fail this request with HTTP " + status + ".", null);
    };
    return new GeminiError(status, fault.code() != null ? fault.code() : base.rpcStatus(),
        fault.message() != null ? fault.message() : base.message(), base.details());
  }

  static GeminiError internal(int status) {
    return new GeminiError(status, "INTERNAL", "An internal error has occurred. Please retry or report in"
        + " https://developers.generativeai.google/guide/troubleshooting", null);
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode root = Json.object();
    ObjectNode error = root.putObject("error");
    error.put("code", status);
    error.put("message", message);
    error.put("status", rpcStatus);
    if (details != null) {
      error.set("details", details);
    }
    return root;
  }
}
