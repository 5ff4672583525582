package io.wanapis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.models.ReasoningEffort;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import io.wanapis.json.Json;
import io.wanapis.simulator.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAI and Anthropic SDKs through the gateway to Bedrock (Converse, SigV4, binary event stream), simulated. */
class BedrockThroughGatewayTest {
  static TestGateway gw;
  static OpenAIClient openai;

  @BeforeAll
  static void start() throws Exception {
    gw = TestGateway.start("""
        access_log: {path: "off"}
        providers:
          - name: br
            type: bedrock
            simulated: true
            region: eu-west-1
            aws_access_key_id: AKIDEXAMPLE123
            aws_secret_access_key: not-a-real-secret
            forward_headers: ["x-sim-*"]
        models:
          - {name: claude-on-bedrock, deployments: [{provider: br, model: "anthropic.claude-3-5-sonnet-20241022-v2:0"}]}
          - {name: nova, deployments: [{provider: br, model: "us.amazon.nova-micro-v1:0"}]}
        """);
    openai = gw.sdk();
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
  }

  static RecordedRequest last() {
    List<RecordedRequest> r = gw.gateway.simulator().stats().recent();
    return r.get(r.size() - 1);
  }

  @Test
  void openAiSdkToBedrockIsSignedWithSigV4() throws Exception {
    ChatCompletion c = openai.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("nova").addSystemMessage("Be brief.").addUserMessage("Say hello").build());
    assertThat(c.choices().get(0).message().content()).get().asString().isNotBlank();
    assertThat(c.usage().orElseThrow().promptTokens()).isPositive();
    assertThat(last().uri()).isEqualTo("/model/us.amazon.nova-micro-v1%3A0/converse");
    assertThat(last().header("authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE123/")
        .contains("/eu-west-1/bedrock/aws4_request");
    assertThat(last().header("x-amz-date")).isNotBlank();
    JsonNode sent = Json.MAPPER.readTree(last().body());
    assertThat(sent.at("/system/0/text").asText()).isEqualTo("Be brief.");
  }

  @Test
  void streamsDecodeTheBinaryEventStream() {
    StringBuilder text = new StringBuilder();
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (var s = openai.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
        .model("nova").addUserMessage("Tell me something")
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      s.stream().forEach(ch -> {
        chunks.add(ch);
        ch.choices().forEach(x -> x.delta().content().ifPresent(text::append));
      });
    }
    assertThat(text.toString()).isNotBlank();
    assertThat(last().uri()).endsWith("/converse-stream");
    assertThat(chunks.get(chunks.size() - 1).usage()).isPresent();
  }

  @Test
  void toolsAndReasoningOnClaudeViaBedrock() throws Exception {
    ChatCompletion c = openai.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("claude-on-bedrock").addUserMessage("Weather in Paris?").addTool(CrossProviderSdkTest.weatherTool()).build());
    var call = c.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
    assertThat(call.id()).startsWith("tooluse_");
    assertThat(Json.MAPPER.readTree(call.function().arguments()).has("city")).isTrue();

    ChatCompletion thought = openai.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("claude-on-bedrock").addUserMessage("Think first").reasoningEffort(ReasoningEffort.LOW).maxCompletionTokens(3000).build());
    assertThat(Json.MAPPER.readTree(last().body()).at("/additionalModelRequestFields/thinking/budget_tokens").asInt()).isEqualTo(1024);
    assertThat(thought.choices().get(0).message()._additionalProperties()).containsKey("reasoning_content");
  }

  @Test
  void throttlingBecomes429AndAnInStreamExceptionEndsTheStreamWithAnError() {
    assertThatThrownBy(() -> openai.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("nova").addUserMessage("hi").putAdditionalHeader("x-sim-fault", "status=429").build()))
        .isInstanceOf(com.openai.errors.RateLimitException.class);
    assertThatThrownBy(() -> {
      try (var s = openai.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
          .model("nova").addUserMessage("Tell me a long story").putAdditionalHeader("x-sim-fault", "stream_error_after=2").build())) {
        s.stream().forEach(c -> { });
      }
    }).isInstanceOf(com.openai.errors.OpenAIServiceException.class).hasMessageContaining("unavailable");
  }

  @Test
  void anthropicSdkToBedrockStreamsAnthropicEvents() {
    var anthropic = AnthropicOkHttpClient.builder().apiKey(TestGateway.MASTER_KEY)
        .baseUrl("http://127.0.0.1:" + gw.gateway.port()).maxRetries(0).timeout(Duration.ofSeconds(30)).build();
    List<String> kinds = new ArrayList<>();
    try (StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(MessageCreateParams.builder()
        .model("nova").maxTokens(200).addUserMessage("Say hello").build())) {
      s.stream().forEach(e -> kinds.add(e.isMessageStart() ? "start" : e.isMessageStop() ? "stop" : e.isMessageDelta() ? "delta" : "block"));
    }
    assertThat(kinds.get(0)).isEqualTo("start");
    assertThat(kinds.subList(kinds.size() - 2, kinds.size())).containsExactly("delta", "stop");
  }
}
