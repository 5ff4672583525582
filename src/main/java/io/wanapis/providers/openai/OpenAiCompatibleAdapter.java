package io.wanapis.providers.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanapis.canonical.ChatResponse;
import io.wanapis.canonical.Nodes;
import io.wanapis.canonical.TranslatingStream;
import io.wanapis.config.ProviderType;
import io.wanapis.errors.ApiError;
import io.wanapis.providers.Protocol;
import io.wanapis.providers.anthropic.AnthropicCodec;
import io.wanapis.providers.anthropic.AnthropicStreamEncoder;
import io.wanapis.json.BodySplicer;
import io.wanapis.json.Json;
import io.wanapis.json.RequestPeek;
import io.wanapis.providers.Endpoint;
import io.wanapis.providers.InboundCall;
import io.wanapis.providers.MappedResponse;
import io.wanapis.providers.Provider;
import io.wanapis.providers.ProviderAdapter;
import io.wanapis.providers.StreamTranslator;
import io.wanapis.providers.UnsupportedParams;
import io.wanapis.providers.UpstreamRequest;
import io.wanapis.usage.OpenAiUsageReader;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * OpenAI and every server that speaks its protocol. Same protocol as the ingress, so the body
 * passes through byte for byte (unknown fields kept); only the model name is replaced and, for
 * streams, {@code stream_options.include_usage} is switched on so usage can be metered (the
 * extra usage chunk is removed again by {@link OpenAiPassthroughStream} if the client did not
 * ask for it).
 */
public final class OpenAiCompatibleAdapter implements ProviderAdapter {
  private static final byte[] INCLUDE_USAGE = "\"stream_options\":{\"include_usage\":true},".getBytes(StandardCharsets.US_ASCII);

  @Override
  public boolean supports(Endpoint endpoint) {
    return endpoint != Endpoint.COUNT_TOKENS; // counted locally by the Anthropic ingress
  }

  @Override
  public UpstreamRequest prepare(InboundCall call, Provider provider, String upstreamModel) {
    if (call.protocol() == Protocol.ANTHROPIC) return translated(call, provider, upstreamModel);
    return passThrough(call, provider, upstreamModel);
  }

  /** An Anthropic Messages request sent to an OpenAI-style upstream through the canonical model. */
  private UpstreamRequest translated(InboundCall call, Provider provider, String upstreamModel) {
    if (call.endpoint() != Endpoint.MESSAGES) {
      throw ApiError.invalidParameter("model", "Provider '" + provider.name() + "' cannot serve " + call.endpoint().path() + ".");
    }
    UnsupportedParams.check(call.canonical(), java.util.Set.of(), true, call, provider);
    String maxField = provider.spec().type() == io.wanapis.config.ProviderType.OPENAI ? "max_completion_tokens" : "max_tokens";
    var body = OpenAiCodec.encodeRequest(call.canonical(), upstreamModel, maxField);
    return new UpstreamRequest(HttpMethod.POST, path(provider, Endpoint.CHAT, upstreamModel), headers(call, provider), Buffer.buffer(Nodes.bytes(body)));
  }

