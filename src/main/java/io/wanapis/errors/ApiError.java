package io.wanapis.errors;

import java.util.Collection;

/**
 * An error a client sees. Carries everything needed to render it in any ingress protocol
 * (OpenAI today, Anthropic later): HTTP status, a protocol-neutral type, a stable code, a
 * message that tells the caller what to do, and optionally the offending parameter.
 *
 * <p>It is an exception so deep code can abort a request with one throw; the stack trace is
 * never filled (it is never shown and costs time on the hot path).
 */
public final class ApiError extends RuntimeException {
  private final int status;
  private final String type;
  private final String code;
  private final String param;
  private final String retryAfterSeconds;
  private final java.util.Map<String, String> headers;

  public ApiError(int status, String type, String code, String message, String param) {
    this(status, type, code, message, param, null);
  }

  public ApiError(int status, String type, String code, String message, String param, String retryAfterSeconds) {
    this(status, type, code, message, param, retryAfterSeconds, java.util.Map.of());
  }

  private ApiError(int status, String type, String code, String message, String param, String retryAfterSeconds,
      java.util.Map<String, String> headers) {
    super(message, null, false, false);
    this.headers = headers;
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = param;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int status() { return status; }
  public String type() { return type; }
  public String code() { return code; }
  public String param() { return param; }
  /** Extra response headers that belong to this error (e.g. the x-ratelimit-* of a 429). */
  public java.util.Map<String, String> headers() { return headers; }

  public ApiError withHeaders(java.util.Map<String, String> extra) {
    java.util.Map<String, String> all = new java.util.LinkedHashMap<>(headers);
    all.putAll(extra);
    return new ApiError(status, type, code, getMessage(), param, retryAfterSeconds, java.util.Map.copyOf(all));
  }

  /** Writes retry-after and the extra headers. */
  public void writeHeaders(io.vertx.core.http.HttpServerResponse resp) {
    if (retryAfterSeconds != null) resp.putHeader("retry-after", retryAfterSeconds);
    headers.forEach(resp::putHeader);
  }

  /** Whether another deployment might succeed where this one failed. */
  public boolean retryable() {
    return status == 429 || status == 502 || status == 503 || status == 504;
  }

  /** Value for a {@code retry-after} header, or null. */
  public String retryAfterSeconds() { return retryAfterSeconds; }

  // ---- the errors the gateway itself raises, one factory each so codes stay stable ----

  public static ApiError invalidApiKey() {
    return new ApiError(401, "invalid_request_error", "invalid_api_key",
        "Incorrect API key provided. Send the gateway key as 'Authorization: Bearer <key>' or as 'x-api-key: <key>'.",
        null);
  }

  public static ApiError missingApiKey() {
    return new ApiError(401, "invalid_request_error", "missing_api_key",
        "You didn't provide an API key. Send the gateway key as 'Authorization: Bearer <key>' or as 'x-api-key: <key>'.",
        null);
  }

  public static ApiError modelNotFound(String model, Collection<String> available) {
    String list = available.isEmpty() ? "none" : String.join(", ", available);
    return new ApiError(404, "invalid_request_error", "model_not_found",
        "The model '" + model + "' does not exist or you do not have access to it. Models you can use: " + list + ".",
        "model");
  }

  public static ApiError invalidJson(String detail) {
    return new ApiError(400, "invalid_request_error", "invalid_json",
        "We could not parse the JSON body of your request (" + detail + "). Send a JSON object with 'Content-Type: application/json'.",
        null);
  }

  public static ApiError missingParameter(String param) {
    return new ApiError(400, "invalid_request_error", "missing_required_parameter",
        "Missing required parameter: '" + param + "'.", param);
  }

  public static ApiError invalidParameter(String param, String message) {
    return new ApiError(400, "invalid_request_error", "invalid_value", message, param);
  }

  public static ApiError bodyTooLarge(long limit) {
    return new ApiError(413, "invalid_request_error", "request_too_large",
        "The request body is larger than this gateway accepts (" + limit + " bytes). Send a smaller request or raise server.max_body_bytes.",
        null);
  }

  public static ApiError unknownUrl(String method, String path) {
    return new ApiError(404, "invalid_request_error", "unknown_url",
        "Invalid URL (" + method + " " + path + "). See docs/api.md for the endpoints this gateway serves.", null);
  }

  public static ApiError methodNotAllowed(String method, String path) {
    return new ApiError(405, "invalid_request_error", "method_not_allowed",
        "Method " + method + " is not allowed on " + path + ".", null);
  }

  public static ApiError upstreamUnreachable(String provider, String why) {
    return new ApiError(502, "upstream_error", "upstream_unreachable",
        "The gateway could not reach provider '" + provider + "' (" + why + "). Try again; if it persists, check the provider's base_url.",
        null);
  }

  public static ApiError upstreamTimeout(String provider, String which, long ms) {
    return new ApiError(504, "upstream_error", "upstream_timeout",
        "Provider '" + provider + "' did not answer in time (" + which + " timeout of " + ms + " ms). Try again or raise the timeout.",
        null);
  }

  public static ApiError streamInterrupted(String provider, String why) {
    return new ApiError(502, "upstream_error", "stream_interrupted",
        "The stream from provider '" + provider + "' ended early (" + why + "). The answer above is incomplete; retry the request.",
        null);
  }

  public static ApiError internal(String what) {
    return new ApiError(500, "server_error", "internal_error",
        "The gateway failed while " + what + ". This is a bug; the request id identifies it in the gateway's log.", null);
  }
}
