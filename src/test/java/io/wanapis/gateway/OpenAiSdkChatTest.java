package io.wanapis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import io.wanapis.json.Json;
import io.wanapis.simulator.RecordedRequest;
import io.wanapis.usage.RequestRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK against the running gateway, which fronts the simulator. */
class OpenAiSdkChatTest {
  static TestGateway gw;
  static OpenAIClient client;

  @BeforeAll
  static void start() throws Exception {
    gw = TestGateway.start("""
        master_key: unused-here
        access_log: {path: "off"}
        providers:
          - {name: sim, type: simulator, forward_headers: ["x-sim-*"]}
        models:
          - {name: gpt-4o-mini, deployments: [{provider: sim}]}
          - {name: gpt-4o, deployments: [{provider: sim}]}
          - {name: my-alias, deployments: [{provider: sim, model: gpt-4o-mini-2024-07-18}]}
          - {name: text-embedding-3-small, deployments: [{provider: sim}]}
          - {name: gpt-3.5-turbo-instruct, deployments: [{provider: sim}]}
          - {name: "sim/*", deployments: [{provider: sim, model: "*"}]}
        """);
    client = gw.sdk();
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
  }

  private static RecordedRequest lastUpstream() {
    List<RecordedRequest> recent = gw.gateway.simulator().stats().recent();
    return recent.get(recent.size() - 1);
  }

  private static RequestRecord recordFor(String requestId) {
    await().atMost(Duration.ofSeconds(5)).until(() -> gw.records.stream().anyMatch(r -> r.requestId().equals(requestId)));
    return gw.records.stream().filter(r -> r.requestId().equals(requestId)).findFirst().orElseThrow();
  }

