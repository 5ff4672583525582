package io.wanapis.providers.bedrock;

import io.wanapis.canonical.ChatResponse;
import io.wanapis.canonical.Nodes;
import io.wanapis.canonical.ResponseFormat;
import io.wanapis.canonical.StreamEncoder;
import io.wanapis.canonical.TranslatingStream;
import io.wanapis.config.Settings;
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
 * AWS Bedrock through the Converse / ConverseStream API, any model Bedrock hosts. Requests are
 * signed with SigV4 ({@link BedrockSigner}) from the provider's AWS credentials, or carry a
 * Bedrock API key as a Bearer token when {@code api_key} is set instead.
 */
public final class BedrockAdapter implements ProviderAdapter {
  private final BedrockSigner signer;

  public BedrockAdapter(Settings.ProviderSpec spec) {
    this.signer = spec.aws() == null ? null : new BedrockSigner(spec.aws(), spec.region());
  }

  @Override
  public boolean supports(Endpoint endpoint) {
    return endpoint == Endpoint.CHAT || endpoint == Endpoint.MESSAGES;
  }

  @Override
  public UpstreamRequest prepare(InboundCall call, Provider provider, String upstreamModel) {
    boolean stream = call.peek().stream();
    String path = "model/" + URLEncoder.encode(upstreamModel, StandardCharsets.UTF_8) + (stream ? "/converse-stream" : "/converse");
    UnsupportedParams.check(call.canonical(), java.util.Set.of(), false, call, provider);
    byte[] body = Nodes.bytes(BedrockCodec.encodeRequest(call.canonical()));
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    headers.set("content-type", "application/json");
    headers.set("accept", stream ? "application/vnd.amazon.eventstream" : "application/json");
    for (Map.Entry<String, String> h : provider.spec().headers().entrySet()) headers.set(h.getKey(), h.getValue());
    OpenAiCompatibleAdapter.forward(call, provider, headers);
    String key = provider.spec().apiKey();
    if (signer != null) {
      signer.sign(provider.baseUrl() + "/" + path, headers, body);
    } else if (key != null && !key.isEmpty()) {
      headers.set("authorization", "Bearer " + key);
    }
    return new UpstreamRequest(HttpMethod.POST, path, headers, Buffer.buffer(body));
  }

  private static boolean jsonMode(InboundCall call) {
    var rf = call.canonical().responseFormat();
    return rf != null && rf.kind() != ResponseFormat.Kind.TEXT;
  }

  @Override
  public MappedResponse mapResponse(InboundCall call, Buffer upstreamBody) {
    byte[] bytes = upstreamBody.getBytes();
    ChatResponse r = BedrockCodec.decodeResponse(Nodes.parse(bytes, 0, bytes.length), jsonMode(call));
    String model = call.peek().model();
    var body = call.protocol() == Protocol.ANTHROPIC ? AnthropicCodec.encodeResponse(r, model) : OpenAiCodec.encodeResponse(r, model);
    return new MappedResponse(Buffer.buffer(Nodes.bytes(body)), r.usage());
  }

  @Override
  public StreamTranslator streamTranslator(InboundCall call, Provider provider, String upstreamModel) {
    StreamEncoder encoder = call.protocol() == Protocol.ANTHROPIC
        ? new AnthropicStreamEncoder(upstreamModel, call.requestId())
        : new OpenAiStreamEncoder(upstreamModel, call.canonical().includeUsage(), call.requestId());
    return new TranslatingStream(new BedrockStreamDecoder(provider.name(), jsonMode(call)), encoder);
  }

  @Override
  public boolean isStream(String contentType) {
    return contentType != null && contentType.startsWith("application/vnd.amazon.eventstream");
  }

  @Override
  public ApiError mapError(Provider provider, int status, MultiMap headers, Buffer body) {
    return BedrockErrors.map(provider.name(), status, headers, body);
  }
}
