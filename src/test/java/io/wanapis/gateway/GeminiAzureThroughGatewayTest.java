package io.wanapis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.wanapis.json.Json;
import io.wanapis.simulator.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAI and Anthropic SDKs through the gateway to Gemini and Azure, each simulated in its own wire format. */
class GeminiAzureThroughGatewayTest {
  static TestGateway gw;
  static OpenAIClient openai;

  @BeforeAll
  static void start() throws Exception {
    gw = TestGateway.start("""
        access_log: {path: "off"}
        providers:
          - {name: gem, type: gemini, simulated: true, api_key: gemini-key, forward_headers: ["x-sim-*"]}
          - {name: az, type: azure, simulated: true, api_key: azure-key, forward_headers: ["x-sim-*"]}
        models:
          - {name: gemini-2.5-flash, deployments: [{provider: gem}]}
          - {name: gpt-4o-azure, deployments: [{provider: az, model: my-gpt4o-deployment}]}
          - {name: embed-azure, deployments: [{provider: az, model: my-embedding-deployment}]}
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
  void openAiSdkToGeminiStreamAndNot() throws Exception {
    ChatCompletion c = openai.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gemini-2.5-flash").addSystemMessage("Be brief.").addUserMessage("Say hello").build());
    assertThat(c.choices().get(0).message().content()).get().asString().isNotBlank();
    assertThat(c.usage().orElseThrow().promptTokens()).isPositive();
    assertThat(last().uri()).contains("/models/gemini-2.5-flash:generateContent");
    assertThat(last().header("x-goog-api-key")).isEqualTo("gemini-key");
    JsonNode sent = Json.MAPPER.readTree(last().body());
    assertThat(sent.at("/systemInstruction/parts/0/text").asText()).isEqualTo("Be brief.");

    StringBuilder text = new StringBuilder();
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> s = openai.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
        .model("gemini-2.5-flash").addUserMessage("Tell me something")
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      s.stream().forEach(ch -> {
        chunks.add(ch);
        ch.choices().forEach(x -> x.delta().content().ifPresent(text::append));
      });
    }
    assertThat(text.toString()).isNotBlank();
    assertThat(last().uri()).contains(":streamGenerateContent").contains("alt=sse");
    assertThat(chunks.get(chunks.size() - 1).usage()).isPresent();
  }

  @Test
  void geminiToolCallsGetStableIdsAndResultsFindTheirFunction() throws Exception {
    var tool = CrossProviderSdkTest.weatherTool();
    ChatCompletion c = openai.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gemini-2.5-flash").addUserMessage("Weather in Paris?").addTool(tool).build());
    var call = c.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
    assertThat(call.id()).startsWith("call_");
    assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    ChatCompletion answer = openai.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gemini-2.5-flash").addUserMessage("Weather in Paris?").addTool(tool)
        .addMessage(c.choices().get(0).message())
        .addMessage(com.openai.models.chat.completions.ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("sunny").build())
        .build());
    assertThat(answer.choices().get(0).message().content()).isPresent();
    JsonNode sent = Json.MAPPER.readTree(last().body());
    assertThat(sent.at("/contents/1/parts/0/functionCall/name").asText()).isEqualTo("get_weather");
    assertThat(sent.at("/contents/2/parts/0/functionResponse/name").asText()).isEqualTo("get_weather");
  }

  @Test
  void geminiRateLimitBecomes429() {
    assertThatThrownBy(() -> openai.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gemini-2.5-flash").addUserMessage("hi").putAdditionalHeader("x-sim-fault", "status=429").build()))
        .isInstanceOf(com.openai.errors.RateLimitException.class);
  }

  @Test
  void anthropicSdkToGemini() {
    AnthropicClient anthropic = AnthropicOkHttpClient.builder().apiKey(TestGateway.MASTER_KEY)
        .baseUrl("http://127.0.0.1:" + gw.gateway.port()).maxRetries(0).timeout(Duration.ofSeconds(30)).build();
    Message m = anthropic.messages().create(MessageCreateParams.builder().model("gemini-2.5-flash").maxTokens(200)
        .addUserMessage("Say hello").build());
    assertThat(m.content().get(0).text()).isPresent();
    assertThat(m.usage().outputTokens()).isPositive();
  }

  @Test
  void azureUsesDeploymentUrlsApiVersionAndApiKeyHeader() throws Exception {
    ChatCompletion c = openai.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gpt-4o-azure").addUserMessage("Say hello").build());
    assertThat(c.choices().get(0).message().content()).get().asString().isNotBlank();
    assertThat(last().uri()).isEqualTo("/openai/deployments/my-gpt4o-deployment/chat/completions?api-version=2024-10-21");
    assertThat(last().header("api-key")).isEqualTo("azure-key");
    assertThat(last().header("authorization")).isNull();

    StringBuilder text = new StringBuilder();
    try (StreamResponse<ChatCompletionChunk> s = openai.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
        .model("gpt-4o-azure").addUserMessage("Stream please").build())) {
      s.stream().forEach(ch -> ch.choices().forEach(x -> x.delta().content().ifPresent(text::append)));
    }
    assertThat(text.toString()).contains("Stream please");

    var e = openai.embeddings().create(EmbeddingCreateParams.builder().model("embed-azure").input("hello").build());
    assertThat(e.data()).hasSize(1);
    assertThat(last().uri()).startsWith("/openai/deployments/my-embedding-deployment/embeddings");
  }
}
