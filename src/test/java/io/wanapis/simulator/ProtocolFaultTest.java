package io.wanapis.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The fault directives work on the Anthropic and Gemini protocols too, seen from the wire. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProtocolFaultTest {

  private static final String FAULT = Simulator.FAULT_HEADER;
  private static final String ANTHROPIC_STREAM = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":500,\"stream\":true,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"Please write a long answer about the history of printing.\"}]}";
  private static final String GEMINI_BODY = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":"
      + "\"Please write a long answer about the history of the printing press in Europe and Asia.\"}]}]}";
  private static final String GEMINI_SSE = "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse";

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

  @Test
  void cutAfterDropsAnthropicAndGeminiStreamsAfterNEvents() throws IOException {
    try (RawHttp raw = RawHttp.post(harness.port, "/v1/messages", ANTHROPIC_STREAM, "anthropic-version", "2023-06-01",
        FAULT, "cut_after=4")) {
      String received = raw.readToEnd(5000);
      assertThat(received).startsWith("HTTP/1.1 200");
      assertThat(count(received, "event: ")).isEqualTo(4);
      assertThat(received).contains("event: ping").doesNotContain("message_stop").doesNotContain("\r\n0\r\n\r\n");
    }
    try (RawHttp raw = RawHttp.post(harness.port, GEMINI_SSE, GEMINI_BODY, FAULT, "cut_after=2")) {
      String received = raw.readToEnd(5000);
      assertThat(count(received, "data: ")).isEqualTo(2);
      assertThat(received).doesNotContain("finishReason").doesNotContain("\r\n0\r\n\r\n");
    }
    assertThat(harness.stats().cancelled()).isZero();
  }

  @Test
  void clientDisconnectsAreCountedOnEveryProtocol() throws IOException {
    try (RawHttp raw = RawHttp.post(harness.port, "/v1/messages", ANTHROPIC_STREAM, "anthropic-version", "2023-06-01",
        FAULT, "tps=20")) {
      raw.readUntil("text_delta", 5000);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> harness.stats().cancelled() == 1);
    try (RawHttp raw = RawHttp.post(harness.port, GEMINI_SSE, GEMINI_BODY, FAULT, "tps=20")) {
      raw.readUntil("data: ", 5000);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> harness.stats().cancelled() == 2);
    try (RawHttp raw = RawHttp.post(harness.port, "/v1/messages", ANTHROPIC_STREAM, "anthropic-version", "2023-06-01")) {
      assertThat(raw.readUntil("message_stop", 5000)).contains("event: message_stop");
    }
    try (RawHttp raw = RawHttp.post(harness.port, "/v1beta/models/gemini-2.0-flash:generateContent", GEMINI_BODY,
        FAULT, "hang")) {
      assertThat(raw.silentFor(300)).isTrue();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> harness.stats().cancelled() == 3);
    assertThat(harness.stats().requests()).isEqualTo(4);
  }

  @Test
  void streamErrorAfterOnGeminiAndOpenAi() {
    HttpResponse<String> gemini = harness.post(GEMINI_SSE, GEMINI_BODY, FAULT, "stream_error_after=2");
    assertThat(gemini.statusCode()).isEqualTo(200);
    String[] frames = gemini.body().split("\r\n\r\n");
    assertThat(frames).hasSize(3);
    assertThat(Sse.json(frames[2].substring("data: ".length())).at("/error/status").asText()).isEqualTo("UNAVAILABLE");

    HttpResponse<String> openai = harness.post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"stream\":true,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story\"}]}", FAULT, "stream_error_after=3");
    var payloads = Sse.dataPayloads(openai.body());
    assertThat(payloads).doesNotContain("[DONE]");
    assertThat(Sse.json(payloads.get(payloads.size() - 1)).at("/error/type").asText()).isEqualTo("server_error");
    assertThat(count(openai.body(), "\"content\":\"")).isEqualTo(1 + 3); // role chunk's "" plus 3 tokens
  }

  @Test
  void statusLatencyAndResetOnAnthropicAndGemini() throws IOException {
    long started = System.nanoTime();
    HttpResponse<String> limited = harness.post("/v1/messages", ANTHROPIC_STREAM, "anthropic-version", "2023-06-01",
        FAULT, "latency_ms=300,status=429");
    assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(300);
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("retry-after")).hasValue("1");
    assertThat(Sse.json(limited.body()).at("/error/type").asText()).isEqualTo("rate_limit_error");

    HttpResponse<String> quota = harness.post("/v1beta/models/gemini-2.0-flash:generateContent", GEMINI_BODY,
        FAULT, "status=429,retry_after=9");
    assertThat(Sse.json(quota.body()).at("/error/status").asText()).isEqualTo("RESOURCE_EXHAUSTED");
    assertThat(Sse.json(quota.body()).at("/error/details/0/retryDelay").asText()).isEqualTo("9s");

    HttpResponse<String> badFault = harness.post("/v1/messages", ANTHROPIC_STREAM, "anthropic-version", "2023-06-01",
        FAULT, "explode");
    assertThat(badFault.statusCode()).isEqualTo(400);
    assertThat(Sse.json(badFault.body()).at("/error/message").asText()).contains("explode");

    try (RawHttp raw = RawHttp.post(harness.port, GEMINI_SSE, GEMINI_BODY, FAULT, "reset")) {
      assertThat(raw.readToEnd(5000)).isEmpty();
    }
  }

  @Test
  void faultSyntaxParsesStreamErrorAfter() {
    assertThat(FaultPlan.parse("stream_error_after=5").streamErrorAfter()).isEqualTo(5);
    assertThat(FaultPlan.parse("cut_after=2").streamErrorAfter()).isEqualTo(-1);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> FaultPlan.parse("stream_error_after=x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static int count(String text, String needle) {
    Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
