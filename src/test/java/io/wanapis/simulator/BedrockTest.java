package io.wanapis.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanapis.providers.bedrock.EventStreamDecoder;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Bedrock Converse and ConverseStream, seen from the wire: bodies, event-stream frames, tools, errors, faults. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BedrockTest {

  static final String NOVA = "/model/us.amazon.nova-micro-v1%3A0";
  static final String CLAUDE = "/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0";
  private static final String FAULT = Simulator.FAULT_HEADER;
  private static final String HELLO = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hello!\"}]}],"
      + "\"system\":[{\"text\":\"You are a chatbot.\"}],\"inferenceConfig\":{}}";
  private static final String LONG = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Please write a long"
      + " answer about the history of the printing press in Europe and Asia.\"}]}]}";
  private static final String TOOLS = "\"toolConfig\":{\"tools\":[{\"toolSpec\":{\"name\":\"get_weather\","
      + "\"description\":\"Weather in a city\",\"inputSchema\":{\"json\":{\"type\":\"object\",\"properties\":"
      + "{\"city\":{\"type\":\"string\"},\"days\":{\"type\":\"integer\"}},\"required\":[\"city\",\"days\"]}}}},"
      + "{\"toolSpec\":{\"name\":\"get_time\",\"inputSchema\":{\"json\":{\"type\":\"object\",\"properties\":"
      + "{\"zone\":{\"type\":\"string\"}},\"required\":[\"zone\"]}}}}]";
  private static final String ASK_WEATHER = "\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Weather in"
      + " Paris?\"}]}]";

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

  // ---- Converse

  @Test
  void converseAnswersWithMessageStopReasonUsageAndMetrics() {
    HttpResponse<String> response = harness.post(NOVA + "/converse", HELLO);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(response.headers().firstValue("x-amzn-RequestId")).hasValueSatisfying(
        id -> assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
    JsonNode body = Sse.json(response.body());
    assertThat(body.at("/output/message/role").asText()).isEqualTo("assistant");
    assertThat(body.at("/output/message/content")).hasSize(1);
    // the model id arrives URL-encoded (%3A) and is decoded
    assertThat(body.at("/output/message/content/0/text").asText())
        .startsWith("Hello! This is the WanAPIs simulator answering as us.amazon.nova-micro-v1:0.")
        .contains("You said: \"Hello!\"");
    assertThat(body.path("stopReason").asText()).isEqualTo("end_turn");
    assertThat(body.at("/usage/inputTokens").asInt()).isEqualTo(7); // as the recorded Nova answer to this request
    assertThat(body.at("/usage/outputTokens").asInt())
        .isEqualTo(Tokenizer.count(body.at("/output/message/content/0/text").asText()));
    assertThat(body.at("/usage/totalTokens").asInt())
        .isEqualTo(body.at("/usage/inputTokens").asInt() + body.at("/usage/outputTokens").asInt());
    assertThat(body.at("/metrics/latencyMs").isIntegralNumber()).isTrue();
    List<String> keys = new ArrayList<>();
    body.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactly("metrics", "output", "stopReason", "usage");
  }

  @Test
  void inferenceProfileArnsAreModelIdsToo() {
    String arn = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0";
    String encoded = java.net.URLEncoder.encode(arn, java.nio.charset.StandardCharsets.UTF_8);
    assertThat(encoded).contains("%2F").contains("%3A");
    JsonNode answer = Sse.json(harness.post("/model/" + encoded + "/converse", "{" + ASK_WEATHER
        + ",\"inferenceConfig\":{\"maxTokens\":2000},\"additionalModelRequestFields\":{\"thinking\":"
        + "{\"type\":\"enabled\",\"budget_tokens\":1024}}}").body());
    assertThat(answer.at("/output/message/content/0/reasoningContent/reasoningText/text").asText())
        .as("an Anthropic model behind the ARN").isNotEmpty();
    assertThat(answer.at("/output/message/content/1/text").asText()).contains("answering as " + arn + ".");
  }

  @Test
  void maxTokensAndStopSequencesCutTheText() {
    JsonNode cut = Sse.json(harness.post(NOVA + "/converse", "{" + ASK_WEATHER + ",\"inferenceConfig\":{\"maxTokens\":3}}")
        .body());
    assertThat(cut.path("stopReason").asText()).isEqualTo("max_tokens");
    assertThat(cut.at("/usage/outputTokens").asInt()).isEqualTo(3);
    assertThat(cut.at("/output/message/content/0/text").asText()).isEqualTo("Hello! This");

    JsonNode stopped = Sse.json(harness.post(NOVA + "/converse", "{" + ASK_WEATHER
        + ",\"inferenceConfig\":{\"stopSequences\":[\"nothing-like-this\",\"simulator\"]}}").body());
    assertThat(stopped.path("stopReason").asText()).isEqualTo("stop_sequence");
    assertThat(stopped.at("/output/message/content/0/text").asText()).isEqualTo("Hello! This is the WanAPIs ");
  }

  @Test
  void imagesAreCountedAndSeen() {
    String body = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"What is this?\"},{\"image\":"
        + "{\"format\":\"png\",\"source\":{\"bytes\":\"iVBORw0KGgo=\"}}}]}]}";
    JsonNode answer = Sse.json(harness.post(NOVA + "/converse", body).body());
    assertThat(answer.at("/output/message/content/0/text").asText()).contains("I saw 1 image.");
    assertThat(answer.at("/usage/inputTokens").asInt())
        .isEqualTo(Tokenizer.count("What is this?") + BedrockConverseEndpoint.TOKENS_PER_IMAGE);
  }

  // ---- ConverseStream

  @Test
  void streamIsValidEventStreamInTheRecordedOrder() {
    HttpResponse<byte[]> response = postBytes(NOVA + "/converse-stream", HELLO);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/vnd.amazon.eventstream");
    assertThat(response.headers().firstValue("x-amzn-RequestId")).isPresent();
    List<EventStreamDecoder.Frame> frames = EventStreams.decode(response.body()); // checks both CRCs of every frame
    assertThat(EventStreams.kinds(frames)).containsExactly("messageStart", "contentBlockDelta:text", "contentBlockStop",
        "messageStop", "metadata");
    assertThat(frames).allSatisfy(f -> {
      assertThat(f.headers()).containsExactly(Map.entry(":event-type", EventStreams.eventType(f)),
          Map.entry(":content-type", "application/json"), Map.entry(":message-type", "event"));
      String p = EventStreams.payload(f).path("p").asText();
      assertThat(p).isNotEmpty();
      assertThat("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789").startsWith(p);
    });
    assertThat(frames.stream().map(f -> EventStreams.payload(f).path("p").asText().length()).distinct().count())
        .as("padding lengths vary").isGreaterThan(1);
    assertThat(EventStreams.payload(frames.get(0)).path("role").asText()).isEqualTo("assistant");

    // the stream adds up to the same answer as Converse
    JsonNode whole = Sse.json(harness.post(NOVA + "/converse", HELLO).body());
    var text = new StringBuilder();
    frames.stream().filter(f -> "contentBlockDelta".equals(EventStreams.eventType(f))).forEach(f -> {
      assertThat(EventStreams.payload(f).path("contentBlockIndex").asInt()).isZero();
      text.append(EventStreams.payload(f).at("/delta/text").asText());
    });
    assertThat(text.toString()).isEqualTo(whole.at("/output/message/content/0/text").asText());
    JsonNode metadata = EventStreams.payload(frames.get(frames.size() - 1));
    assertThat(metadata.path("usage")).isEqualTo(whole.path("usage"));
    assertThat(metadata.at("/metrics/latencyMs").isIntegralNumber()).isTrue();
    assertThat(EventStreams.payload(frames.get(frames.size() - 2)).path("stopReason").asText()).isEqualTo("end_turn");
  }

  @Test
  void framesAreEncodedAsAwsSpecifies() {
    byte[] body = postBytes(NOVA + "/converse-stream", HELLO).body();
    // first frame, by hand: total length, headers length, prelude CRC, headers, payload, message CRC
    int total = java.nio.ByteBuffer.wrap(body, 0, 4).getInt();
    int headersLength = java.nio.ByteBuffer.wrap(body, 4, 4).getInt();
    assertThat(java.nio.ByteBuffer.wrap(body, 8, 4).getInt()).isEqualTo(crc(body, 0, 8));
    assertThat(java.nio.ByteBuffer.wrap(body, total - 4, 4).getInt()).isEqualTo(crc(body, 0, total - 4));
    assertThat(body[12]).isEqualTo((byte) ":event-type".length());
    assertThat(new String(body, 13, 11, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(":event-type");
    assertThat(body[24]).as("string header type").isEqualTo((byte) 7);
    assertThat(new String(body, 12 + headersLength, total - 16 - headersLength, java.nio.charset.StandardCharsets.UTF_8))
        .startsWith("{\"p\":\"").endsWith("\"role\":\"assistant\"}");
  }

  // ---- tools

  @Test
  void toolChoiceAnyCallsTheFirstToolWithSchemaShapedInput() {
    HttpResponse<String> response = harness.post(NOVA + "/converse",
        "{" + ASK_WEATHER + "," + TOOLS + ",\"toolChoice\":{\"any\":{}}}}");

    JsonNode body = Sse.json(response.body());
    assertThat(body.path("stopReason").asText()).isEqualTo("tool_use");
    assertThat(body.at("/output/message/content")).hasSize(1);
    JsonNode use = body.at("/output/message/content/0/toolUse");
    assertThat(use.path("toolUseId").asText()).matches("tooluse_[A-Za-z0-9_-]{22}");
    assertThat(use.path("name").asText()).isEqualTo("get_weather");
    assertThat(use.path("input").path("city").isTextual()).isTrue();
    assertThat(use.path("input").path("days").isIntegralNumber()).isTrue();
  }

  @Test
  void toolChoiceToolNamesTheToolAndAutoExplainsFirst() {
    JsonNode named = Sse.json(harness.post(NOVA + "/converse",
        "{" + ASK_WEATHER + "," + TOOLS + ",\"toolChoice\":{\"tool\":{\"name\":\"get_time\"}}}}").body());
    assertThat(named.at("/output/message/content/0/toolUse/name").asText()).isEqualTo("get_time");
    assertThat(named.at("/output/message/content/0/toolUse/input/zone").isTextual()).isTrue();

    JsonNode auto = Sse.json(harness.post(NOVA + "/converse", "{" + ASK_WEATHER + "," + TOOLS + "}}").body());
    assertThat(auto.at("/output/message/content/0/text").asText()).isEqualTo("I'll use the get_weather tool for this.");
    assertThat(auto.at("/output/message/content/1/toolUse/name").asText()).isEqualTo("get_weather");
    assertThat(auto.path("stopReason").asText()).isEqualTo("tool_use");
  }

  @Test
  void afterToolResultsTheModelAnswersWithThem() {
    String body = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Weather in Paris?\"}]},"
        + "{\"role\":\"assistant\",\"content\":[{\"toolUse\":{\"toolUseId\":\"tooluse_abc\",\"name\":\"get_weather\","
        + "\"input\":{\"city\":\"Paris\",\"days\":1}}}]},{\"role\":\"user\",\"content\":[{\"toolResult\":"
        + "{\"toolUseId\":\"tooluse_abc\",\"content\":[{\"json\":{\"celsius\":21}}],\"status\":\"success\"}}]}],"
        + TOOLS + "}}";
    JsonNode answer = Sse.json(harness.post(NOVA + "/converse", body).body());
    assertThat(answer.path("stopReason").asText()).isEqualTo("end_turn");
    assertThat(answer.at("/output/message/content/0/text").asText())
        .contains("The tool get_weather returned: {\"celsius\":21}.");
  }

  @Test
  void streamedToolUseStartsTheBlockAndSendsTheInputInParts() {
    HttpResponse<byte[]> response = postBytes(NOVA + "/converse-stream", "{" + ASK_WEATHER + "," + TOOLS + "}}");

    List<EventStreamDecoder.Frame> frames = EventStreams.decode(response.body());
    assertThat(EventStreams.kinds(frames)).containsExactly("messageStart", "contentBlockDelta:text", "contentBlockStop",
        "contentBlockStart:toolUse", "contentBlockDelta:toolUse", "contentBlockStop", "messageStop", "metadata");
    JsonNode start = frames.stream().filter(f -> "contentBlockStart".equals(EventStreams.eventType(f))).findFirst()
        .map(EventStreams::payload).orElseThrow();
    assertThat(start.path("contentBlockIndex").asInt()).isEqualTo(1);
    assertThat(start.at("/start/toolUse/name").asText()).isEqualTo("get_weather");
    assertThat(start.at("/start/toolUse/toolUseId").asText()).matches("tooluse_[A-Za-z0-9_-]{22}");
    var input = new StringBuilder();
    List<EventStreamDecoder.Frame> inputDeltas = frames.stream()
        .filter(f -> EventStreams.kind(f).equals("contentBlockDelta:toolUse")).toList();
    inputDeltas.forEach(f -> {
      assertThat(EventStreams.payload(f).path("contentBlockIndex").asInt()).isEqualTo(1);
      input.append(EventStreams.payload(f).at("/delta/toolUse/input").asText());
    });
    assertThat(inputDeltas).as("the input arrives in parts").hasSizeGreaterThan(1);
    JsonNode parsed = Sse.json(input.toString());
    assertThat(parsed.path("city").isTextual()).isTrue();
    assertThat(EventStreams.payload(frames.get(frames.size() - 2)).path("stopReason").asText()).isEqualTo("tool_use");
  }

  // ---- reasoning

  @Test
  void claudeWithThinkingReasonsFirstAndNovaDoesNot() {
    String thinking = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hello\"}]}],\"system\":[],"
        + "\"inferenceConfig\":{},\"additionalModelRequestFields\":{\"thinking\":{\"type\":\"enabled\","
        + "\"budget_tokens\":1024}}}";
    JsonNode claude = Sse.json(harness.post(CLAUDE + "/converse", thinking).body());
    JsonNode reasoning = claude.at("/output/message/content/0/reasoningContent/reasoningText");
    assertThat(reasoning.path("text").asText()).startsWith("The user wrote: \"Hello\".");
    assertThat(reasoning.path("signature").asText()).matches("[A-Za-z0-9+/]{200,}={0,2}");
    assertThat(claude.at("/output/message/content/1/text").asText()).startsWith("Hello! This is the WanAPIs simulator");
    assertThat(claude.at("/usage/inputTokens").asInt()).isEqualTo(36); // as recorded for Claude Sonnet 4

    List<EventStreamDecoder.Frame> frames = EventStreams.decode(postBytes(CLAUDE + "/converse-stream", thinking).body());
    assertThat(EventStreams.kinds(frames)).containsExactly("messageStart", "contentBlockDelta:reasoningContent.text",
        "contentBlockDelta:reasoningContent.signature", "contentBlockStop", "contentBlockDelta:text", "contentBlockStop",
        "messageStop", "metadata");
    String signature = frames.stream().filter(f -> EventStreams.kind(f).endsWith(".signature")).findFirst()
        .map(f -> EventStreams.payload(f).at("/delta/reasoningContent/signature").asText()).orElseThrow();
    assertThat(signature).isEqualTo(reasoning.path("signature").asText());

    JsonNode nova = Sse.json(harness.post(NOVA + "/converse", thinking).body());
    assertThat(nova.at("/output/message/content/0").has("text")).isTrue();
    assertThat(nova.at("/output/message/content")).hasSize(1);

    HttpResponse<String> small = harness.post(CLAUDE + "/converse", thinking.replace("1024", "100"));
    assertThat(small.statusCode()).isEqualTo(400);
    assertThat(small.headers().firstValue("x-amzn-ErrorType")).hasValue("ValidationException");
    assertThat(Sse.json(small.body()).path("message").asText()).contains("budget_tokens");
  }

  // ---- errors

  @Test
  void invalidRequestsGetValidationExceptions() {
    HttpResponse<String> model = harness.post("/model/us.does-not-exist-model-v1%3A0/converse", HELLO);
    assertThat(model.statusCode()).isEqualTo(400);
    assertThat(model.headers().firstValue("x-amzn-ErrorType")).hasValue("ValidationException");
    assertThat(Sse.json(model.body())).isEqualTo(Sse.json("{\"message\":\"The provided model identifier is invalid.\"}"));

    HttpResponse<String> role = harness.post(NOVA + "/converse",
        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]},{\"role\":\"system\",\"content\":[]}]}");
    assertThat(role.statusCode()).isEqualTo(400);
    assertThat(Sse.json(role.body()).path("message").asText()).isEqualTo("1 validation error detected: Value 'system' at"
        + " 'messages.2.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]");

    HttpResponse<String> first = harness.post(NOVA + "/converse",
        "{\"messages\":[{\"role\":\"assistant\",\"content\":[{\"text\":\"hi\"}]}]}");
    assertThat(Sse.json(first.body()).path("message").asText()).startsWith("A conversation must start with a user message.");

    HttpResponse<String> max = harness.post(NOVA + "/converse-stream", "{" + ASK_WEATHER + ",\"inferenceConfig\":{\"maxTokens\":0}}");
    assertThat(max.statusCode()).isEqualTo(400);
    assertThat(max.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(Sse.json(max.body()).path("message").asText()).contains("'inferenceConfig.maxTokens'");

    HttpResponse<String> json = harness.post(NOVA + "/converse", "{not json");
    assertThat(json.statusCode()).isEqualTo(400);
    assertThat(json.headers().firstValue("x-amzn-ErrorType")).hasValue("SerializationException");

    HttpResponse<String> get = harness.get(NOVA + "/converse");
    assertThat(get.statusCode()).isEqualTo(404);
    assertThat(get.headers().firstValue("x-amzn-ErrorType")).hasValue("UnknownOperationException");
  }

  @Test
  void statusFaultsUseTheServiceModelsExceptionsAndStatuses() throws IOException {
    JsonNode shapes = Sse.json(Files.readString(Fixtures.provider("bedrock", "spec/bedrock-runtime-2023-09-30.service-2.json")))
        .path("shapes");
    Map<Integer, String> expected = Map.of(400, "ValidationException", 403, "AccessDeniedException",
        404, "ResourceNotFoundException", 408, "ModelTimeoutException", 424, "ModelErrorException",
        429, "ThrottlingException", 500, "InternalServerException", 503, "ServiceUnavailableException");
    for (var e : expected.entrySet()) {
      HttpResponse<String> response = harness.post(NOVA + "/converse", HELLO, FAULT, "status=" + e.getKey());
      assertThat(response.statusCode()).isEqualTo(e.getKey());
      assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue(e.getValue());
      assertThat(shapes.at("/" + e.getValue() + "/error/httpStatusCode").asInt()).as(e.getValue())
          .isEqualTo(e.getKey());
      JsonNode body = Sse.json(response.body());
      assertThat(body.size()).isEqualTo(1);
      assertThat(body.path("message").asText()).isNotBlank();
    }
    HttpResponse<String> throttled = harness.post(NOVA + "/converse", HELLO, FAULT, "status=429");
    assertThat(throttled.headers().firstValue("retry-after")).as("AWS sends none").isEmpty();
    HttpResponse<String> notReady = harness.post(NOVA + "/converse-stream", HELLO, FAULT,
        "status=429,code=ModelNotReadyException,retry_after=3,message=warming+up");
    assertThat(notReady.statusCode()).isEqualTo(shapes.at("/ModelNotReadyException/error/httpStatusCode").asInt());
    assertThat(notReady.headers().firstValue("x-amzn-ErrorType")).hasValue("ModelNotReadyException");
    assertThat(notReady.headers().firstValue("retry-after")).hasValue("3");
    assertThat(Sse.json(notReady.body()).path("message").asText()).isEqualTo("warming up");

    HttpResponse<String> badFault = harness.post(NOVA + "/converse", HELLO, FAULT, "explode");
    assertThat(badFault.statusCode()).isEqualTo(400);
    assertThat(badFault.headers().firstValue("x-amzn-ErrorType")).hasValue("ValidationException");
    assertThat(Sse.json(badFault.body()).path("message").asText()).contains("explode");
  }

  @Test
  void credentialsAreCheckedWhenAKeyIsConfigured() {
    var keyed = SimulatorHarness.start(SimulatorOptions.fast().withApiKey("AKIDSIMULATOR"));
    try {
      String sigv4 = "AWS4-HMAC-SHA256 Credential=%s/20261125/us-east-1/bedrock/aws4_request,"
          + " SignedHeaders=host;x-amz-date, Signature=0123abcd";
      assertThat(keyed.post(NOVA + "/converse", HELLO, "authorization", sigv4.formatted("AKIDSIMULATOR")).statusCode())
          .isEqualTo(200);
      assertThat(keyed.post(NOVA + "/converse", HELLO, "authorization", "Bearer AKIDSIMULATOR").statusCode())
          .isEqualTo(200);
      for (String wrong : List.of(sigv4.formatted("AKIDOTHER"), "Bearer nope", "Basic QUtJRFNJTVVMQVRPUg==")) {
        HttpResponse<String> denied = keyed.post(NOVA + "/converse", HELLO, "authorization", wrong);
        assertThat(denied.statusCode()).as(wrong).isEqualTo(403);
        assertThat(denied.headers().firstValue("x-amzn-ErrorType")).hasValue("UnrecognizedClientException");
        assertThat(Sse.json(denied.body()).path("message").asText())
            .isEqualTo("The security token included in the request is invalid.");
      }
      HttpResponse<String> none = keyed.send(HttpRequest.newBuilder(java.net.URI.create(
          "http://127.0.0.1:" + keyed.port + NOVA + "/converse")).POST(HttpRequest.BodyPublishers.ofString(HELLO)).build());
      assertThat(none.statusCode()).isEqualTo(403);
      assertThat(none.headers().firstValue("x-amzn-ErrorType")).hasValue("MissingAuthenticationTokenException");
      assertThat(harness.post(NOVA + "/converse", HELLO, "authorization", "Bearer anything").statusCode())
          .as("without a configured key anything passes").isEqualTo(200);
    } finally {
      keyed.close();
    }
  }

  // ---- faults

  @Test
  void streamErrorAfterSendsAnExceptionFrame() {
    List<EventStreamDecoder.Frame> frames = EventStreams.decode(
        postBytes(NOVA + "/converse-stream", LONG, FAULT, "stream_error_after=2").body());
    assertThat(EventStreams.kinds(frames)).containsExactly("messageStart", "contentBlockDelta:text",
        "exception:serviceUnavailableException");
    assertThat(frames).hasSize(4);
    EventStreamDecoder.Frame last = frames.get(3);
    assertThat(last.headers()).containsExactly(Map.entry(":exception-type", "serviceUnavailableException"),
        Map.entry(":content-type", "application/json"), Map.entry(":message-type", "exception"));
    assertThat(EventStreams.payload(last).path("message").asText()).isEqualTo("Bedrock is unable to process your request.");

    List<EventStreamDecoder.Frame> throttled = EventStreams.decode(
        postBytes(NOVA + "/converse-stream", LONG, FAULT, "stream_error_after=0,code=throttlingException").body());
    assertThat(EventStreams.kinds(throttled)).containsExactly("messageStart", "exception:throttlingException");
  }

  @Test
  void cutAfterDropsTheConnectionAfterNFrames() throws IOException {
    try (RawHttp raw = RawHttp.post(harness.port, NOVA + "/converse-stream", LONG, FAULT, "cut_after=3")) {
      raw.readToEnd(5000);
      byte[] received = raw.receivedBytes();
      assertThat(new String(received, 0, 15, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200 OK");
      assertThat(EventStreams.endsWithLastChunk(received)).isFalse();
      List<EventStreamDecoder.Frame> frames = EventStreams.decodeComplete(EventStreams.chunkedBody(received));
      assertThat(EventStreams.kinds(frames)).containsExactly("messageStart", "contentBlockDelta:text");
      assertThat(frames).hasSize(3);
    }
    assertThat(harness.stats().cancelled()).isZero();
  }

  @Test
  void latencyTtftResetAndHang() throws IOException {
    long started = System.nanoTime();
    assertThat(harness.post(NOVA + "/converse", HELLO, FAULT, "latency_ms=250").statusCode()).isEqualTo(200);
    assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(250);

    started = System.nanoTime();
    assertThat(postBytes(NOVA + "/converse-stream", HELLO, FAULT, "ttft_ms=200").statusCode()).isEqualTo(200);
    assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(200);

    started = System.nanoTime();
    List<EventStreamDecoder.Frame> paced = EventStreams.decode(
        postBytes(NOVA + "/converse-stream", HELLO, FAULT, "tps=100").body());
    int tokens = EventStreams.payload(paced.get(paced.size() - 1)).at("/usage/outputTokens").asInt();
    // the first delta comes at once, each later one after its tokens at 100 per second
    assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo((tokens - 3) * 10L - 5);

    try (RawHttp raw = RawHttp.post(harness.port, NOVA + "/converse-stream", HELLO, FAULT, "reset")) {
      assertThat(raw.readToEnd(5000)).isEmpty();
    }
    try (RawHttp raw = RawHttp.post(harness.port, NOVA + "/converse", HELLO, FAULT, "hang")) {
      assertThat(raw.silentFor(300)).isTrue();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> harness.stats().cancelled() == 1);
  }

  @Test
  void aClientThatLeavesMidStreamIsCountedAsCancelled() throws IOException {
    try (RawHttp raw = RawHttp.post(harness.port, NOVA + "/converse-stream", LONG, FAULT, "tps=20")) {
      raw.readBytes(300, 5000);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> harness.stats().cancelled() == 1);
    try (RawHttp raw = RawHttp.post(harness.port, NOVA + "/converse-stream", HELLO, "Connection", "close")) {
      raw.readToEnd(5000);
      assertThat(EventStreams.endsWithLastChunk(raw.receivedBytes())).isTrue();
      assertThat(EventStreams.kinds(EventStreams.decode(EventStreams.chunkedBody(raw.receivedBytes()))))
          .endsWith("messageStop", "metadata");
    }
    assertThat(harness.stats().cancelled()).isEqualTo(1);
    assertThat(harness.stats().requests()).isEqualTo(2);
  }

  // ---- helpers

  private HttpResponse<byte[]> postBytes(String path, String json, String... headers) {
    try {
      return harness.http.send(harness.request(path, headers).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int crc(byte[] bytes, int offset, int length) {
    var crc = new CRC32();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }
}
