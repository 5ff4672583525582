package io.wanapis.simulator;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * One provider's wire dialect: which requests it serves, how it authenticates them, and the headers, error
 * envelopes and stream framing of its answers. The simulator picks one per request from the path.
 */
interface Protocol {

  /** The protocol of a request path: Anthropic under {@code /v1/messages}, Gemini under {@code /v1beta/models/}
   * (and {@code /v1/models/...:method}), Bedrock under {@code /model/}, Azure under {@code /openai/},
   * otherwise OpenAI. */
  static Protocol forPath(String path) {
    if (path.equals("/v1/messages") || path.startsWith("/v1/messages/")) {
      return AnthropicProtocol.INSTANCE;
    }
    if (GeminiProtocol.handles(path)) {
      return GeminiProtocol.INSTANCE;
    }
    if (BedrockProtocol.handles(path)) {
      return BedrockProtocol.INSTANCE;
    }
    if (path.startsWith("/openai/")) {
      return AzureProtocol.INSTANCE;
    }
    return OpenAiProtocol.INSTANCE;
  }

  /** A fresh id for the response's request-id header. */
  String newRequestId();

  /** Throws an {@link ApiException} when the request's credentials are missing or wrong. */
  void authenticate(HttpServerRequest request, SimulatorOptions options);

  /** The endpoint for the request, or an {@link ApiException} (unknown path, wrong method, missing parameter). */
  Endpoint route(HttpServerRequest request);

  String jsonContentType();

  String streamContentType();

  /** What ends a complete stream: OpenAI's {@code data: [DONE]}, nothing for Anthropic and Gemini. */
  String streamEnd();

  /** The headers every answer carries. */
  void headers(HttpServerResponse response, String requestId, long processingMs, long tokensRequested);

  /** Extra headers of a 429. */
  void rateLimited(HttpServerResponse response, long retryAfterSeconds);

  /** The error a {@code status=} fault asks for. */
  WireError faultError(FaultPlan fault, HttpServerRequest request, String body);

  /** The error for an unparsable {@code x-sim-fault} header. */
  WireError badFaultHeader(String message);

  /** A simulator defect answers like the provider's 500. */
  WireError bug(RuntimeException e);

  /** The in-stream error event that {@code stream_error_after} sends. */
  SseEvent streamError(String requestId);

  /** The in-stream error event for this fault ({@code code=} may choose its kind); by default as above. */
  default SseEvent streamError(String requestId, FaultPlan fault) {
    return streamError(requestId);
  }
}
