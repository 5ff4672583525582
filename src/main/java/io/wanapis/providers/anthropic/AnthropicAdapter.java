package io.wanapis.providers.anthropic;

import io.wanapis.canonical.ChatRequest;
import io.wanapis.canonical.ChatResponse;
import io.wanapis.canonical.Nodes;
import io.wanapis.canonical.ResponseFormat;
import io.wanapis.canonical.TranslatingStream;
import io.wanapis.errors.ApiError;
import io.wanapis.json.BodySplicer;
import io.wanapis.json.Json;
import io.wanapis.providers.Endpoint;
import io.wanapis.providers.InboundCall;
import io.wanapis.providers.MappedResponse;
import io.wanapis.providers.Protocol;
import io.wanapis.providers.Provider;
import io.wanapis.providers.ProviderAdapter;
import io.wanapis.providers.StreamTranslator;
import io.wanapis.providers.UpstreamRequest;
import io.wanapis.providers.openai.OpenAiCodec;
import io.wanapis.providers.openai.OpenAiStreamEncoder;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.wanapis.providers.UnsupportedParams;
import java.util.Map;
import java.util.Set;

/**
 * Anthropic Messages API ({@code base_url} is the bare host, e.g. {@code https://api.anthropic.com}).
 * From the Anthropic ingress the body passes through untouched but for the model name (thinking
 * blocks, signatures, cache_control and beta fields intact, {@code anthropic-beta} forwarded);
 * from the OpenAI ingress it is translated through the canonical model.
 */
public final class AnthropicAdapter implements ProviderAdapter {
  /** The API version the translation is written against; a pass-through keeps the client's. */
  static final String API_VERSION = "2023-06-01";

  @Override
  public boolean supports(Endpoint endpoint) {
    return endpoint == Endpoint.CHAT || endpoint == Endpoint.MESSAGES || endpoint == Endpoint.COUNT_TOKENS;
  }

  @Override
  public UpstreamRequest prepare(InboundCall call, Provider provider, String upstreamModel) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    headers.set("content-type", "application/json");
    headers.set("accept", call.peek().stream() ? "text/event-stream" : "application/json");
    String key = provider.spec().apiKey();
    if (key != null && !key.isEmpty()) headers.set("x-api-key", key);
    for (Map.Entry<String, String> h : provider.spec().headers().entrySet()) headers.set(h.getKey(), h.getValue());
    Buffer body;
    String path;
    if (call.protocol() == Protocol.ANTHROPIC) {
      String version = call.clientHeaders() == null ? null : call.clientHeaders().get("anthropic-version");
      headers.set("anthropic-version", version != null ? version : API_VERSION);
      String beta = call.clientHeaders() == null ? null : call.clientHeaders().get("anthropic-beta");
      if (beta != null) headers.set("anthropic-beta", beta);
      BodySplicer splice = new BodySplicer(call.body(), call.bodyLength());
      if (!upstreamModel.equals(call.peek().model())) {
        splice.replace(call.peek().modelStart(), call.peek().modelEnd(), Json.quotedUtf8(upstreamModel));
      }
      body = splice.toBuffer();
      path = "v1/" + call.endpoint().path();
    } else {
      if (call.endpoint() != Endpoint.CHAT) {
        throw ApiError.invalidParameter("model", "Model '" + call.peek().model() + "' (Anthropic) cannot serve /v1/"
            + call.endpoint().path() + "; use /v1/chat/completions.");
      }
      headers.set("anthropic-version", API_VERSION);
      ChatRequest r = call.canonical();
      UnsupportedParams.check(r, Set.of(), false, call, provider);
      body = Buffer.buffer(Nodes.bytes(AnthropicCodec.encodeRequest(r, upstreamModel)));
      path = "v1/messages";
    }
    io.wanapis.providers.openai.OpenAiCompatibleAdapter.forward(call, provider, headers);
    return new UpstreamRequest(HttpMethod.POST, path, headers, body);
  }

  private static boolean jsonMode(InboundCall call) {
    if (call.protocol() != Protocol.OPENAI) return false;
    var rf = call.canonical().responseFormat();
    return rf != null && rf.kind() != ResponseFormat.Kind.TEXT;
  }

  @Override
  public MappedResponse mapResponse(InboundCall call, Buffer upstreamBody) {
    byte[] bytes = upstreamBody.getBytes();
    var node = Nodes.parse(bytes, 0, bytes.length);
    if (call.protocol() == Protocol.ANTHROPIC) {
      return new MappedResponse(upstreamBody, AnthropicCodec.usage(Nodes.node(node, "usage")));
    }
    ChatResponse r = AnthropicCodec.decodeResponse(node, jsonMode(call));
    String model = r.model() != null ? r.model() : call.peek().model();
    return new MappedResponse(Buffer.buffer(Nodes.bytes(OpenAiCodec.encodeResponse(r, model))), r.usage());
  }

  @Override
  public StreamTranslator streamTranslator(InboundCall call, Provider provider, String upstreamModel) {
    if (call.protocol() == Protocol.ANTHROPIC) return new AnthropicPassthroughStream(provider.name());
    return new TranslatingStream(new AnthropicStreamDecoder(provider.name(), jsonMode(call)),
        new OpenAiStreamEncoder(upstreamModel, call.canonical().includeUsage(), call.requestId()));
  }

  @Override
  public ApiError mapError(Provider provider, int status, MultiMap headers, Buffer body) {
    return AnthropicErrors.map(provider.name(), status, headers, body);
  }
}
