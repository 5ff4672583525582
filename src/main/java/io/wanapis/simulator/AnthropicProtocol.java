package io.wanapis.simulator;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Anthropic's Messages API: {@code POST /v1/messages} (also with {@code ?beta=true}) and
 * {@code POST /v1/messages/count_tokens}; the key in {@code x-api-key} or {@code Authorization: Bearer};
 * the {@code anthropic-version} header is required; named SSE events and no end marker.
 */
final class AnthropicProtocol implements Protocol {

  static final AnthropicProtocol INSTANCE = new AnthropicProtocol();

  /** API versions are dates; the first was 2023-01-01 (the SDK 3.13 sends 2026-10-21). */
  static final java.util.regex.Pattern VERSION = java.util.regex.Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  static final long LIMIT_REQUESTS = 4000;
  static final long LIMIT_TOKENS = 2_000_000;

  private AnthropicProtocol() {}

  @Override
  public String newRequestId() {
    return Ids.anthropicRequest();
  }

  @Override
  public void authenticate(HttpServerRequest request, SimulatorOptions options) {
    if (options.apiKey() == null) {
      return;
    }
    String key = request.getHeader("x-api-key");
    if (key == null || key.isBlank()) {
      key = OpenAiProtocol.bearer(request);
    }
    if (key == null || key.isBlank()) {
      throw new ApiException(new AnthropicError(401, "authentication_error", "x-api-key header is required"));
    }
    if (!key.trim().equals(options.apiKey())) {
      throw new ApiException(new AnthropicError(401, "authentication_error", "invalid x-api-key"));
    }
  }

  @Override
  public Endpoint route(HttpServerRequest request) {
    String path = request.path();
    String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    Endpoint endpoint = switch (p) {
      case "/v1/messages" -> new AnthropicMessagesEndpoint(false);
      case "/v1/messages/count_tokens" -> new AnthropicMessagesEndpoint(true);
      default -> throw new ApiException(AnthropicError.notFound("Not Found"));
    };
    if (!request.method().equals(HttpMethod.POST)) {
      throw new ApiException(new AnthropicError(405, "invalid_request_error",
          "Method Not Allowed: " + request.method().name() + " " + path));
    }
    String version = request.getHeader("anthropic-version");
    if (version == null || version.isBlank()) {
      throw new ApiException(AnthropicError.invalidRequest("anthropic-version: header is required"));
    }
    if (!VERSION.matcher(version.trim()).matches() || version.trim().compareTo("2023-01-01") < 0) {
      throw new ApiException(AnthropicError.invalidRequest(
          "anthropic-version: \"" + version + "\" is not a valid version"));
    }
    return endpoint;
  }

  @Override
  public String jsonContentType() {
    return "application/json";
  }

  @Override
  public String streamContentType() {
    return "text/event-stream; charset=utf-8";
  }

  @Override
  public String streamEnd() {
    return "";
  }

  @Override
  public void headers(HttpServerResponse response, String requestId, long processingMs, long tokensRequested) {
    String reset = Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.SECONDS).toString();
    response
        .putHeader("request-id", requestId)
        .putHeader("anthropic-organization-id", "00000000-0000-4000-8000-5140a7e0c0de")
        .putHeader("anthropic-ratelimit-requests-limit", Long.toString(LIMIT_REQUESTS))
        .putHeader("anthropic-ratelimit-requests-remaining", Long.toString(LIMIT_REQUESTS - 1))
        .putHeader("anthropic-ratelimit-requests-reset", reset)
        .putHeader("anthropic-ratelimit-input-tokens-limit", Long.toString(LIMIT_TOKENS))
        .putHeader("anthropic-ratelimit-input-tokens-remaining",
            Long.toString(Math.max(0, LIMIT_TOKENS - tokensRequested)))
        .putHeader("anthropic-ratelimit-input-tokens-reset", reset);
  }

  @Override
  public void rateLimited(HttpServerResponse response, long retryAfterSeconds) {
    response
        .putHeader("retry-after", Long.toString(retryAfterSeconds))
        .putHeader("anthropic-ratelimit-requests-remaining", "0")
        .putHeader("anthropic-ratelimit-requests-reset",
            Instant.now().plusSeconds(retryAfterSeconds).truncatedTo(ChronoUnit.SECONDS).toString());
  }

  @Override
  public WireError faultError(FaultPlan fault, HttpServerRequest request, String body) {
    return AnthropicError.forFault(fault, FaultedRequest.model(body, "claude-sonnet-4-5"));
  }

  @Override
  public WireError badFaultHeader(String message) {
    return AnthropicError.invalidRequest(message);
  }

  @Override
  public WireError bug(RuntimeException e) {
    return new AnthropicError(500, "api_error", "The WanAPIs simulator failed while answering: " + e);
  }

  /** As in the SDK's fixture {@code messages-stream-error-overloaded.sse}. */
  @Override
  public SseEvent streamError(String requestId) {
    return SseEvent.named("error", "{\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\":"
        + " \"Overloaded\"}}", 0);
  }
}
