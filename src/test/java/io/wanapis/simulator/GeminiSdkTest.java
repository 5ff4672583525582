package io.wanapis.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.errors.ApiException;
import com.google.genai.errors.ClientException;
import com.google.genai.errors.ServerException;
import com.google.genai.types.Content;
import com.google.genai.types.FinishReason;
import com.google.genai.types.FunctionCall;
import com.google.genai.types.FunctionCallingConfig;
import com.google.genai.types.FunctionDeclaration;
import com.google.genai.types.FunctionResponse;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.Part;
import com.google.genai.types.Schema;
import com.google.genai.types.ThinkingConfig;
import com.google.genai.types.Tool;
import com.google.genai.types.ToolConfig;
import com.google.genai.types.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The official Google Gen AI Java SDK must be able to use the simulator as if it were the Gemini API. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GeminiSdkTest {

  private static final String MODEL = "gemini-2.0-flash";

  private SimulatorHarness harness;
  private Client client;

  @BeforeAll
  void start() {
    harness = SimulatorHarness.start(SimulatorOptions.fast().withApiKey("AIza-test"));
    client = client(Map.of());
  }

  @AfterAll
  void stop() {
    harness.close();
  }

  @BeforeEach
  void resetStats() {
    harness.stats().reset();
  }

  private Client client(Map<String, String> headers) {
    return Client.builder().apiKey("AIza-test").httpOptions(HttpOptions.builder()
        .baseUrl("http://127.0.0.1:" + harness.port).headers(headers)
        .retryOptions(HttpRetryOptions.builder().attempts(1).build()).build()).build();
  }

  private static Tool capitalTool() {
    return Tool.builder().functionDeclarations(FunctionDeclaration.builder()
        .name("get_capital").description("Get the capital of a country.")
        .parameters(Schema.builder().type(Type.Known.OBJECT)
            .properties(Map.of("country", Schema.builder().type(Type.Known.STRING).build()))
            .required(List.of("country")).build())
        .build()).build();
  }

  @Test
  void generateContent() {
    GenerateContentResponse response = client.models.generateContent(MODEL, "What is the capital of France?",
        GenerateContentConfig.builder().systemInstruction(Content.fromParts(Part.fromText("Be brief."))).build());

    assertThat(response.text()).isEqualTo("Hello! This is the WanAPIs simulator answering as " + MODEL
        + ". You said: \"What is the capital of France?\"");
    assertThat(response.finishReason().knownEnum()).isEqualTo(FinishReason.Known.STOP);
    assertThat(response.modelVersion()).contains(MODEL);
    assertThat(response.responseId()).hasValueSatisfying(id -> assertThat(id).hasSize(23));
    var usage = response.usageMetadata().orElseThrow();
    // o200k tokens + 1 per content: 7 + 1 and 3 + 1
    assertThat(usage.promptTokenCount()).contains(12);
    assertThat(usage.totalTokenCount()).contains(12 + usage.candidatesTokenCount().orElseThrow());
    assertThat(usage.thoughtsTokenCount()).isEmpty();
    var recorded = harness.stats().recent().get(0);
    // the Java SDK 2.0 calls the v1 surface; python-genai (the recordings) calls v1beta: both are served
    assertThat(recorded.uri()).isEqualTo("/v1/models/" + MODEL + ":generateContent");
    assertThat(recorded.header("x-goog-api-key")).isEqualTo("AIza-test");
  }

  @Test
  void streamAddsUpToTheWholeAnswer() {
    var text = new StringBuilder();
    List<GenerateContentResponse> chunks = new ArrayList<>();
    try (ResponseStream<GenerateContentResponse> stream =
        client.models.generateContentStream(MODEL, "Tell me a long story about the sea and its ships", null)) {
      for (GenerateContentResponse chunk : stream) {
        chunks.add(chunk);
        text.append(chunk.text());
      }
    }
    GenerateContentResponse whole = client.models.generateContent(MODEL, "Tell me a long story about the sea and its ships", null);

    assertThat(chunks.size()).isGreaterThan(2);
    assertThat(text.toString()).isEqualTo(whole.text());
    assertThat(chunks.get(chunks.size() - 1).finishReason().knownEnum()).isEqualTo(FinishReason.Known.STOP);
    assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c ->
        assertThat(c.candidates().orElseThrow().get(0).finishReason()).isEmpty());
    assertThat(chunks).allSatisfy(c -> assertThat(c.usageMetadata()).isPresent());
    assertThat(chunks.get(chunks.size() - 1).usageMetadata().orElseThrow().candidatesTokenCount())
        .isEqualTo(whole.usageMetadata().orElseThrow().candidatesTokenCount());
    assertThat(harness.stats().recent().get(0).uri()).endsWith(":streamGenerateContent?alt=sse");
  }

  @Test
  void functionCallThenFunctionResponseThenText() {
    GenerateContentConfig config = GenerateContentConfig.builder().tools(capitalTool()).build();
    GenerateContentResponse call = client.models.generateContent(MODEL, "Capital of France?", config);

    List<FunctionCall> calls = call.functionCalls();
    assertThat(calls).hasSize(1);
    assertThat(calls.get(0).name()).contains("get_capital");
    assertThat(calls.get(0).args()).contains(Map.of("country", "sample"));
    assertThat(calls.get(0).id()).as("the Gemini API sends no call id").isEmpty();
    assertThat(call.finishReason().knownEnum()).isEqualTo(FinishReason.Known.STOP);

    GenerateContentResponse answer = client.models.generateContent(MODEL, List.of(
        Content.builder().role("user").parts(Part.fromText("Capital of France?")).build(),
        Content.builder().role("model").parts(Part.builder().functionCall(calls.get(0)).build()).build(),
        Content.builder().role("user").parts(Part.builder().functionResponse(FunctionResponse.builder()
            .name("get_capital").response(Map.of("result", "Paris")).build()).build()).build()), config);
    assertThat(answer.functionCalls()).isNullOrEmpty();
    assertThat(answer.text()).endsWith("The tool get_capital returned: Paris.");

    GenerateContentResponse none = client.models.generateContent(MODEL, "Capital of France?",
        config.toBuilder().toolConfig(ToolConfig.builder().functionCallingConfig(FunctionCallingConfig.builder()
            .mode(com.google.genai.types.FunctionCallingConfigMode.Known.NONE).build()).build()).build());
    assertThat(none.functionCalls()).isNullOrEmpty();
  }

  @Test
  void gemini3FunctionCallsCarryAThoughtSignature() {
    GenerateContentResponse call = client.models.generateContent("gemini-3-flash-preview", "Capital of Peru?",
        GenerateContentConfig.builder().tools(capitalTool()).build());
    Part part = call.parts().get(0);
    assertThat(part.functionCall()).isPresent();
    assertThat(part.thoughtSignature()).hasValueSatisfying(bytes -> assertThat(bytes.length).isGreaterThan(32));
  }

  @Test
  void thinkingAndMaxTokensAndJsonOutput() {
    GenerateContentResponse thought = client.models.generateContent("gemini-2.5-flash", "How do I cross the street?",
        GenerateContentConfig.builder().thinkingConfig(ThinkingConfig.builder().includeThoughts(true).thinkingBudget(512).build())
            .build());
    assertThat(thought.parts().get(0).thought()).contains(true);
    assertThat(thought.parts().get(0).text().orElseThrow()).contains("How do I cross the street?");
    assertThat(thought.text()).startsWith("Hello!");
    var usage = thought.usageMetadata().orElseThrow();
    assertThat(usage.thoughtsTokenCount()).hasValueSatisfying(n -> assertThat(n).isGreaterThan(5));
    assertThat(usage.totalTokenCount().orElseThrow()).isEqualTo(usage.promptTokenCount().orElseThrow()
        + usage.candidatesTokenCount().orElseThrow() + usage.thoughtsTokenCount().orElseThrow());

    GenerateContentResponse hidden = client.models.generateContent("gemini-2.5-flash", "Hi", null);
    assertThat(hidden.parts()).hasSize(1);
    assertThat(hidden.usageMetadata().orElseThrow().thoughtsTokenCount()).isPresent();

    GenerateContentResponse cut = client.models.generateContent(MODEL, "What is the capital of France?",
        GenerateContentConfig.builder().maxOutputTokens(5).build());
    assertThat(cut.finishReason().knownEnum()).isEqualTo(FinishReason.Known.MAX_TOKENS);
    assertThat(cut.usageMetadata().orElseThrow().candidatesTokenCount()).contains(5);

    GenerateContentResponse json = client.models.generateContent(MODEL, "A city, please",
        GenerateContentConfig.builder().responseMimeType("application/json").responseSchema(Schema.builder()
            .type(Type.Known.OBJECT).properties(Map.of("city", Schema.builder().type(Type.Known.STRING).build(),
                "population", Schema.builder().type(Type.Known.INTEGER).build())).build()).build());
    assertThat(Sse.json(json.text())).isEqualTo(Sse.json("{\"city\":\"sample\",\"population\":1}"));
  }

  @Test
  void faultsBecomeTheSdksExceptions() {
    Client limited = client(Map.of(Simulator.FAULT_HEADER, "status=429"));
    assertThatThrownBy(() -> limited.models.generateContent(MODEL, "hi", null))
        .isInstanceOfSatisfying(ClientException.class, e -> {
          assertThat(e.code()).isEqualTo(429);
          assertThat(e.status()).isEqualTo("RESOURCE_EXHAUSTED");
        });
    Client unavailable = client(Map.of(Simulator.FAULT_HEADER, "status=503"));
    assertThatThrownBy(() -> unavailable.models.generateContent(MODEL, "hi", null))
        .isInstanceOfSatisfying(ServerException.class, e -> {
          assertThat(e.code()).isEqualTo(503);
          assertThat(e.status()).isEqualTo("UNAVAILABLE");
          assertThat(e.message()).isEqualTo("The model is overloaded. Please try again later.");
        });
    Client notFound = client(Map.of(Simulator.FAULT_HEADER, "status=404"));
    assertThatThrownBy(() -> notFound.models.generateContent("gemini-9-flash", "hi", null))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.message())
            .startsWith("models/gemini-9-flash is not found for API version v1,"));
    Client wrongKey = Client.builder().apiKey("AIza-wrong").httpOptions(HttpOptions.builder()
        .baseUrl("http://127.0.0.1:" + harness.port).build()).build();
    assertThatThrownBy(() -> wrongKey.models.generateContent(MODEL, "hi", null))
        .isInstanceOfSatisfying(ClientException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.message()).startsWith("API key not valid. Please pass a valid API key.").contains("API_KEY_INVALID");
        });
  }
}
