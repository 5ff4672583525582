package io.wanapis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.ThinkingConfigEnabled;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.InternalServerException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ReasoningEffort;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import io.wanapis.json.Json;
import io.wanapis.simulator.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The official SDKs through the gateway to providers of other protocols, all served by the
 * simulator in their own wire format: the OpenAI SDK calling a Claude model, and the Anthropic
 * SDK reaching an Anthropic model by pass-through.
 */
class CrossProviderSdkTest {
  static TestGateway gw;
  static OpenAIClient openai;

  @BeforeAll
  static void start() throws Exception {
    gw = TestGateway.start("""
        access_log: {path: "off"}
        providers:
          - {name: sim-anthropic, type: anthropic, simulated: true, api_key: sk-ant-test, forward_headers: ["x-sim-*"]}
        models:
          - {name: claude-sonnet-4-5, deployments: [{provider: sim-anthropic}]}
        """);
    openai = gw.sdk();
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
  }

  static RecordedRequest lastUpstream() {
    List<RecordedRequest> r = gw.gateway.simulator().stats().recent();
    return r.get(r.size() - 1);
  }

  static ChatCompletionFunctionTool weatherTool() {
    return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_weather").description("Weather")
        .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
            .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
            .putAdditionalProperty("required", JsonValue.from(List.of("city"))).build())
        .build()).build();
  }

  @Test
  void openAiSdkChatsWithClaude() throws Exception {
    ChatCompletion c = openai.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("claude-sonnet-4-5").addSystemMessage("Be brief.").addUserMessage("Say hello").maxCompletionTokens(300).build());
    assertThat(c.choices().get(0).message().content()).get().asString().contains("Say hello");
    assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(c.usage().orElseThrow().promptTokens()).isPositive();
    JsonNode sent = Json.MAPPER.readTree(lastUpstream().body());
    assertThat(lastUpstream().uri()).startsWith("/v1/messages");
    assertThat(sent.path("system").asText()).isEqualTo("Be brief.");
    assertThat(sent.path("max_tokens").asInt()).isEqualTo(300);
    assertThat(lastUpstream().header("x-api-key")).isEqualTo("sk-ant-test");
    assertThat(lastUpstream().header("anthropic-version")).isEqualTo("2023-06-01");
  }

  @Test
  void openAiSdkStreamsFromClaudeWithUsage() {
    StringBuilder text = new StringBuilder();
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> s = openai.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
        .model("claude-sonnet-4-5").addUserMessage("Tell me something")
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      s.stream().forEach(ch -> {
        chunks.add(ch);
        ch.choices().forEach(c -> c.delta().content().ifPresent(text::append));
      });
    }
    assertThat(text.toString()).contains("Tell me something");
    ChatCompletionChunk last = chunks.get(chunks.size() - 1);
    assertThat(last.usage()).isPresent();
    assertThat(last.usage().get().completionTokens()).isPositive();
    assertThat(chunks.stream().flatMap(c -> c.choices().stream()).filter(c -> c.finishReason().isPresent()).count()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void toolCallsAndToolResultsWithClaude(boolean stream) throws Exception {
    String id;
    String args;
    if (!stream) {
      ChatCompletion c = openai.chat().completions().create(ChatCompletionCreateParams.builder()
          .model("claude-sonnet-4-5").addUserMessage("Weather in Paris?").addTool(weatherTool()).build());
      var call = c.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
      id = call.id();
      args = call.function().arguments();
      assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    } else {
      StringBuilder a = new StringBuilder();
      List<String> ids = new ArrayList<>();
      try (StreamResponse<ChatCompletionChunk> s = openai.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
          .model("claude-sonnet-4-5").addUserMessage("Weather in Paris?").addTool(weatherTool()).build())) {
        s.stream().forEach(ch -> ch.choices().forEach(c -> c.delta().toolCalls().ifPresent(tcs -> tcs.forEach(tc -> {
          tc.id().ifPresent(ids::add);
          tc.function().flatMap(f -> f.arguments()).ifPresent(a::append);
        }))));
      }
      assertThat(ids).hasSize(1);
      id = ids.get(0);
      args = a.toString();
    }
    assertThat(id).startsWith("toolu_");
    assertThat(Json.MAPPER.readTree(args).has("city")).isTrue();

    // second turn: the tool result goes back with the same id, as an Anthropic tool_result block
    ChatCompletion answer = openai.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("claude-sonnet-4-5").addUserMessage("Weather in Paris?").addTool(weatherTool())
        .addMessage(com.openai.models.chat.completions.ChatCompletionAssistantMessageParam.builder()
            .addToolCall(com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall.builder().id(id)
                .function(com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall.Function.builder()
                    .name("get_weather").arguments(args).build()).build()).build())
        .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(id).content("22 degrees and sunny").build())
        .build());
    assertThat(answer.choices().get(0).message().content()).isPresent();
    JsonNode sent = Json.MAPPER.readTree(lastUpstream().body());
    assertThat(sent.at("/messages/1/content/0/type").asText()).isEqualTo("tool_use");
    assertThat(sent.at("/messages/1/content/0/id").asText()).isEqualTo(id);
    assertThat(sent.at("/messages/2/content/0/tool_use_id").asText()).isEqualTo(id);
    assertThat(sent.at("/messages/2/content/0/content").asText()).isEqualTo("22 degrees and sunny");
  }

  @Test
  void imagesAndJsonModeAndReasoning() throws Exception {
    ChatCompletion img = openai.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("claude-sonnet-4-5")
        .addUserMessageOfArrayOfContentParts(List.of(
            ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text("What is this?").build()),
            ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder().imageUrl(
                ChatCompletionContentPartImage.ImageUrl.builder().url("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==").build()).build())))
        .build());
    assertThat(img.choices().get(0).message().content()).isPresent();
    JsonNode sent = Json.MAPPER.readTree(lastUpstream().body());
    assertThat(sent.at("/messages/0/content/1/source/type").asText()).isEqualTo("base64");
    assertThat(sent.at("/messages/0/content/1/source/media_type").asText()).isEqualTo("image/png");

    ChatCompletion json = openai.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("claude-sonnet-4-5").addUserMessage("Give me a JSON object")
        .responseFormat(ResponseFormatJsonObject.builder().build()).build());
    assertThat(Json.MAPPER.readTree(json.choices().get(0).message().content().orElseThrow()).isObject()).isTrue();
    assertThat(json.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);

    ChatCompletion thought = openai.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("claude-sonnet-4-5").addUserMessage("Think first").reasoningEffort(ReasoningEffort.LOW).build());
    JsonNode thinking = Json.MAPPER.readTree(lastUpstream().body()).path("thinking");
    assertThat(thinking.path("budget_tokens").asInt()).isEqualTo(1024);
    var extra = thought.choices().get(0).message()._additionalProperties();
    assertThat(extra).containsKey("reasoning_content");
    assertThat(extra.get("thinking_blocks").toString()).contains("signature");
  }

  @Test
  void overloadedBecomes503AndUnsupportedParamsAre400() {
    assertThatThrownBy(() -> openai.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("claude-sonnet-4-5").addUserMessage("hi").putAdditionalHeader("x-sim-fault", "status=529").build()))
        .isInstanceOfSatisfying(InternalServerException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(503);
          assertThat(e.code()).hasValue("upstream_unavailable");
        });
    assertThatThrownBy(() -> openai.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("claude-sonnet-4-5").addUserMessage("hi").logprobs(true).build()))
        .isInstanceOfSatisfying(com.openai.errors.BadRequestException.class, e -> {
          assertThat(e.code()).hasValue("unsupported_parameter");
          assertThat(e.getMessage()).contains("logprobs").contains("claude-sonnet-4-5");
        });
  }

  @Test
  void anthropicSdkPassesThroughUntouched() throws Exception {
    AnthropicClient anthropic = AnthropicOkHttpClient.builder().apiKey(TestGateway.MASTER_KEY)
        .baseUrl("http://127.0.0.1:" + gw.gateway.port()).maxRetries(0).timeout(Duration.ofSeconds(30)).build();
    Message m = anthropic.messages().create(MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(2000)
        .thinking(ThinkingConfigEnabled.builder().budgetTokens(1024).build())
        .addUserMessage("Think, then answer")
        .putAdditionalBodyProperty("vendor_field", com.anthropic.core.JsonValue.from(Map.of("kept", true)))
        .build());
    assertThat(m.content().get(0).isThinking()).isTrue();
    assertThat(m.content().get(0).asThinking().signature()).isNotBlank();
    JsonNode sent = Json.MAPPER.readTree(lastUpstream().body());
    assertThat(sent.at("/vendor_field/kept").asBoolean()).isTrue();
    assertThat(sent.at("/thinking/budget_tokens").asInt()).isEqualTo(1024);
    assertThat(lastUpstream().header("x-api-key")).isEqualTo("sk-ant-test"); // the provider's key, never the client's
  }
}
