package io.wanapis.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An error answer in OpenAI's envelope {@code {"error":{"message","type","param","code"}}}, with the
 * texts OpenAI really sends (see the fixtures under {@code openai/errors/}).
 */
record OpenAiError(int status, String message, String type, String param, String code) implements WireError {

  static OpenAiError invalidRequest(String message, String param, String code) {
    return new OpenAiError(400, message, "invalid_request_error", param, code);
  }

  static OpenAiError unparsableJson() {
    return invalidRequest(
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your"
            + " HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid"
            + " JSON. If you have trouble figuring out how to fix this, please contact us through our help"
            + " center at help.openai.com.)",
        null,
        null);
  }

  static OpenAiError missingParameter(String param) {
    return invalidRequest("Missing required parameter: '" + param + "'.", param, "missing_required_parameter");
  }

  static OpenAiError missingModel() {
    return invalidRequest("you must provide a model parameter", null, null);
  }

  static OpenAiError invalidType(String param, String expected, String got) {
    return invalidRequest(
        "Invalid type for '" + param + "': expected " + expected + ", but got " + got + " instead.",
        param,
        "invalid_type");
  }

  static OpenAiError missingApiKey() {
    return new OpenAiError(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using"
            + " Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank"
            + " username) if you're accessing the API from your browser and are prompted for a username and"
            + " password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
        "invalid_request_error",
        null,
        "invalid_api_key");
  }

  static OpenAiError incorrectApiKey(String presented) {
    return new OpenAiError(
        401,
        "Incorrect API key provided: " + mask(presented)
            + ". You can find your API key at https://platform.openai.com/account/api-keys.",
        "invalid_request_error",
        null,
        "invalid_api_key");
  }

  static OpenAiError unknownUrl(String method, String path) {
    return new OpenAiError(404, "Invalid URL (" + method + " " + path + ")", "invalid_request_error", null, null);
  }

  static OpenAiError wrongMethod(String method, String path) {
    return new OpenAiError(
        405, "Invalid method for URL (" + method + " " + path + ")", "invalid_request_error", null, null);
  }

  static OpenAiError contextLengthExceeded(int promptTokens, int completionTokens) {
    int limit = 128000;
    return invalidRequest(
        "This model's maximum context length is " + limit + " tokens. However, you requested "
            + Math.max(limit + 1, promptTokens + completionTokens) + " tokens (" + promptTokens
            + " in the messages, " + completionTokens
            + " in the completion). Please reduce the length of the messages or completion.",
        "messages",
        "context_length_exceeded");
  }

  /**
   * The error a {@code status=} fault asks for. The defaults mirror OpenAI: 429 is a requests-per-minute
   * limit, 5xx are {@code server_error}s, other 4xx are {@code invalid_request_error}s.
   */
  static OpenAiError forFault(FaultPlan fault, String model, long retryAfterSeconds, int promptTokens) {
    int status = fault.status();
    if (status == 400 && "context_length_exceeded".equals(fault.code()) && fault.message() == null) {
      return contextLengthExceeded(promptTokens, 1000);
    }
    OpenAiError base = switch (status) {
      case 401 -> incorrectApiKey("sk-simulated-fault-key");
      case 404 -> new OpenAiError(404, "The model `" + model + "` does not exist or you do not have access to it.",
          "invalid_request_error", null, "model_not_found");
      case 429 -> new OpenAiError(429, "Rate limit reached for " + model
          + " in organization org-wanapissimulator on requests per min (RPM): Limit 10000, Used 10000,"
          + " Requested 1. Please try again in " + retryAfterSeconds
          + "s. Visit https://platform.openai.com/account/rate-limits to learn more.",
          "requests", null, "rate_limit_exceeded");
      case 500 -> new OpenAiError(500, "The server had an error while processing your request. Sorry about that!",
          "server_error", null, null);
      case 503 -> new OpenAiError(503, "The server is overloaded or not ready yet.", "server_error", null, null);
      default -> status >= 500
          ? new OpenAiError(status, "The server had an error while processing your request. Sorry about that!",
              "server_error", null, null)
          : new OpenAiError(status, "The simulator was asked to fail this request with HTTP " + status + ".",
              "invalid_request_error", null, null);
    };
    return new OpenAiError(status,
        fault.message() != null ? fault.message() : base.message(),
        base.type(),
        base.param(),
        fault.code() != null ? fault.code() : base.code());
  }

  /** A simulator defect answers like an OpenAI 500 rather than leaving the client waiting. */
  static OpenAiError simulatorBug(RuntimeException e) {
    return new OpenAiError(500, "The WanAPIs simulator failed while answering: " + e, "server_error", null, null);
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode error = Json.object();
    error.put("message", message);
    error.put("type", type);
    error.put("param", param);
    error.put("code", code);
    ObjectNode root = Json.object();
    root.set("error", error);
    return root;
  }

  /** OpenAI shows the first 8 and the last 4 characters of a wrong key. */
  private static String mask(String key) {
    if (key.length() <= 12) {
      return "*".repeat(key.length());
    }
    return key.substring(0, 8) + "*".repeat(key.length() - 12) + key.substring(key.length() - 4);
  }
}
