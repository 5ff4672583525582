package io.wanapis.providers;

import io.wanapis.errors.ApiError;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * One provider protocol, behind one interface (DESIGN.md principle 3): build the upstream
 * request, map the response, map stream events, map errors, extract usage. Adapters are
 * stateless and shared; per-request state lives in the {@link StreamTranslator}.
 */
public interface ProviderAdapter {
  /** Whether this provider can serve the endpoint at all (else the gateway answers 400). */
  boolean supports(Endpoint endpoint);

  UpstreamRequest prepare(InboundCall call, Provider provider, String upstreamModel);

  MappedResponse mapResponse(InboundCall call, Buffer upstreamBody);

  StreamTranslator streamTranslator(InboundCall call, Provider provider, String upstreamModel);

  /** Whether a 2xx answer with this content type is this provider's stream (SSE for most; Bedrock's is binary). */
  default boolean isStream(String contentType) {
    return contentType != null && contentType.regionMatches(true, 0, "text/event-stream", 0, 17);
  }

  /**
   * The client-facing error for an upstream error answer. Retryable errors (429, 5xx) may be
   * retried on another deployment before anything reached the client.
   */
  ApiError mapError(Provider provider, int status, MultiMap headers, Buffer body);
}