  private MultiMap headers(InboundCall call, Provider provider) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    headers.set(HttpHeaders.CONTENT_TYPE, "application/json");
    headers.set(HttpHeaders.ACCEPT, call.peek().stream() ? "text/event-stream" : "application/json");
    String key = provider.spec().apiKey();
    if (key != null && !key.isEmpty()) {
      if (provider.spec().type() == ProviderType.AZURE) headers.set("api-key", key);
      else headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + key);
    }
    for (Map.Entry<String, String> h : provider.spec().headers().entrySet()) headers.set(h.getKey(), h.getValue());
    forward(call, provider, headers);
    return headers;
  }

  /**
   * Where an endpoint lives below the base URL: {@code chat/completions} for OpenAI-style servers
   * (base URL ends in /v1); for Azure, {@code openai/deployments/{deployment}/chat/completions?api-version=…}
   * (the deployment is the upstream model name), or {@code openai/v1/chat/completions} when
   * api_version is "v1".
   */
  static String path(Provider provider, Endpoint endpoint, String upstreamModel) {
    if (provider.spec().type() != ProviderType.AZURE) return endpoint.path();
    String version = provider.spec().apiVersion();
    if ("v1".equals(version)) return "openai/v1/" + endpoint.path();
    return "openai/deployments/" + java.net.URLEncoder.encode(upstreamModel, java.nio.charset.StandardCharsets.UTF_8)
        + "/" + endpoint.path() + "?api-version=" + version;
  }

  /** Copies the client headers the operator allowed for this provider ({@code forward_headers}). */
  public static void forward(InboundCall call, Provider provider, MultiMap headers) {
    ForwardedHeaders.copy(call.clientHeaders(), provider.spec().forwardHeaders(), headers);
  }

  private UpstreamRequest passThrough(InboundCall call, Provider provider, String upstreamModel) {
    RequestPeek peek = call.peek();
    BodySplicer body = new BodySplicer(call.body(), call.bodyLength());
    if (!upstreamModel.equals(peek.model())) {
      body.replace(peek.modelStart(), peek.modelEnd(), Json.quotedUtf8(upstreamModel));
    }
    boolean askUsage = peek.stream() && call.endpoint().streams() && provider.spec().streamUsage() && !peek.streamUsageRequested();
    if (askUsage) {
      if (peek.hasStreamOptions()) {
        body.replace(peek.streamOptionsStart(), peek.streamOptionsEnd(), mergedStreamOptions(call, peek));
      } else {
        body.insert(peek.objectStart() + 1, INCLUDE_USAGE);
      }
    }
    MultiMap headers = headers(call, provider);
    Buffer out = body.isUnchanged() ? Buffer.buffer(call.bodyLength()).appendBytes(call.body(), 0, call.bodyLength()) : body.toBuffer();
    Buffer quirked = CompatQuirks.apply(provider.spec().type(), out);
    if (quirked != null) out = quirked;
    return new UpstreamRequest(HttpMethod.POST, path(provider, call.endpoint(), upstreamModel), headers, out);
  }

  /** The client's stream_options object with include_usage set (rare path: a small tree is fine). */
  private static byte[] mergedStreamOptions(InboundCall call, RequestPeek peek) {
    try {
      var node = Json.MAPPER.readTree(call.body(), peek.streamOptionsStart(), peek.streamOptionsEnd() - peek.streamOptionsStart());
      ObjectNode obj = node instanceof ObjectNode o ? o : Json.MAPPER.createObjectNode();
      obj.put("include_usage", true);
      return Json.MAPPER.writeValueAsBytes(obj);
    } catch (IOException e) {
      throw ApiError.invalidParameter("stream_options", "'stream_options' could not be read: " + e.getMessage());
    }
  }

  @Override
  public MappedResponse mapResponse(InboundCall call, Buffer upstreamBody) {
    byte[] bytes = upstreamBody.getBytes();
    if (call.protocol() == Protocol.ANTHROPIC) {
      ChatResponse r = OpenAiCodec.decodeResponse(Nodes.parse(bytes, 0, bytes.length));
      String model = r.model() != null ? r.model() : call.peek().model();
      return new MappedResponse(Buffer.buffer(Nodes.bytes(AnthropicCodec.encodeResponse(r, model))), r.usage());
    }
    return new MappedResponse(upstreamBody, OpenAiUsageReader.read(bytes, 0, bytes.length));
  }

  @Override
  public StreamTranslator streamTranslator(InboundCall call, Provider provider, String upstreamModel) {
    if (call.protocol() == Protocol.ANTHROPIC) {
      return new TranslatingStream(new OpenAiStreamDecoder(provider.name()), new AnthropicStreamEncoder(upstreamModel, call.requestId()));
    }
    return new OpenAiPassthroughStream(call.peek().streamUsageRequested());
  }

  @Override
  public ApiError mapError(Provider provider, int status, MultiMap headers, Buffer body) {
    return OpenAiErrorMapper.map(provider.name(), status, headers, body);
  }
}
