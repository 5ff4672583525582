package io.wanapis.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compares the simulator with recorded real OpenAI traffic: for the same request its body must have every
 * field of the recording with the same JSON type, streams must be framed the same way, and every body must
 * satisfy the schemas of OpenAI's own OpenAPI spec.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulatorFidelityTest {

  /** The whole body is {@code data: <payload>\n\n} events and nothing else, ending with {@code [DONE]}. */
  private static final Pattern SSE_FRAMING = Pattern.compile("(data: [^\\n]+\\n\\n)+");

  private SimulatorHarness harness;
  private OpenApiSchemas schemas;

  @BeforeAll
  void start() {
    schemas = OpenApiSchemas.load(Fixtures.openai("openapi.yaml"));
    harness = SimulatorHarness.start(SimulatorOptions.fast());
  }

  @AfterAll
  void stop() {
    harness.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"chat-completion-text-system", "chat-completion-tool-calls", "chat-completion-after-tool-result"})
  void chatCompletionHasTheRecordedShape(String name) {
    JsonNode recorded = fixtureJson("recorded/" + name + ".response.json");
    String request = Fixtures.read(Fixtures.openai("recorded/" + name + ".request.json"));

    HttpResponse<String> response = harness.post("/v1/chat/completions", request);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode simulated = Sse.json(response.body());
    assertThat(JsonShape.missingFrom(simulated, recorded)).isEmpty();
    assertThat(simulated.at("/choices/0/finish_reason").asText()).isEqualTo(recorded.at("/choices/0/finish_reason").asText());
    assertThat(schemas.errors("CreateChatCompletionResponse", response.body())).isEmpty();
    assertThat(schemas.errors("CreateChatCompletionResponse", recorded.toString()))
        .as("the recording itself satisfies the spec, so the validator setup is sound").isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"chat-stream-text-include-usage", "chat-stream-tool-call-include-usage"})
  void chatStreamHasTheRecordedFramingAndChunkShapes(String name) {
    String recordedBody = Fixtures.read(Fixtures.openai("recorded/" + name + ".response.sse"));
    String request = Fixtures.read(Fixtures.openai("recorded/" + name + ".request.json"));

    HttpResponse<String> response = harness.post("/v1/chat/completions", request);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
    for (String body : List.of(recordedBody, response.body())) {
      assertThat(body).matches(SSE_FRAMING).endsWith("\n\ndata: [DONE]\n\n");
      assertThat(Sse.dataPayloads(body)).filteredOn("[DONE]"::equals).hasSize(1);
    }

    List<JsonNode> recorded = Sse.chunks(recordedBody);
    List<JsonNode> simulated = Sse.chunks(response.body());
    assertThat(kindSequence(simulated)).isEqualTo(kindSequence(recorded));
    for (JsonNode expected : recorded) {
      for (JsonNode actual : simulated) {
        if (kind(actual).equals(kind(expected))) {
          assertThat(JsonShape.missingFrom(actual, expected)).as("%s chunk %s", kind(actual), actual).isEmpty();
        }
      }
    }
    for (String data : Sse.dataPayloads(response.body())) {
      if (!data.equals("[DONE]")) {
        assertThat(schemas.errors("CreateChatCompletionStreamResponse", data)).as(data).isEmpty();
      }
    }
  }

  @Test
  void base64EmbeddingHasTheRecordedShapeAndEncoding() {
    JsonNode recorded = fixtureJson("recorded/embeddings-base64.response.json");
    String request = Fixtures.read(Fixtures.openai("recorded/embeddings-base64.request.json"));

    HttpResponse<String> response = harness.post("/v1/embeddings", request);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode simulated = Sse.json(response.body());
    assertThat(JsonShape.missingFrom(simulated, recorded)).isEmpty();
    assertThat(simulated.path("usage").path("prompt_tokens").asInt())
        .isEqualTo(recorded.path("usage").path("prompt_tokens").asInt());
    float[] real = littleEndianFloats(recorded.at("/data/0/embedding").asText());
    float[] ours = littleEndianFloats(simulated.at("/data/0/embedding").asText());
    assertThat(ours).hasSameSizeAs(real).hasSize(1536);
    assertThat(norm(real)).as("decoding the recording as little-endian float32 gives a unit vector")
        .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
    assertThat(norm(ours)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
  }

  @Test
  void errorBodiesHaveTheRecordedShape() {
    var keyed = SimulatorHarness.start(SimulatorOptions.fast().withApiKey("sk-right"));
    try {
      HttpResponse<String> unauthorized = keyed.post("/v1/chat/completions", "{}", "authorization", "Bearer sk-wrong-key-123456");
      assertThat(unauthorized.statusCode()).isEqualTo(401);
      assertSameError(unauthorized.body(), "errors/error-401-invalid-api-key.json");
    } finally {
      keyed.close();
    }
    String chat = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    HttpResponse<String> limited = harness.post("/v1/chat/completions", chat, Simulator.FAULT_HEADER, "status=429");
    assertThat(limited.statusCode()).isEqualTo(429);
    JsonNode rateLimit = fixtureJson("errors/error-429-rate-limit-exceeded-tokens.json");
    assertThat(JsonShape.missingFrom(Sse.json(limited.body()), rateLimit)).isEmpty();
    assertThat(Sse.json(limited.body()).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");

    HttpResponse<String> tooLong = harness.post("/v1/chat/completions", chat,
        Simulator.FAULT_HEADER, "status=400,code=context_length_exceeded");
    assertThat(tooLong.statusCode()).isEqualTo(400);
    assertSameError(tooLong.body(), "errors/error-400-context-length-exceeded.json");
    assertThat(Sse.json(tooLong.body()).at("/error/message").asText())
        .matches("This model's maximum context length is \\d+ tokens\\. However, you requested \\d+ tokens \\(\\d+ in the"
            + " messages, \\d+ in the completion\\)\\. Please reduce the length of the messages or completion\\.");
  }

  @Test
  void simulatedBodiesSatisfyTheOpenApiSchemas() {
    String user = "{\"role\":\"user\",\"content\":\"hi\"}";
    List<String> chatBodies = new ArrayList<>();
    chatBodies.add(harness.post("/v1/chat/completions",
        "{\"model\":\"gpt-4o\",\"n\":2,\"max_tokens\":3,\"messages\":[" + user + "]}").body());
    chatBodies.add(harness.post("/v1/chat/completions",
        "{\"model\":\"gpt-4o\",\"response_format\":{\"type\":\"json_object\"},\"messages\":[" + user + "]}").body());
    for (String body : chatBodies) {
      assertThat(Sse.json(body).has("choices")).as(body).isTrue();
      assertThat(schemas.errors("CreateChatCompletionResponse", body)).as(body).isEmpty();
    }

    String completion = harness.post("/v1/completions",
        "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":[\"a\",\"b\"],\"max_tokens\":4}").body();
    assertThat(Sse.json(completion).path("object").asText()).isEqualTo("text_completion");
    assertThat(schemas.errors("CreateCompletionResponse", completion)).isEmpty();

    String embedding = harness.post("/v1/embeddings",
        "{\"model\":\"text-embedding-3-large\",\"input\":[\"a\",[1,2,3]],\"dimensions\":8}").body();
    assertThat(Sse.json(embedding).at("/data/1/embedding").size()).isEqualTo(8);
    assertThat(schemas.errors("CreateEmbeddingResponse", embedding)).isEmpty();

    String models = harness.get("/v1/models").body();
    assertThat(Sse.json(models).path("data").size()).isGreaterThan(3);
    assertThat(schemas.errors("ListModelsResponse", models)).isEmpty();
    assertThat(schemas.errors("Model", harness.get("/v1/models/gpt-4o").body())).isEmpty();
  }

  @Test
  void brokenBodiesFailTheSchemaValidation() {
    String user = "{\"role\":\"user\",\"content\":\"hi\"}";
    ObjectNode chat = (ObjectNode) Sse.json(harness.post("/v1/chat/completions",
        "{\"model\":\"gpt-4o\",\"messages\":[" + user + "]}").body());
    ((ObjectNode) chat.at("/choices/0")).put("finish_reason", "banana");
    assertThat(schemas.errors("CreateChatCompletionResponse", chat.toString()))
        .anySatisfy(e -> assertThat(e).contains("finish_reason"));

    String stream = harness.post("/v1/chat/completions",
        "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[" + user + "]}").body();
    ObjectNode chunk = (ObjectNode) Sse.chunks(stream).get(1);
    ((ObjectNode) chunk.at("/choices/0")).put("index", "zero");
    assertThat(schemas.errors("CreateChatCompletionStreamResponse", chunk.toString())).isNotEmpty();

    ObjectNode completion = (ObjectNode) Sse.json(harness.post("/v1/completions",
        "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":\"a\"}").body());
    ((ObjectNode) completion.at("/choices/0")).remove("text");
    assertThat(schemas.errors("CreateCompletionResponse", completion.toString())).isNotEmpty();

    ObjectNode embedding = (ObjectNode) Sse.json(harness.post("/v1/embeddings",
        "{\"model\":\"text-embedding-3-small\",\"input\":\"a\"}").body());
    ((ObjectNode) embedding.at("/data/0")).put("embedding", "not-a-vector");
    assertThat(schemas.errors("CreateEmbeddingResponse", embedding.toString())).isNotEmpty();

    ObjectNode models = (ObjectNode) Sse.json(harness.get("/v1/models").body());
    ((ObjectNode) models.at("/data/0")).remove("id");
    assertThat(schemas.errors("ListModelsResponse", models.toString())).isNotEmpty();
  }

  @Test
  void shapeComparisonNoticesMissingFieldsAndWrongTypes() {
    JsonNode recorded = fixtureJson("recorded/chat-completion-text-system.response.json");
    ObjectNode broken = recorded.deepCopy();
    broken.remove("system_fingerprint");
    ((ObjectNode) broken.at("/usage")).put("prompt_tokens", "24");

    assertThat(JsonShape.missingFrom(broken, recorded)).containsExactlyInAnyOrder(
        "missing $.system_fingerprint ([string])",
        "$.usage.prompt_tokens is [string] but the recording has [integer]");
    assertThat(JsonShape.missingFrom(recorded, recorded)).isEmpty();
  }

  @Test
  void missingFixturesFailLoudly() {
    String before = System.getProperty(Fixtures.PROPERTY);
    System.setProperty(Fixtures.PROPERTY, "/nonexistent/fixtures");
    try {
      org.assertj.core.api.Assertions.assertThatThrownBy(Fixtures::root)
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("/nonexistent/fixtures")
          .hasMessageContaining("-D" + Fixtures.PROPERTY);
    } finally {
      if (before == null) {
        System.clearProperty(Fixtures.PROPERTY);
      } else {
        System.setProperty(Fixtures.PROPERTY, before);
      }
    }
  }

  private void assertSameError(String body, String fixture) {
    JsonNode recorded = fixtureJson(fixture);
    JsonNode simulated = Sse.json(body);
    assertThat(JsonShape.missingFrom(simulated, recorded)).isEmpty();
    assertThat(JsonShape.missingFrom(recorded, simulated)).as("no extra fields").isEmpty();
    for (String field : List.of("type", "param", "code")) {
      assertThat(simulated.path("error").get(field)).as(field).isEqualTo(recorded.path("error").get(field));
    }
  }

  /** role → token deltas → finish → usage, with repeats collapsed. */
  private static List<String> kindSequence(List<JsonNode> chunks) {
    List<String> kinds = new ArrayList<>();
    for (JsonNode chunk : chunks) {
      String kind = kind(chunk);
      if (kinds.isEmpty() || !kinds.get(kinds.size() - 1).equals(kind)) {
        kinds.add(kind);
      }
    }
    return kinds;
  }

  private static String kind(JsonNode chunk) {
    JsonNode choices = chunk.path("choices");
    if (choices.isEmpty()) {
      return "usage";
    }
    JsonNode choice = choices.get(0);
    if (!choice.path("finish_reason").isNull()) {
      return "finish";
    }
    return choice.path("delta").has("role") ? "role" : "delta";
  }

  private static JsonNode fixtureJson(String relative) {
    return Sse.json(Fixtures.read(Fixtures.openai(relative)));
  }

  private static float[] littleEndianFloats(String base64) {
    ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[bytes.remaining() / Float.BYTES];
    for (int i = 0; i < out.length; i++) {
      out[i] = bytes.getFloat();
    }
    return out;
  }

  private static double norm(float[] vector) {
    double sum = 0;
    for (float v : vector) {
      sum += v * v;
    }
    return Math.sqrt(sum);
  }
}
