package io.wanapis.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Every fault directive must do what it says, observed from the client's side of the wire. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulatorFaultTest {

  private static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final String LONG_STREAM = "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\","
      + "\"content\":\"Please write a long answer about the history of the printing press in Europe and Asia.\"}]}";
  private static final String FAULT = Simulator.FAULT_HEADER;

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
  void statusFaultAnswersWithOpenAiErrorAndRetryAfter() {
    HttpResponse<String> limited = harness.post("/v1/chat/completions", CHAT, FAULT, "status=429");
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("retry-after")).hasValue("1");
    assertThat(limited.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
    JsonNode error = Sse.json(limited.body()).path("error");
    assertThat(error.path("type").asText()).isEqualTo("requests");
    assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");

    HttpResponse<String> custom = harness.post("/v1/chat/completions", CHAT, FAULT,
        "status=429,retry_after=12,code=insufficient_quota,message=You+exceeded+your+quota%2C+sorry");
    assertThat(custom.headers().firstValue("retry-after")).hasValue("12");
    assertThat(Sse.json(custom.body()).at("/error/code").asText()).isEqualTo("insufficient_quota");
    assertThat(Sse.json(custom.body()).at("/error/message").asText()).isEqualTo("You exceeded your quota, sorry");

    HttpResponse<String> failed = harness.post("/v1/embeddings", "{}", FAULT, "status=500");
    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(Sse.json(failed.body()).at("/error/type").asText()).isEqualTo("server_error");
    assertThat(failed.headers().firstValue("retry-after")).isEmpty();

    HttpResponse<String> overloaded = harness.post("/v1/chat/completions", CHAT, FAULT, "status=503,retry_after=3");
    assertThat(overloaded.statusCode()).isEqualTo(503);
    assertThat(overloaded.headers().firstValue("retry-after")).hasValue("3");
    assertThat(Sse.json(overloaded.body()).at("/error/message").asText())
        .isEqualTo("The server is overloaded or not ready yet.");
  }

  @Test
  void latencyDelaysTheAnswer() {
    long started = System.nanoTime();
    HttpResponse<String> response = harness.post("/v1/chat/completions", CHAT, FAULT, "latency_ms=400");
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(elapsedMs).isGreaterThanOrEqualTo(400);
    assertThat(Long.parseLong(response.headers().firstValue("openai-processing-ms").orElseThrow()))
        .isGreaterThanOrEqualTo(400);
  }

  @Test
  void latencyAlsoDelaysAStatusFault() {
    long started = System.nanoTime();
    HttpResponse<String> response = harness.post("/v1/chat/completions", CHAT, FAULT, "latency_ms=300,status=500");
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(300);
  }

  @Test
  void resetDropsTheConnectionWithoutAnAnswer() throws IOException {
    assertThatThrownBy(() -> harness.post("/v1/chat/completions", CHAT, FAULT, "reset"))
        .isInstanceOf(UncheckedIOException.class);

    try (RawHttp raw = RawHttp.post(harness.port, "/v1/chat/completions", CHAT, FAULT, "reset")) {
      assertThat(raw.readToEnd(5000)).isEmpty();
    }
    assertThat(harness.stats().cancelled()).as("the simulator dropped it, not the client").isZero();
  }

  @Test
  void cutAfterSendsExactlyThatManyChunksAndNoDone() throws IOException {
    String received;
    try (RawHttp raw = RawHttp.post(harness.port, "/v1/chat/completions", LONG_STREAM, FAULT, "cut_after=3")) {
      received = raw.readToEnd(5000);
    }
    assertThat(received).startsWith("HTTP/1.1 200");
    assertThat(count(received, "data: ")).isEqualTo(3);
    assertThat(received).doesNotContain("[DONE]").doesNotContain("\r\n0\r\n\r\n");

    assertThatThrownBy(() -> harness.post("/v1/chat/completions", LONG_STREAM, FAULT, "cut_after=5"))
        .as("a client sees the cut stream as a broken response").isInstanceOf(UncheckedIOException.class);
    assertThat(harness.stats().cancelled()).isZero();
  }

  @Test
  void hangNeverAnswersAndCountsAsCancelledWhenTheClientGivesUp() throws IOException {
    long started = System.nanoTime();
    try (RawHttp raw = RawHttp.post(harness.port, "/v1/chat/completions", CHAT, FAULT, "hang")) {
      assertThat(raw.silentFor(700)).as("no byte within the client's timeout").isTrue();
    }
    assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(700);
    await().atMost(Duration.ofSeconds(5)).until(() -> harness.stats().cancelled() == 1);

    assertThatThrownBy(() -> harness.send(harness.request("/v1/chat/completions", FAULT, "hang")
        .timeout(Duration.ofMillis(300)).POST(java.net.http.HttpRequest.BodyPublishers.ofString(CHAT)).build()))
        .hasRootCauseInstanceOf(java.net.http.HttpTimeoutException.class);
  }

  @Test
  void clientDisconnectMidStreamIsCountedAsCancelled() throws IOException {
    long before;
    try (RawHttp raw = RawHttp.post(harness.port, "/v1/chat/completions", LONG_STREAM, FAULT, "tps=20")) {
      String firstChunks = raw.readUntil("\"content\":\"", 5000);
      assertThat(firstChunks).contains("data: {");
      // counted from here: a connection the previous test's JDK client closes late may land after the reset
      before = harness.stats().cancelled();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> harness.stats().cancelled() == before + 1);

    // a response that completes is not cancelled, even though the client closes afterwards
    try (RawHttp raw = RawHttp.post(harness.port, "/v1/chat/completions", LONG_STREAM)) {
      assertThat(raw.readUntil("data: [DONE]", 5000)).contains("data: [DONE]");
    }
    try (RawHttp raw = RawHttp.post(harness.port, "/v1/chat/completions", CHAT, FAULT, "latency_ms=3000")) {
      assertThat(raw.silentFor(200)).isTrue();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> harness.stats().cancelled() == before + 2);
    assertThat(harness.stats().requests()).isEqualTo(3);
  }

  @Test
  void ttftAndTpsPaceTheStream() throws IOException {
    long started = System.nanoTime();
    String received;
    long firstChunkMs;
    try (RawHttp raw = RawHttp.post(harness.port, "/v1/chat/completions", LONG_STREAM, FAULT, "ttft_ms=300,tps=100")) {
      raw.readUntil("data: ", 5000);
      firstChunkMs = (System.nanoTime() - started) / 1_000_000;
      received = raw.readUntil("data: [DONE]", 10000);
    }
    long totalMs = (System.nanoTime() - started) / 1_000_000;
    int tokens = count(received, "\"content\":\"") - 1; // minus the role chunk's empty content

    assertThat(tokens).isGreaterThan(10);
    assertThat(firstChunkMs).isGreaterThanOrEqualTo(300);
    // first token at ttft, each further one 10 ms later
    assertThat(totalMs).isGreaterThanOrEqualTo(300 + (tokens - 1) * 10L);
  }

  @Test
  void defaultFaultAppliesToEveryRequestUnlessTheHeaderOverridesIt() {
    var faulty = SimulatorHarness.start(SimulatorOptions.fast().withDefaultFault("status=502"));
    try {
      assertThat(faulty.post("/v1/chat/completions", CHAT).statusCode()).isEqualTo(502);
      assertThat(faulty.get("/v1/models").statusCode()).isEqualTo(502);
      assertThat(faulty.post("/v1/chat/completions", CHAT, FAULT, "latency_ms=1").statusCode()).isEqualTo(200);
    } finally {
      faulty.close();
    }
  }

  @Test
  void malformedFaultHeaderIsRejected() {
    HttpResponse<String> response = harness.post("/v1/chat/completions", CHAT, FAULT, "explode=now");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Sse.json(response.body()).at("/error/code").asText()).isEqualTo("invalid_sim_fault");
    assertThat(Sse.json(response.body()).at("/error/message").asText()).contains("explode");
  }

  @Test
  void faultSyntaxParsesEveryDirective() {
    FaultPlan plan = FaultPlan.parse(
        " status=429 , retry_after=2,code=x,message=a%2Cb,latency_ms=10,reset,hang=false,cut_after=4,ttft_ms=5,tps=2.5");
    assertThat(plan).isEqualTo(new FaultPlan(429, 2, "x", "a,b", 10, true, false, 4, 5, 2.5));
    assertThat(FaultPlan.parse(null)).isEqualTo(FaultPlan.NONE);
    assertThat(FaultPlan.parse("")).isEqualTo(FaultPlan.NONE);
    assertThatThrownBy(() -> FaultPlan.parse("status=abc")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FaultPlan.parse("status=99")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FaultPlan.parse("latency_ms=-1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SimulatorOptions(null, 0, 0, "bogus")).isInstanceOf(IllegalArgumentException.class);
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
