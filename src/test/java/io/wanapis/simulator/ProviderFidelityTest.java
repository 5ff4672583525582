package io.wanapis.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compares the simulator's Anthropic and Gemini answers with recorded real traffic (as
 * {@link SimulatorFidelityTest} does for OpenAI): for the recorded request, the simulated body must have every
 * field of the recording with the same JSON type, and streams must be framed and ordered the same way.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProviderFidelityTest {

  private static final String[] ANTHROPIC = {"anthropic-version", "2023-06-01"};
  /** Anthropic: {@code event: <type>\ndata: <json>\n\n} frames only. */
  private static final Pattern ANTHROPIC_FRAMING = Pattern.compile("(event: [a-z_]+\\ndata: [^\\n]+\\n\\n)+");
  /** Gemini: {@code data: <json>\r\n\r\n} frames only, no terminator. */
  private static final Pattern GEMINI_FRAMING = Pattern.compile("(data: \\{[^\\r\\n]+\\}\\r\\n\\r\\n)+");

  private SimulatorHarness harness;

  @BeforeAll
  void start() {
    harness = SimulatorHarness.start(SimulatorOptions.fast());
  }

  @AfterAll
  void stop() {
    harness.close();
  }

  // ---- Anthropic

  @ParameterizedTest
  @ValueSource(strings = {"messages-text-system", "messages-thinking", "messages-tool-use",
      "messages-tool-result-then-tool-use", "messages-image-url-input", "messages-parallel-tool-results"})
  void anthropicMessageHasTheRecordedShape(String name) {
    JsonNode recorded = json(Fixtures.read(Fixtures.provider("anthropic", "recorded/" + name + ".response.json")));
    String request = Fixtures.read(Fixtures.provider("anthropic", "recorded/" + name + ".request.json"));

    HttpResponse<String> response = harness.post("/v1/messages?beta=true", request, ANTHROPIC);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(response.headers().firstValue("request-id")).hasValueSatisfying(id -> assertThat(id).startsWith("req_"));
    JsonNode simulated = json(response.body());
    assertThat(JsonShape.missingFrom(simulated, recorded)).isEmpty();
    assertThat(simulated.path("stop_reason").asText()).isEqualTo(recorded.path("stop_reason").asText());
    assertThat(blockTypes(simulated)).isEqualTo(blockTypes(recorded));
    if (name.equals("messages-tool-result-then-tool-use")) {
      // tool_choice any after get_user_country's result: the recorded model moved on to final_result
      assertThat(simulated.at("/content/0/name").asText()).isEqualTo(recorded.at("/content/0/name").asText());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sdk-fixtures/messages-stream-text.sse", "sdk-fixtures/messages-stream-tool-use.sse",
      "recorded/messages-stream-thinking.response.sse"})
  void anthropicStreamHasTheRecordedFramingAndEventOrder(String fixture) {
    String recordedBody = Fixtures.read(Fixtures.provider("anthropic", fixture));
    String request = streamRequestFor(fixture);

    HttpResponse<String> response = harness.post("/v1/messages", request, ANTHROPIC);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
    String body = response.body();
    assertThat(body).matches(ANTHROPIC_FRAMING).doesNotContain("[DONE]");
    List<String[]> recorded = anthropicEvents(recordedBody.endsWith("\n\n") ? recordedBody : recordedBody + "\n\n");
    List<String[]> simulated = anthropicEvents(body);
    assertThat(simulated).allSatisfy(e -> assertThat(json(e[1]).path("type").asText()).as("type repeats the event name")
        .isEqualTo(e[0]));
    assertThat(kinds(simulated)).isEqualTo(kinds(recorded));
    for (String[] expected : recorded) {
      for (String[] actual : simulated) {
        if (kind(actual).equals(kind(expected))) {
          assertThat(JsonShape.missingFrom(json(actual[1]), json(expected[1]))).as("%s %s", kind(actual), actual[1])
              .isEmpty();
        }
      }
    }
  }

  @Test
  void anthropicErrorsHaveTheRecordedShape() {
    String chat = "{\"model\":\"claude-sonet-4-5\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    HttpResponse<String> notFound = harness.post("/v1/messages", chat, "anthropic-version", "2023-06-01",
        Simulator.FAULT_HEADER, "status=404");
    JsonNode recorded404 = json(Fixtures.read(Fixtures.provider("anthropic", "errors/error-404-not-found-model.response.json")));
    assertThat(notFound.statusCode()).isEqualTo(404);
    var expected404 = (com.fasterxml.jackson.databind.node.ObjectNode) recorded404.deepCopy();
    expected404.put("request_id", json(notFound.body()).path("request_id").asText());
    assertThat(json(notFound.body())).isEqualTo(expected404);

    HttpResponse<String> overloaded = harness.post("/v1/messages", chat, "anthropic-version", "2023-06-01",
        Simulator.FAULT_HEADER, "status=529");
    JsonNode recorded529 = json(Fixtures.read(Fixtures.provider("anthropic", "errors/error-529-overloaded.json")));
    assertThat(JsonShape.missingFrom(json(overloaded.body()), recorded529)).isEmpty();
    assertThat(json(overloaded.body()).path("error")).isEqualTo(recorded529.path("error"));

    HttpResponse<String> noVersion = harness.post("/v1/messages", chat);
    assertThat(noVersion.statusCode()).isEqualTo(400);
    assertThat(json(noVersion.body()).at("/error/message").asText()).isEqualTo("anthropic-version: header is required");
    HttpResponse<String> noMax = harness.post("/v1/messages",
        "{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", ANTHROPIC);
    assertThat(noMax.statusCode()).isEqualTo(400);
    assertThat(json(noMax.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
    assertThat(json(noMax.body()).at("/error/message").asText()).isEqualTo("max_tokens: Field required");
    assertThat(json(noMax.body()).path("request_id").asText())
        .isEqualTo(noMax.headers().firstValue("request-id").orElseThrow());
  }

  @Test
  void inStreamErrorIsTheSdkFixturesEvent() {
    String fixture = Fixtures.read(Fixtures.provider("anthropic", "sdk-fixtures/messages-stream-error-overloaded.sse"));
    HttpResponse<String> response = harness.post("/v1/messages",
        "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,\"stream\":true,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"Tell me a story\"}]}", "anthropic-version", "2023-06-01", Simulator.FAULT_HEADER, "stream_error_after=2");

    List<String[]> events = anthropicEvents(response.body());
    assertThat(events.stream().filter(e -> e[0].equals("content_block_delta")).count()).isEqualTo(2);
    String[] last = events.get(events.size() - 1);
    String[] expected = anthropicEvents(fixture.endsWith("\n\n") ? fixture : fixture + "\n\n").get(0);
    assertThat(last[0]).isEqualTo("error");
    assertThat(json(last[1])).isEqualTo(json(expected[1]));
    assertThat(kinds(events)).doesNotContain("message_stop");
  }

  // ---- Gemini

  @ParameterizedTest
  @ValueSource(strings = {"generate-content-text-system", "generate-content-max-tokens", "generate-content-thinking",
      "generate-content-function-call", "generate-content-function-response",
      "generate-content-function-call-gemini3-thought-signature", "generate-content-image-inline-data"})
  void geminiResponseHasTheRecordedShape(String name) {
    JsonNode recorded = json(Fixtures.read(Fixtures.provider("gemini", "recorded/" + name + ".response.json")));
    String request = Fixtures.read(Fixtures.provider("gemini", "recorded/" + name + ".request.json"));
    String uri = json(Fixtures.read(Fixtures.provider("gemini", "recorded/" + name + ".meta.json"))).at("/request/uri").asText();

    HttpResponse<String> response = harness.post(uri.substring(uri.indexOf("/v1beta/")), request, "x-goog-api-key", "k");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=UTF-8");
    JsonNode simulated = json(response.body());
    assertThat(JsonShape.missingFrom(simulated, recorded))
        .as("avgLogprobs and finishMessage/serviceTier of some models are not simulated")
        .allMatch(p -> p.contains("avgLogprobs") || p.contains("serviceTier"));
    assertThat(simulated.at("/candidates/0/finishReason").asText()).isEqualTo(recorded.at("/candidates/0/finishReason").asText());
    // the first part (thought, text or call) matches; in generate-content-thinking the recorded model chose not to
    // call its AUTO tool, which the simulator does call
    assertThat(partKinds(simulated).get(0)).isEqualTo(partKinds(recorded).get(0));
    if (name.equals("generate-content-max-tokens") || name.equals("generate-content-text-system")) {
      assertThat(simulated.at("/usageMetadata/promptTokenCount").asInt())
          .as("prompt tokens reproduce the recording").isEqualTo(recorded.at("/usageMetadata/promptTokenCount").asInt());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"stream-generate-content-text", "stream-generate-content-function-call",
      "stream-generate-content-function-call-gemini3-thought-signature", "stream-generate-content-usage-mid-stream",
      "stream-generate-content-after-function-responses"})
  void geminiStreamHasTheRecordedFraming(String name) {
    String recordedBody = Fixtures.read(Fixtures.provider("gemini", "recorded/" + name + ".response.sse"));
    String request = Fixtures.read(Fixtures.provider("gemini", "recorded/" + name + ".request.json"));
    String uri = json(Fixtures.read(Fixtures.provider("gemini", "recorded/" + name + ".meta.json"))).at("/request/uri").asText();

    HttpResponse<String> response = harness.post(uri.substring(uri.indexOf("/v1beta/")), request, "x-goog-api-key", "k");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
    for (String body : List.of(recordedBody, response.body())) {
      assertThat(body).matches(GEMINI_FRAMING);
    }
    List<JsonNode> recorded = geminiEvents(recordedBody);
    List<JsonNode> simulated = geminiEvents(response.body());
    for (List<JsonNode> events : List.of(recorded, simulated)) {
      JsonNode last = events.get(events.size() - 1);
      assertThat(last.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
      assertThat(events.subList(0, events.size() - 1)).allSatisfy(e -> assertThat(e.at("/candidates/0").has("finishReason")).isFalse());
      assertThat(events).allSatisfy(e -> assertThat(e.has("usageMetadata")).isTrue());
    }
    JsonNode recordedLast = recorded.get(recorded.size() - 1);
    assertThat(JsonShape.missingFrom(simulated.get(simulated.size() - 1), recordedLast))
        .as("serviceTier is not simulated (the Java SDK does not model it)").allMatch(p -> p.contains("serviceTier"));
    assertThat(partKinds(simulated.get(0))).isEqualTo(partKinds(recorded.get(0)));
  }

  @Test
  void geminiErrorsHaveTheRecordedShape() {
    JsonNode recorded = json(Fixtures.read(Fixtures.provider("gemini", "errors/error-404-model-not-found.response.json")));
    HttpResponse<String> response = harness.post("/v1beta/models/gemini-3.6-flahs:generateContent",
        "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}", Simulator.FAULT_HEADER, "status=404");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(json(response.body())).isEqualTo(recorded);

    var keyed = SimulatorHarness.start(SimulatorOptions.fast().withApiKey("AIza-right"));
    try {
      HttpResponse<String> wrong = keyed.post("/v1beta/models/gemini-2.5-flash:generateContent",
          "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}", "x-goog-api-key", "AIza-wrong");
      assertThat(json(wrong.body())).isEqualTo(json(Fixtures.read(Fixtures.provider("gemini", "errors/error-400-api-key-invalid.json"))));
      assertThat(keyed.post("/v1beta/models/gemini-2.5-flash:generateContent?key=AIza-right",
          "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}").statusCode()).isEqualTo(200);
    } finally {
      keyed.close();
    }
  }

  // ---- helpers

  private static String streamRequestFor(String fixture) {
    if (fixture.contains("thinking")) {
      return Fixtures.read(Fixtures.provider("anthropic", "recorded/messages-stream-thinking.request.json"));
    }
    String tools = fixture.contains("tool-use")
        ? ",\"tools\":[{\"name\":\"get_weather\",\"description\":\"Weather\",\"input_schema\":{\"type\":\"object\","
            + "\"properties\":{\"location\":{\"type\":\"string\"}},\"required\":[\"location\"]}}]" : "";
    return "{\"model\":\"claude-sonnet-4-20250514\",\"max_tokens\":1024,\"stream\":true,\"messages\":[{\"role\":\"user\","
        + "\"content\":\"What is the weather in Paris?\"}]" + tools + "}";
  }

  /** {event name, data} pairs. */
  private static List<String[]> anthropicEvents(String body) {
    List<String[]> out = new ArrayList<>();
    for (String frame : body.split("\n\n")) {
      if (frame.isBlank()) {
        continue;
      }
      String[] lines = frame.split("\n", 2);
      out.add(new String[] {lines[0].substring("event: ".length()), lines[1].substring("data: ".length())});
    }
    return out;
  }

  /** Event name plus, for block events, the block or delta type; repeats collapsed; recorded empty thinking deltas ignored. */
  private static List<String> kinds(List<String[]> events) {
    List<String> out = new ArrayList<>();
    for (String[] e : events) {
      if (json(e[1]).at("/delta/thinking").asText("x").isEmpty()) {
        continue;
      }
      String kind = kind(e);
      if (out.isEmpty() || !out.get(out.size() - 1).equals(kind)) {
        out.add(kind);
      }
    }
    return out;
  }

  private static String kind(String[] event) {
    JsonNode data = json(event[1]);
    String sub = data.at("/content_block/type").asText(data.at("/delta/type").asText(""));
    return event[0] + (sub.isEmpty() || event[0].equals("message_delta") ? "" : ":" + sub);
  }

  private static List<String> blockTypes(JsonNode message) {
    List<String> types = new ArrayList<>();
    message.path("content").forEach(b -> types.add(b.path("type").asText()));
    return types;
  }

  private static List<String> partKinds(JsonNode response) {
    List<String> kinds = new ArrayList<>();
    for (JsonNode part : response.at("/candidates/0/content/parts")) {
      kinds.add(part.has("functionCall") ? "functionCall" : part.path("thought").asBoolean(false) ? "thought" : "text");
    }
    return kinds;
  }

  private static List<JsonNode> geminiEvents(String body) {
    List<JsonNode> out = new ArrayList<>();
    for (String frame : body.split("\r\n\r\n")) {
      if (!frame.isBlank()) {
        out.add(json(frame.substring("data: ".length())));
      }
    }
    return out;
  }

  private static JsonNode json(String text) {
    return Sse.json(text);
  }
}
