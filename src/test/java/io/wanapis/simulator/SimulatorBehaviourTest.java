package io.wanapis.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the simulated model answers, how it counts, and how it rejects bad requests. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulatorBehaviourTest {

  private static final String TOOL = "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{"
      + "\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"days\":{\"type\":\"integer\"},"
      + "\"unit\":{\"type\":\"string\",\"enum\":[\"celsius\",\"fahrenheit\"]},\"alerts\":{\"type\":\"boolean\"},"
      + "\"note\":{\"type\":\"string\"}},\"required\":[\"city\",\"days\",\"unit\",\"alerts\"]}}}";

  private SimulatorHarness harness;

  @BeforeAll
  void start() {
    harness = SimulatorHarness.start(SimulatorOptions.fast());
  }

  @AfterAll
  void stop() {
    harness.close();
  }

  @BeforeEach
  void resetStats() {
    harness.stats().reset();
  }

  private JsonNode chat(String body) {
    HttpResponse<String> response = harness.post("/v1/chat/completions", body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Sse.json(response.body());
  }

  private static String user(String text) {
    return "{\"role\":\"user\",\"content\":" + Json.MAPPER.valueToTree(text) + "}";
  }

  @ParameterizedTest
  @CsvSource({
      "chat-completion-text-system, 24",
      "chat-completion-tool-calls, 104",
      "chat-completion-after-tool-result, 129",
      "chat-stream-tool-call-include-usage, 53",
      "chat-stream-text-include-usage, 78"})
  void promptTokensMatchWhatOpenAiBilledForTheRecordedRequests(String name, int billed) {
    JsonNode request = Sse.json(Fixtures.read(Fixtures.openai("recorded/" + name + ".request.json")));
    ((com.fasterxml.jackson.databind.node.ObjectNode) request).put("stream", false);

    // exact for plain messages; the hidden tool rendering is estimated to within one token
    assertThat(chat(request.toString()).at("/usage/prompt_tokens").asInt())
        .isCloseTo(billed, org.assertj.core.data.Offset.offset(name.contains("stream") ? 1 : 0));
  }

  @Test
  void theSameRequestGivesTheSameTextAndUsage() {
    String body = "{\"model\":\"gpt-4o\",\"messages\":[" + user("Summarise the plot of Hamlet in one line") + "]}";
    JsonNode first = chat(body);
    JsonNode second = chat(body);

    assertThat(first.at("/choices/0/message/content").asText())
        .isEqualTo(second.at("/choices/0/message/content").asText())
        .isEqualTo("Hello! This is the WanAPIs simulator answering as gpt-4o. You said: \"Summarise the plot of Hamlet"
            + " in one line\"");
    assertThat(first.get("usage")).isEqualTo(second.get("usage"));
    assertThat(first.get("id")).isNotEqualTo(second.get("id"));
  }

  @Test
  void longUserMessagesAreQuotedByTheirStart() {
    String text = "word ".repeat(100);
    String content = chat("{\"model\":\"m\",\"messages\":[" + user(text) + "]}").at("/choices/0/message/content").asText();
    assertThat(content).endsWith("word…\"").hasSizeLessThan(200);
  }

  @Test
  void maxTokensTruncatesWithFinishReasonLength() {
    JsonNode capped = chat("{\"model\":\"gpt-4o\",\"max_completion_tokens\":5,\"messages\":[" + user("hi") + "]}");
    assertThat(capped.at("/choices/0/finish_reason").asText()).isEqualTo("length");
    assertThat(capped.at("/usage/completion_tokens").asInt()).isEqualTo(5);
    assertThat(capped.at("/choices/0/message/content").asText()).isEqualTo("Hello! This is the");

    JsonNode legacyName = chat("{\"model\":\"gpt-4o\",\"max_tokens\":2,\"messages\":[" + user("hi") + "]}");
    assertThat(legacyName.at("/usage/completion_tokens").asInt()).isEqualTo(2);
  }

  @Test
  void nGivesDistinctChoicesAndSumsTheirTokens() {
    JsonNode answer = chat("{\"model\":\"gpt-4o\",\"n\":3,\"messages\":[" + user("hi") + "]}");
    List<String> texts = new ArrayList<>();
    int tokens = 0;
    for (JsonNode choice : answer.get("choices")) {
      texts.add(choice.at("/message/content").asText());
      tokens += Tokenizer.count(choice.at("/message/content").asText());
    }
    assertThat(texts).hasSize(3).doesNotHaveDuplicates();
    assertThat(answer.get("choices")).extracting(c -> c.get("index").asInt()).containsExactly(0, 1, 2);
    assertThat(answer.at("/usage/completion_tokens").asInt()).isEqualTo(tokens);
  }

  @Test
  void imagesAreCountedInTheReplyAndTheUsage() {
    String withImages = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":["
        + "{\"type\":\"text\",\"text\":\"What is in these images?\"},"
        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png\"}},"
        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA\",\"detail\":\"low\"}}]}]}";
    String textOnly = "{\"model\":\"gpt-4o\",\"messages\":[" + user("What is in these images?") + "]}";

    JsonNode answer = chat(withImages);

    assertThat(answer.at("/choices/0/message/content").asText()).contains("I saw 2 images.")
        .contains("What is in these images?");
    assertThat(answer.at("/usage/prompt_tokens").asInt())
        .isEqualTo(chat(textOnly).at("/usage/prompt_tokens").asInt() + 2 * 85);
  }

  @Test
  void toolCallArgumentsFollowTheSchema() throws IOException {
    JsonNode answer = chat("{\"model\":\"gpt-4o\",\"tools\":[" + TOOL + "],\"messages\":[" + user("Weather?") + "]}");

    JsonNode message = answer.at("/choices/0/message");
    assertThat(message.get("content").isNull()).isTrue();
    assertThat(answer.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    JsonNode call = message.at("/tool_calls/0");
    assertThat(call.get("type").asText()).isEqualTo("function");
    assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
    assertThat(call.at("/function/arguments").asText())
        .isEqualTo("{\"city\":\"sample\",\"days\":1,\"unit\":\"celsius\",\"alerts\":true}");
  }

  @Test
  void toolChoiceDecidesWhetherAToolIsCalled() {
    String base = "{\"model\":\"gpt-4o\",\"tools\":[" + TOOL + "],";
    String toolResult = "\"messages\":[" + user("Weather?") + ",{\"role\":\"assistant\",\"content\":null,\"tool_calls\":"
        + "[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]},"
        + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"Sunny, 24 degrees\"}]";

    JsonNode none = chat(base + "\"tool_choice\":\"none\",\"messages\":[" + user("Weather?") + "]}");
    assertThat(none.at("/choices/0/finish_reason").asText()).isEqualTo("stop");

    JsonNode afterResult = chat(base + toolResult + "}");
    assertThat(afterResult.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(afterResult.at("/choices/0/message/content").asText())
        .contains("The tool get_weather returned: Sunny, 24 degrees.");

    JsonNode required = chat(base + "\"tool_choice\":\"required\"," + toolResult + "}");
    assertThat(required.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");

    JsonNode named = chat("{\"model\":\"gpt-4o\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"first\"}},"
        + TOOL + "],\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}},\"messages\":["
        + user("Weather?") + "]}");
    assertThat(named.at("/choices/0/message/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
  }

  @Test
  void responseFormatsGiveJsonContent() throws IOException {
    JsonNode object = chat("{\"model\":\"gpt-4o\",\"response_format\":{\"type\":\"json_object\"},\"messages\":["
        + user("Give me JSON") + "]}");
    JsonNode parsed = Json.MAPPER.readTree(object.at("/choices/0/message/content").asText());
    assertThat(parsed.isObject()).isTrue();
    assertThat(parsed.path("reply").asText()).contains("Give me JSON");

    JsonNode schema = chat("{\"model\":\"gpt-4o\",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{"
        + "\"name\":\"person\",\"strict\":true,\"schema\":{\"type\":\"object\",\"properties\":{"
        + "\"name\":{\"type\":\"string\"},\"age\":{\"type\":\"integer\",\"minimum\":18},"
        + "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"enum\":[\"a\",\"b\"]}},"
        + "\"address\":{\"$ref\":\"#/$defs/address\"}},\"required\":[\"name\",\"age\",\"tags\",\"address\"],"
        + "\"additionalProperties\":false,\"$defs\":{\"address\":{\"type\":\"object\",\"properties\":{"
        + "\"zip\":{\"type\":[\"string\",\"null\"]}}}}}}},\"messages\":[" + user("Who?") + "]}");
    assertThat(Json.MAPPER.readTree(schema.at("/choices/0/message/content").asText()).toString())
        .isEqualTo("{\"name\":\"sample\",\"age\":18,\"tags\":[\"a\"],\"address\":{\"zip\":\"sample\"}}");
  }

  @Test
  void streamsSplitMultiByteTextWithoutBreakingCharacters() {
    String text = "Grüße 👋🏽 日本語のテキスト";
    String body = "{\"model\":\"gpt-4o\",\"messages\":[" + user(text) + "]}";
    String expected = chat(body).at("/choices/0/message/content").asText();

    String stream = harness.post("/v1/chat/completions", body.replace("{\"model\"", "{\"stream\":true,\"model\"")).body();
    String assembled = Sse.chunks(stream).stream()
        .map(c -> c.at("/choices/0/delta/content").asText(""))
        .collect(Collectors.joining());

    assertThat(assembled).isEqualTo(expected).contains(text);
    assertThat(Sse.chunks(stream)).allSatisfy(c -> assertThat(c.at("/choices/0/delta/content").asText(""))
        .doesNotContain("\uFFFD"));
  }

  @Test
  void includeObfuscationFalseRemovesThePadding() {
    String body = "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_obfuscation\":false},"
        + "\"messages\":[" + user("hi") + "]}";
    assertThat(Sse.chunks(harness.post("/v1/chat/completions", body).body()))
        .isNotEmpty().noneSatisfy(c -> assertThat(c.has("obfuscation")).isTrue());
    assertThat(Sse.chunks(harness.post("/v1/chat/completions", body.replace("false", "true")).body()))
        .allSatisfy(c -> assertThat(c.path("obfuscation").asText()).matches("[A-Za-z]+"));
  }

  @Test
  void legacyCompletionsStreamAndCountPromptArrays() {
    JsonNode whole = Sse.json(harness.post("/v1/completions",
        "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":[\"Once upon a time\",[9906,11,1917]],\"n\":2}").body());
    assertThat(whole.get("choices")).hasSize(4);
    assertThat(whole.at("/usage/prompt_tokens").asInt()).isEqualTo(Tokenizer.count("Once upon a time") + 3);

    String stream = harness.post("/v1/completions", "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":\"Once\","
        + "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"max_tokens\":4}").body();
    List<JsonNode> chunks = Sse.chunks(stream);
    assertThat(Sse.dataPayloads(stream)).last().isEqualTo("[DONE]");
    assertThat(chunks).hasSize(4 + 2);
    assertThat(chunks.get(4).at("/choices/0/finish_reason").asText()).isEqualTo("length");
    assertThat(chunks.get(5).get("choices")).isEmpty();
    assertThat(chunks.get(5).at("/usage/completion_tokens").asInt()).isEqualTo(4);
    assertThat(chunks.subList(0, 4)).allSatisfy(c -> assertThat(c.get("object").asText()).isEqualTo("text_completion"));
  }

  @Test
  void embeddingsAreDeterministicAndHonourDimensions() {
    JsonNode first = Sse.json(harness.post("/v1/embeddings",
        "{\"model\":\"text-embedding-3-large\",\"input\":[\"cat\",\"dog\",\"cat\"]}").body());
    assertThat(first.at("/data/0/embedding").size()).isEqualTo(3072);
    assertThat(first.at("/data/0/embedding")).isEqualTo(first.at("/data/2/embedding"));
    assertThat(first.at("/data/0/embedding")).isNotEqualTo(first.at("/data/1/embedding"));
    assertThat(first.get("data")).extracting(d -> d.get("index").asInt()).containsExactly(0, 1, 2);

    JsonNode shortened = Sse.json(harness.post("/v1/embeddings",
        "{\"model\":\"text-embedding-3-large\",\"input\":\"cat\",\"dimensions\":256}").body());
    JsonNode vector = shortened.at("/data/0/embedding");
    assertThat(vector.size()).isEqualTo(256);
    double norm = 0;
    for (JsonNode v : vector) {
      norm += v.asDouble() * v.asDouble();
    }
    assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    // a shortened vector points the same way as the start of the full one
    double ratio = vector.get(0).asDouble() / first.at("/data/0/embedding/0").asDouble();
    assertThat(vector.get(1).asDouble() / first.at("/data/0/embedding/1").asDouble())
        .isCloseTo(ratio, org.assertj.core.data.Offset.offset(1e-3));

    JsonNode ada = Sse.json(harness.post("/v1/embeddings",
        "{\"model\":\"text-embedding-ada-002\",\"input\":[[15339,1917]]}").body());
    assertThat(ada.at("/data/0/embedding").size()).isEqualTo(1536);
    assertThat(ada.at("/usage/prompt_tokens").asInt()).isEqualTo(2);
  }

  @Test
  void openAiHeadersAreSent() {
    HttpResponse<String> response = harness.post("/v1/chat/completions",
        "{\"model\":\"gpt-4o\",\"messages\":[" + user("hi") + "]}");
    var headers = response.headers();
    assertThat(headers.firstValue("x-request-id").orElseThrow()).matches("req_[0-9a-f]{32}");
    assertThat(headers.firstValue("openai-version")).hasValue("2020-10-01");
    assertThat(headers.firstValue("openai-processing-ms").orElseThrow()).matches("\\d+");
    for (String name : List.of("x-ratelimit-limit-requests", "x-ratelimit-remaining-requests",
        "x-ratelimit-reset-requests", "x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens",
        "x-ratelimit-reset-tokens")) {
      assertThat(headers.firstValue(name)).as(name).isPresent();
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/v1/chat/completions | {not json                                   | 400 | We could not parse the JSON body",
      "/v1/chat/completions | {\"messages\":[]}                            | 400 | you must provide a model parameter",
      "/v1/chat/completions | {\"model\":\"gpt-4o\"}                         | 400 | Missing required parameter: 'messages'.",
      "/v1/chat/completions | {\"model\":\"gpt-4o\",\"messages\":[]}        | 400 | empty array",
      "/v1/chat/completions | {\"model\":\"gpt-4o\",\"messages\":[],\"n\":0} | 400 | empty array",
      "/v1/embeddings       | {\"model\":\"text-embedding-3-small\"}         | 400 | Missing required parameter: 'input'.",
      "/v1/completions      | {\"model\":\"x\",\"prompt\":\"a\",\"n\":200}     | 400 | Expected a value <= 128",
      "/v1/nothing-here     | {}                                             | 404 | Invalid URL (POST /v1/nothing-here)"})
  void badRequestsGetOpenAiErrors(String path, String body, int status, String message) {
    HttpResponse<String> response = harness.post(path, body);
    assertThat(response.statusCode()).isEqualTo(status);
    JsonNode error = Sse.json(response.body()).path("error");
    assertThat(error.path("message").asText()).contains(message);
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.has("param")).isTrue();
    assertThat(error.has("code")).isTrue();
  }

  @Test
  void wrongMethodIs405() {
    HttpResponse<String> response = harness.get("/v1/chat/completions");
    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(Sse.json(response.body()).at("/error/message").asText())
        .isEqualTo("Invalid method for URL (GET /v1/chat/completions)");
  }

  @Test
  void apiKeyIsCheckedWhenConfigured() {
    var keyed = SimulatorHarness.start(SimulatorOptions.fast().withApiKey("sk-right"));
    try {
      String body = "{\"model\":\"gpt-4o\",\"messages\":[" + user("hi") + "]}";
      assertThat(keyed.post("/v1/chat/completions", body, "authorization", "Bearer sk-right").statusCode())
          .isEqualTo(200);
      HttpResponse<String> wrong = keyed.post("/v1/chat/completions", body, "authorization", "Bearer sk-wrong-0123456789");
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(Sse.json(wrong.body()).at("/error/message").asText())
          .startsWith("Incorrect API key provided: sk-wrong*******6789.");
      HttpResponse<String> missing = keyed.send(keyed.request("/v1/models").header("x-none", "1").GET()
          .headers("authorization", "Basic abc").build());
      assertThat(missing.statusCode()).isEqualTo(401);
      assertThat(Sse.json(missing.body()).at("/error/code").asText()).isEqualTo("invalid_api_key");
      assertThat(keyed.stats().requests()).isEqualTo(3);
    } finally {
      keyed.close();
    }
  }

  @Test
  void statsKeepTheLast100RequestsNewestLast() {
    for (int i = 0; i < 105; i++) {
      harness.get("/v1/models/m" + i, "X-Probe", "p" + i);
    }
    List<RecordedRequest> recent = harness.stats().recent();
    assertThat(harness.stats().requests()).isEqualTo(105);
    assertThat(recent).hasSize(100);
    assertThat(recent.get(0).uri()).isEqualTo("/v1/models/m5");
    assertThat(recent.get(99).uri()).isEqualTo("/v1/models/m104");
    assertThat(recent.get(99).method()).isEqualTo("GET");
    assertThat(recent.get(99).header("x-probe")).isEqualTo("p104");
    assertThat(recent.get(99).headers()).containsKey("x-probe");

    harness.stats().reset();
    assertThat(harness.stats().recent()).isEmpty();
    assertThat(harness.stats().requests()).isZero();
  }

  @Test
  void closeDoesNotWaitForHangingRequests() throws Exception {
    var local = SimulatorHarness.start(SimulatorOptions.fast());
    try (RawHttp raw = RawHttp.post(local.port, "/v1/chat/completions", "{}", Simulator.FAULT_HEADER, "hang")) {
      org.awaitility.Awaitility.await().until(() -> local.stats().recent().size() == 1);
      long started = System.nanoTime();
      local.close();
      assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(3000);
      assertThat(raw.readToEnd(3000)).isEmpty();
    }
  }
}