  @Test
  void chatNonStreamAndUsageIsMetered() throws Exception {
    HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(ChatCompletionCreateParams.builder()
        .model("gpt-4o-mini").addSystemMessage("Be brief.").addUserMessage("Say hello").build());
    ChatCompletion c = raw.parse();
    assertThat(c.choices().get(0).message().content()).get().asString().isNotBlank();
    assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    long in = c.usage().orElseThrow().promptTokens();
    long out = c.usage().orElseThrow().completionTokens();
    assertThat(in).isPositive();
    String requestId = raw.headers().values("x-request-id").get(0);
    assertThat(raw.headers().values("x-wanapis-deployment")).containsExactly("sim/gpt-4o-mini");
    RequestRecord r = recordFor(requestId);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.usage().inputTokens()).isEqualTo(in);
    assertThat(r.usage().outputTokens()).isEqualTo(out);
    assertThat(r.keyId()).isEqualTo("master");
    assertThat(r.model()).isEqualTo("gpt-4o-mini");
  }

  @Test
  void switchingModelsChangesOnlyTheModelParameter() {
    for (String model : List.of("gpt-4o-mini", "gpt-4o", "sim/any-model-name")) {
      ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
          .model(model).addUserMessage("hi").build());
      assertThat(c.model()).isEqualTo(model.startsWith("sim/") ? "any-model-name" : model);
    }
  }

  @Test
  void aliasModelIsRewrittenAndUnknownFieldsPassThrough() throws Exception {
    client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("my-alias").addUserMessage("hi")
        .putAdditionalBodyProperty("vendor_extension", JsonValue.from(Map.of("keep", List.of(1, 2, 3))))
        .build());
    JsonNode sent = Json.MAPPER.readTree(lastUpstream().body());
    assertThat(sent.path("model").asText()).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(sent.path("vendor_extension").path("keep").toString()).isEqualTo("[1,2,3]");
    assertThat(lastUpstream().headers()).doesNotContainKey("x-api-key");
    assertThat(lastUpstream().headers().getOrDefault("authorization", "")).doesNotContain(TestGateway.MASTER_KEY);
  }

  @Test
  void streamWithoutUsageRequestHidesTheUsageChunkButMetersIt() throws Exception {
    StringBuilder text = new StringBuilder();
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
        .model("gpt-4o-mini").addUserMessage("Tell me something").build())) {
      s.stream().forEach(ch -> {
        chunks.add(ch);
        ch.choices().forEach(c -> c.delta().content().ifPresent(text::append));
      });
    }
    assertThat(text.toString()).isNotBlank();
    assertThat(chunks).allSatisfy(ch -> assertThat(ch.choices()).isNotEmpty());
    assertThat(chunks).allSatisfy(ch -> assertThat(ch.usage()).isEmpty());
    // the gateway asked the upstream for usage anyway, so the request is metered
    JsonNode sent = Json.MAPPER.readTree(lastUpstream().body());
    assertThat(sent.path("stream_options").path("include_usage").asBoolean()).isTrue();
    String id = chunks.get(0).id();
    await().atMost(Duration.ofSeconds(5)).until(() -> gw.records.stream().anyMatch(r -> r.stream() && r.usage().outputTokens() > 0
        && r.ttftMs() >= 0 && r.status() == 200));
    assertThat(id).startsWith("chatcmpl-");
  }

  @Test
  void streamWithUsageRequestGetsTheUsageChunk() {
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
        .model("gpt-4o-mini").addUserMessage("Tell me something")
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      s.stream().forEach(chunks::add);
    }
    ChatCompletionChunk last = chunks.get(chunks.size() - 1);
    assertThat(last.choices()).isEmpty();
    assertThat(last.usage()).isPresent();
    assertThat(last.usage().get().completionTokens()).isPositive();
  }

  private static ChatCompletionFunctionTool weatherTool() {
    return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
        .name("get_weather").description("Weather in a city")
        .parameters(FunctionParameters.builder()
            .putAdditionalProperty("type", JsonValue.from("object"))
            .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
            .putAdditionalProperty("required", JsonValue.from(List.of("city")))
            .build())
        .build()).build();
  }

  @Test
  void toolCallsNonStream() throws Exception {
    ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gpt-4o").addUserMessage("Weather in Paris?").addTool(weatherTool()).build());
    var call = c.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
    assertThat(call.id()).startsWith("call_");
    assertThat(call.function().name()).isEqualTo("get_weather");
    assertThat(Json.MAPPER.readTree(call.function().arguments()).has("city")).isTrue();
    assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
  }

  @Test
  void toolCallDeltasStream() throws Exception {
    StringBuilder args = new StringBuilder();
    List<String> ids = new ArrayList<>();
    List<String> finish = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
        .model("gpt-4o").addUserMessage("Weather in Paris?").addTool(weatherTool()).build())) {
      s.stream().forEach(ch -> ch.choices().forEach(c -> {
        c.finishReason().ifPresent(f -> finish.add(f.asString()));
        c.delta().toolCalls().ifPresent(tcs -> tcs.forEach(tc -> {
          tc.id().ifPresent(ids::add);
          tc.function().flatMap(f -> f.arguments()).ifPresent(args::append);
        }));
      }));
    }
    assertThat(ids).hasSize(1);
    assertThat(Json.MAPPER.readTree(args.toString()).has("city")).isTrue();
    assertThat(finish).containsExactly("tool_calls");
  }

  @Test
  void imageContentParts() {
    ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gpt-4o")
        .addUserMessageOfArrayOfContentParts(List.of(
            ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text("What is in this image?").build()),
            ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder()
                    .url("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
                    .build()).build())))
        .build());
    assertThat(c.choices().get(0).message().content()).get().asString().contains("image");
    assertThat(lastUpstream().body()).contains("data:image/png;base64,iVBORw0KGgo");
  }

  @Test
  void embeddingsModelsAndLegacyCompletions() {
    CreateEmbeddingResponse e = client.embeddings().create(EmbeddingCreateParams.builder()
        .model("text-embedding-3-small").input("hello world").build());
    assertThat(e.data().get(0).embedding()).hasSize(1536);
    assertThat(e.usage().promptTokens()).isPositive();

    List<String> ids = new ArrayList<>();
    client.models().list().autoPager().forEach(m -> ids.add(m.id()));
    assertThat(ids).contains("gpt-4o-mini", "my-alias", "text-embedding-3-small").doesNotContain("sim/*");
    Model m = client.models().retrieve("my-alias");
    assertThat(m.id()).isEqualTo("my-alias");
    assertThat(m.ownedBy()).isEqualTo("sim");

    Completion comp = client.completions().create(CompletionCreateParams.builder()
        .model("gpt-3.5-turbo-instruct").prompt("Once upon a time").maxTokens(20).build());
    assertThat(comp.choices().get(0).text()).isNotBlank();
    assertThat(comp.usage()).isPresent();
  }

  @Test
  void legacyCompletionsStream() {
    StringBuilder text = new StringBuilder();
    try (var s = client.completions().createStreaming(CompletionCreateParams.builder()
        .model("gpt-3.5-turbo-instruct").prompt("Once upon a time").build())) {
      s.stream().forEach(c -> c.choices().forEach(ch -> text.append(ch.text())));
    }
    assertThat(text.toString()).isNotBlank();
  }
}
