package io.wanapis.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.InternalServerException;
import com.openai.errors.RateLimitException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The official OpenAI Java SDK must be able to use the simulator as if it were api.openai.com. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulatorSdkTest {

  private SimulatorHarness harness;
  private OpenAIClient client;

  @BeforeAll
  void start() {
    harness = SimulatorHarness.start(SimulatorOptions.fast().withApiKey("sk-test"));
    client = clientWithHeaders(Map.of());
  }

  @AfterAll
  void stop() {
    client.close();
    harness.close();
  }

  @BeforeEach
  void resetStats() {
    harness.stats().reset();
  }

  private OpenAIClient clientWithHeaders(Map<String, String> headers) {
    var builder = OpenAIOkHttpClient.builder().apiKey("sk-test").baseUrl(harness.baseUrl()).maxRetries(0);
    headers.forEach(builder::putHeader);
    return builder.build();
  }

  private static ChatCompletionCreateParams.Builder chat(String userText) {
    return ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage(userText);
  }

  private static ChatCompletionFunctionTool capitalTool() {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("country", Map.of("type", "string", "description", "The country name."));
    properties.put("unit", Map.of("type", "string", "enum", List.of("metric", "imperial")));
    properties.put("verbose", Map.of("type", "boolean"));
    return ChatCompletionFunctionTool.builder()
        .function(FunctionDefinition.builder()
            .name("get_capital")
            .description("Get the capital of a country.")
            .parameters(FunctionParameters.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(properties))
                .putAdditionalProperty("required", JsonValue.from(List.of("country", "unit")))
                .build())
            .build())
        .build();
  }

  @Test
  void chatCompletionIsParsedWithTextAndUsage() {
    ChatCompletion completion = client.chat().completions().create(chat("What is the capital of France?").build());

    assertThat(completion.id()).matches("chatcmpl-[A-Za-z0-9]{29}");
    assertThat(completion.model()).isEqualTo("gpt-4o-mini");
    assertThat(completion.choices()).hasSize(1);
    var choice = completion.choices().get(0);
    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(choice.message().content()).hasValueSatisfying(text -> assertThat(text)
        .startsWith("Hello! This is the WanAPIs simulator answering as gpt-4o-mini.")
        .contains("What is the capital of France?"));
    var usage = completion.usage().orElseThrow();
    // 3 (priming) + 3 + tokens("user")=1 + tokens("What is the capital of France?")=7
    assertThat(usage.promptTokens()).isEqualTo(14);
    assertThat(usage.completionTokens()).isPositive();
    assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
    assertThat(harness.stats().recent()).singleElement()
        .satisfies(r -> assertThat(r.header("authorization")).isEqualTo("Bearer sk-test"));
  }

  @Test
  void streamedTextAddsUpToTheNonStreamedAnswerAndHasUsageOnlyWhenAsked() {
    ChatCompletion whole = client.chat().completions().create(chat("Tell me a story").build());

    List<ChatCompletionChunk> withUsage = stream(chat("Tell me a story")
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());
    List<ChatCompletionChunk> withoutUsage = stream(chat("Tell me a story").build());

    String expected = whole.choices().get(0).message().content().orElseThrow();
    assertThat(text(withUsage)).isEqualTo(expected);
    assertThat(text(withoutUsage)).isEqualTo(expected);
    // one chunk per token: role chunk + tokens + finish chunk (+ usage chunk)
    long completionTokens = whole.usage().orElseThrow().completionTokens();
    assertThat(withoutUsage).hasSize((int) completionTokens + 2);
    assertThat(withUsage).hasSize((int) completionTokens + 3);

    ChatCompletionChunk last = withUsage.get(withUsage.size() - 1);
    assertThat(last.choices()).isEmpty();
    assertThat(last.usage()).hasValueSatisfying(u -> {
      assertThat(u.promptTokens()).isEqualTo(whole.usage().orElseThrow().promptTokens());
      assertThat(u.completionTokens()).isEqualTo(completionTokens);
    });
    assertThat(withoutUsage).allSatisfy(c -> assertThat(c.usage()).isEmpty());
    assertThat(withoutUsage.get(withoutUsage.size() - 1).choices().get(0).finishReason())
        .hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);
  }

  @Test
  void toolCallIsReturnedWithArgumentsFromTheSchema() throws Exception {
    ChatCompletion completion = client.chat().completions()
        .create(chat("What is the capital of France?").addTool(capitalTool()).build());

    var choice = completion.choices().get(0);
    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    assertThat(choice.message().content()).isEmpty();
    ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().get(0).asFunction();
    assertThat(call.id()).matches("call_[A-Za-z0-9]{24}");
    assertThat(call.function().name()).isEqualTo("get_capital");
    JsonNode arguments = Json.MAPPER.readTree(call.function().arguments());
    assertThat(arguments.get("country").asText()).isEqualTo("sample");
    assertThat(arguments.get("unit").asText()).isEqualTo("metric"); // enum[0]
    assertThat(arguments.has("verbose")).as("optional properties are left out").isFalse();
  }

  @Test
  void streamedToolCallDeltasAssembleToTheSameArguments() {
    ChatCompletion whole = client.chat().completions()
        .create(chat("What is the capital of France?").addTool(capitalTool()).build());
    List<ChatCompletionChunk> chunks = stream(chat("What is the capital of France?").addTool(capitalTool())
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());

    var first = chunks.get(0).choices().get(0).delta();
    assertThat(first.content()).isEmpty();
    var firstCall = first.toolCalls().orElseThrow().get(0);
    assertThat(firstCall.index()).isZero();
    assertThat(firstCall.id()).hasValueSatisfying(id -> assertThat(id).startsWith("call_"));
    assertThat(firstCall.function().orElseThrow().name()).hasValue("get_capital");
    assertThat(firstCall.function().orElseThrow().arguments()).hasValue("");

    var fragments = new StringBuilder();
    for (ChatCompletionChunk chunk : chunks.subList(1, chunks.size())) {
      for (var choice : chunk.choices()) {
        choice.delta().toolCalls().ifPresent(calls -> calls.forEach(c -> {
          assertThat(c.id()).as("only the first delta carries the id").isEmpty();
          c.function().flatMap(f -> f.arguments()).ifPresent(fragments::append);
        }));
      }
    }
    String expected = whole.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction()
        .function().arguments();
    assertThat(fragments.toString()).isEqualTo(expected);
    assertThat(chunks.get(chunks.size() - 2).choices().get(0).finishReason())
        .hasValue(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);
    assertThat(chunks.get(chunks.size() - 1).usage().orElseThrow().completionTokens())
        .isEqualTo(whole.usage().orElseThrow().completionTokens());
  }

  @Test
  void embeddingsAsFloatsAndAsBase64AreTheSameUnitVector() {
    CreateEmbeddingResponse floats = client.embeddings().create(EmbeddingCreateParams.builder()
        .model("text-embedding-3-small").input("Hello, world!")
        .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
    CreateEmbeddingResponse base64 = client.embeddings().create(EmbeddingCreateParams.builder()
        .model("text-embedding-3-small").input("Hello, world!")
        .encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64).build());
    CreateEmbeddingResponse sdkDefault = client.embeddings().create(EmbeddingCreateParams.builder()
        .model("text-embedding-3-small").input("Hello, world!").build());

    List<Float> vector = floats.data().get(0).embedding();
    assertThat(vector).hasSize(1536);
    double norm = Math.sqrt(vector.stream().mapToDouble(v -> v * v).sum());
    assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(base64.data().get(0).embedding()).isEqualTo(vector);
    assertThat(sdkDefault.data().get(0).embedding()).isEqualTo(vector);
    assertThat(floats.usage().promptTokens()).isEqualTo(4);
    assertThat(harness.stats().recent()).extracting(RecordedRequest::body)
        .anySatisfy(body -> assertThat(body).contains("\"encoding_format\":\"base64\""));
  }

  @Test
  void legacyCompletion() {
    Completion completion = client.completions().create(CompletionCreateParams.builder()
        .model("gpt-3.5-turbo-instruct").prompt("Say this is a test").build());

    assertThat(completion.id()).startsWith("cmpl-");
    assertThat(completion.model()).isEqualTo("gpt-3.5-turbo-instruct");
    CompletionChoice choice = completion.choices().get(0);
    assertThat(choice.text()).isEqualTo(" and so the WanAPIs simulator continues.");
    assertThat(choice.finishReason()).isEqualTo(CompletionChoice.FinishReason.STOP);
    assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(5);

    Completion capped = client.completions().create(CompletionCreateParams.builder()
        .model("gpt-3.5-turbo-instruct").prompt("Say this is a test").maxTokens(3).echo(true).build());
    assertThat(capped.choices().get(0).text()).isEqualTo("Say this is a test and so the");
    assertThat(capped.choices().get(0).finishReason()).isEqualTo(CompletionChoice.FinishReason.LENGTH);
    assertThat(capped.usage().orElseThrow().completionTokens()).isEqualTo(3);
  }

  @Test
  void modelsListAndRetrieve() {
    List<String> ids = client.models().list().data().stream().map(Model::id).collect(Collectors.toList());
    assertThat(ids).contains("gpt-4o", "gpt-4o-mini", "text-embedding-3-small");

    Model model = client.models().retrieve("gpt-4o-mini");
    assertThat(model.id()).isEqualTo("gpt-4o-mini");
    assertThat(model.ownedBy()).isEqualTo("system");
  }

  @Test
  void rateLimitFaultSurfacesAsRateLimitExceptionWithRetryAfter() {
    OpenAIClient faulty = clientWithHeaders(Map.of(Simulator.FAULT_HEADER, "status=429,retry_after=7"));
    try {
      assertThatThrownBy(() -> faulty.chat().completions().create(chat("hi").build()))
          .isInstanceOfSatisfying(RateLimitException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(429);
            assertThat(e.headers().values("retry-after")).containsExactly("7");
            assertThat(e.code()).hasValue("rate_limit_exceeded");
            assertThat(e.type()).hasValue("requests");
            assertThat(e.getMessage()).contains("Rate limit reached for gpt-4o-mini");
          });
    } finally {
      faulty.close();
    }
  }

  @Test
  void overloadedFaultSurfacesAsInternalServerException() {
    OpenAIClient faulty = clientWithHeaders(Map.of(Simulator.FAULT_HEADER, "status=503"));
    try {
      assertThatThrownBy(() -> faulty.chat().completions().create(chat("hi").build()))
          .isInstanceOfSatisfying(InternalServerException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(503);
            assertThat(e.getMessage()).contains("The server is overloaded or not ready yet.");
          });
    } finally {
      faulty.close();
    }
  }

  private List<ChatCompletionChunk> stream(ChatCompletionCreateParams params) {
    try (StreamResponse<ChatCompletionChunk> response = client.chat().completions().createStreaming(params)) {
      return new ArrayList<>(response.stream().collect(Collectors.toList()));
    }
  }

  private static String text(List<ChatCompletionChunk> chunks) {
    return chunks.stream()
        .flatMap(c -> c.choices().stream())
        .map(c -> c.delta().content().orElse(""))
        .collect(Collectors.joining());
  }
}
