package io.wanapis.providers.gemini;

import io.wanapis.canonical.ChatRequest;
import io.wanapis.canonical.ChatResponse;
import io.wanapis.canonical.Nodes;
import io.wanapis.canonical.StreamEncoder;
import io.wanapis.canonical.TranslatingStream;
import io.wanapis.errors.ApiError;
import io.wanapis.providers.Endpoint;
import io.wanapis.providers.InboundCall;
import io.wanapis.providers.MappedResponse;
import io.wanapis.providers.Protocol;
import io.wanapis.providers.Provider;
import io.wanapis.providers.ProviderAdapter;
import io.wanapis.providers.StreamTranslator;
import io.wanapis.providers.UnsupportedParams;
import io.wanapis.providers.UpstreamRequest;
import io.wanapis.providers.anthropic.AnthropicCodec;
import io.wanapis.providers.anthropic.AnthropicStreamEncoder;
import io.wanapis.providers.openai.OpenAiCodec;
import io.wanapis.providers.openai.OpenAiCompatibleAdapter;
import io.wanapis.providers.openai.OpenAiStreamEncoder;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Google Gemini (AI Studio, {@code base_url} the bare host {@code https://generativelanguage.googleapis.com}).
 * Every request is translated through the canonical model. The Vertex AI variant uses the same
 * bodies under a different path: set {@code base_url} to
 * {@code https://{location}-aiplatform.googleapis.com/v1/projects/{project}/locations/{location}/publishers/google}
 * and {@code api_version: vertex}, with an access token as {@code api_key} (sent as a Bearer token).
 */
public final class GeminiAdapter implements ProviderAdapter {
  @Override
  public boolean supports(Endpoint endpoint) {
    return endpoint == Endpoint.CHAT || endpoint == Endpoint.MESSAGES;
  }

  @Override
  public UpstreamRequest prepare(InboundCall call, Provider provider, String upstreamModel) {
    ChatRequest r = call.canonical();
    UnsupportedParams.check(r, GeminiCodec.HONOURED, true, call, provider);
    boolean stream = call.peek().stream();
    boolean vertex = "vertex".equals(provider.spec().apiVersion());
    String model = URLEncoder.encode(upstreamModel, StandardCharsets.UTF_8);
    String path = (vertex ? "" : "v1beta/") + "models/" + model
        + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    headers.set("content-type", "application/json");
    String key = provider.spec().apiKey();
    if (key != null && !key.isEmpty()) {
      if (vertex) headers.set("authorization", "Bearer " + key);
      else headers.set("x-goog-api-key", key);
    }
    for (Map.Entry<String, String> h : provider.spec().headers().entrySet()) headers.set(h.getKey(), h.getValue());
    OpenAiCompatibleAdapter.forward(call, provider, headers);
    return new UpstreamRequest(HttpMethod.POST, path, headers, Buffer.buffer(Nodes.bytes(GeminiCodec.encodeRequest(r, upstreamModel))));
  }

  @Override
  public MappedResponse mapResponse(InboundCall call, Buffer upstreamBody) {
    byte[] bytes = upstreamBody.getBytes();
    ChatResponse r = GeminiCodec.decodeResponse(Nodes.parse(bytes, 0, bytes.length), "gemini");
    String model = r.model() != null ? r.model() : call.peek().model();
    var body = call.protocol() == Protocol.ANTHROPIC ? AnthropicCodec.encodeResponse(r, model) : OpenAiCodec.encodeResponse(r, model);
    return new MappedResponse(Buffer.buffer(Nodes.bytes(body)), r.usage());
  }

  @Override
  public StreamTranslator streamTranslator(InboundCall call, Provider provider, String upstreamModel) {
    StreamEncoder encoder = call.protocol() == Protocol.ANTHROPIC
        ? new AnthropicStreamEncoder(upstreamModel, call.requestId())
        : new OpenAiStreamEncoder(upstreamModel, call.canonical().includeUsage(), call.requestId());
    return new TranslatingStream(new GeminiStreamDecoder(provider.name()), encoder);
  }

  @Override
  public ApiError mapError(Provider provider, int status, MultiMap headers, Buffer body) {
    return GeminiErrors.map(provider.name(), status, headers, body);
  }
}
