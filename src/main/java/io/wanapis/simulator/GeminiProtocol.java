package io.wanapis.simulator;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Gemini API (Google AI Studio): {@code POST /v1beta/models/{model}:generateContent},
 * {@code :streamGenerateContent} ({@code ?alt=sse} for SSE, otherwise a JSON array) and {@code :countTokens},
 * also under {@code /v1/} and {@code /v1alpha/}; the key in {@code x-goog-api-key}, {@code ?key=} or a Bearer
 * token; {@code data: ...\r\n\r\n} events with no end marker.
 */
final class GeminiProtocol implements Protocol {

  static final GeminiProtocol INSTANCE = new GeminiProtocol();

  /** {@code /{version}/models/{model}:{method}}; the model may itself contain slashes (tuned models do not here). */
  static final Pattern PATH = Pattern.compile("/(v1|v1beta|v1alpha)/models/([^/:]+):([A-Za-z]+)");

  private GeminiProtocol() {}

  static boolean handles(String path) {
    return path.startsWith("/v1beta/") || path.startsWith("/v1alpha/") || PATH.matcher(path).matches();
  }

  /** Version, model and method of a Gemini path, or {@code null}. */
  static String[] parts(String path) {
    Matcher m = PATH.matcher(path);
    return m.matches() ? new String[] {m.group(1), m.group(2), m.group(3)} : null;
  }

  @Override
  public String newRequestId() {
    return Ids.geminiResponse();
  }

  @Override
  public void authenticate(HttpServerRequest request, SimulatorOptions options) {
    if (options.apiKey() == null) {
      return;
    }
    String key = request.getHeader("x-goog-api-key");
    if (key == null || key.isBlank()) {
      key = request.getParam("key");
    }
    if (key == null || key.isBlank()) {
      key = OpenAiProtocol.bearer(request);
    }
    if (key == null || key.isBlank()) {
      throw new ApiException(GeminiError.missingKey());
    }
    if (!key.trim().equals(options.apiKey())) {
      throw new ApiException(GeminiError.apiKeyInvalid());
    }
  }

  @Override
  public Endpoint route(HttpServerRequest request) {
    String[] parts = parts(request.path());
    if (parts == null) {
      throw new ApiException(new GeminiError(404, "NOT_FOUND", "Method not found.", null));
    }
    Endpoint endpoint = switch (parts[2]) {
      case "generateContent" -> new GeminiEndpoint(parts[0], parts[1], GeminiEndpoint.Mode.WHOLE);
      case "streamGenerateContent" -> new GeminiEndpoint(parts[0], parts[1],
          "sse".equals(request.getParam("alt")) ? GeminiEndpoint.Mode.SSE : GeminiEndpoint.Mode.JSON_ARRAY);
      case "countTokens" -> new GeminiEndpoint(parts[0], parts[1], GeminiEndpoint.Mode.COUNT_TOKENS);
      default -> throw new ApiException(new GeminiError(404, "NOT_FOUND", "Method not found.", null));
    };
    if (!request.method().equals(HttpMethod.POST)) {
      throw new ApiException(new GeminiError(405, "INVALID_ARGUMENT",
          "Method " + request.method().name() + " is not allowed for " + parts[2] + ".", null));
    }
    return endpoint;
  }

  @Override
  public String jsonContentType() {
    return "application/json; charset=UTF-8";
  }

  @Override
  public String streamContentType() {
    return "text/event-stream";
  }

  @Override
  public String streamEnd() {
    return "";
  }

  @Override
  public void headers(HttpServerResponse response, String requestId, long processingMs, long tokensRequested) {
    response
        .putHeader("vary", "Origin, X-Origin, Referer")
        .putHeader("server-timing", "gfet4t7; dur=" + processingMs)
        .putHeader("x-content-type-options", "nosniff");
  }

  /** Google sends no retry-after header; the delay is in the body's RetryInfo. */
  @Override
  public void rateLimited(HttpServerResponse response, long retryAfterSeconds) {}

  @Override
  public WireError faultError(FaultPlan fault, HttpServerRequest request, String body) {
    String[] parts = parts(request.path());
    String method = parts == null ? "generateContent" : parts[2].equals("streamGenerateContent") ? "generateContent" : parts[2];
    return GeminiError.forFault(fault, parts == null ? "gemini-2.5-flash" : parts[1],
        parts == null ? "v1beta" : parts[0], method);
  }

  @Override
  public WireError badFaultHeader(String message) {
    return GeminiError.invalidArgument(message);
  }

  @Override
  public WireError bug(RuntimeException e) {
    return new GeminiError(500, "INTERNAL", "The WanAPIs simulator failed while answering: " + e, null);
  }

  @Override
  public SseEvent streamError(String requestId) {
    return SseEvent.crlf(Json.write(GeminiError.forFault(FaultPlan.parse("status=503"), "", "v1beta", "").toJson()), 0);
  }
}
