package io.wanapis.simulator;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/** OpenAI's {@code /v1/...} API: Bearer keys, OpenAI headers and error envelope, {@code data: [DONE]} streams. */
final class OpenAiProtocol implements Protocol {

  static final OpenAiProtocol INSTANCE = new OpenAiProtocol();

  private OpenAiProtocol() {}

  @Override
  public String newRequestId() {
    return Ids.request();
  }

  @Override
  public void authenticate(HttpServerRequest request, SimulatorOptions options) {
    if (options.apiKey() == null) {
      return;
    }
    String presented = bearer(request);
    if (presented == null) {
      throw new ApiException(OpenAiError.missingApiKey());
    }
    if (!presented.equals(options.apiKey())) {
      throw new ApiException(OpenAiError.incorrectApiKey(presented));
    }
  }

  /** The token of an {@code Authorization: Bearer} header, or {@code null}. */
  static String bearer(HttpServerRequest request) {
    String authorization = request.getHeader("authorization");
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        || authorization.substring(7).isBlank()) {
      return null;
    }
    return authorization.substring(7).trim();
  }

  @Override
  public Endpoint route(HttpServerRequest request) {
    return route(request.method(), request.path(), "/v1", new ChatCompletionsEndpoint());
  }

  /**
   * The OpenAI surface under {@code prefix} ({@code /v1}, or Azure's {@code /openai/v1}); {@code chat} answers
   * chat completions, so Azure can add its content-filter results.
   */
  static Endpoint route(HttpMethod method, String path, String prefix, Endpoint chat) {
    String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    String rest = p.startsWith(prefix + "/") ? p.substring(prefix.length()) : null;
    HttpMethod expected;
    Endpoint endpoint;
    switch (rest == null ? "" : rest) {
      case "/chat/completions" -> {
        expected = HttpMethod.POST;
        endpoint = chat;
      }
      case "/completions" -> {
        expected = HttpMethod.POST;
        endpoint = new CompletionsEndpoint();
      }
      case "/embeddings" -> {
        expected = HttpMethod.POST;
        endpoint = new EmbeddingsEndpoint();
      }
      case "/models" -> {
        expected = HttpMethod.GET;
        endpoint = ModelsEndpoint.list();
      }
      default -> {
        if (rest != null && rest.startsWith("/models/") && rest.length() > "/models/".length()) {
          expected = HttpMethod.GET;
          endpoint = ModelsEndpoint.retrieve(rest.substring("/models/".length()));
        } else {
          throw new ApiException(OpenAiError.unknownUrl(method.name(), path));
        }
      }
    }
    if (!method.equals(expected)) {
      throw new ApiException(OpenAiError.wrongMethod(method.name(), path));
    }
    return endpoint;
  }

  @Override
  public String jsonContentType() {
    return OpenAiHeaders.JSON;
  }

  @Override
  public String streamContentType() {
    return OpenAiHeaders.EVENT_STREAM;
  }

  @Override
  public String streamEnd() {
    return "data: [DONE]\n\n";
  }

  @Override
  public void headers(HttpServerResponse response, String requestId, long processingMs, long tokensRequested) {
    OpenAiHeaders.apply(response, requestId, processingMs, tokensRequested);
  }

  @Override
  public void rateLimited(HttpServerResponse response, long retryAfterSeconds) {
    OpenAiHeaders.rateLimited(response, retryAfterSeconds);
  }

  @Override
  public WireError faultError(FaultPlan fault, HttpServerRequest request, String body) {
    return OpenAiError.forFault(fault, FaultedRequest.model(body), fault.retryAfterOrDefault(),
        FaultedRequest.tokenEstimate(body));
  }

  @Override
  public WireError badFaultHeader(String message) {
    return OpenAiError.invalidRequest(message, null, "invalid_sim_fault");
  }

  @Override
  public WireError bug(RuntimeException e) {
    return OpenAiError.simulatorBug(e);
  }

  /** OpenAI ends a failing stream with an error object in a {@code data:} event and no {@code [DONE]}. */
  @Override
  public SseEvent streamError(String requestId) {
    return SseEvent.data(Json.write(OpenAiError.forFault(FaultPlan.parse("status=500"), "", 0, 0).toJson()), false);
  }
}
