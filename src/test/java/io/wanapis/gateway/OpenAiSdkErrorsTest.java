package io.wanapis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.wanapis.json.Json;
import io.wanapis.usage.RequestRecord;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every error path a client can hit, seen through the official SDK where it can send the request. */
class OpenAiSdkErrorsTest {
  static TestGateway gw;
  static OpenAIClient client;

  @BeforeAll
  static void start() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort(); // nothing listens here once closed: connection refused
    }
    gw = TestGateway.start("""
        access_log: {path: "off"}
        server: {max_body_bytes: 65536}
        providers:
          - {name: sim, type: simulator, forward_headers: ["x-sim-*"]}
          - {name: dead, type: openai-compatible, base_url: "http://127.0.0.1:%d/v1", api_key: k}
        models:
          - {name: gpt-4o-mini, deployments: [{provider: sim}]}
          - {name: limited, deployments: [{provider: sim, model: limited-model}]}
          - {name: broken, deployments: [{provider: dead, model: gpt-4o-mini}]}
          - {name: failover, deployments: [{provider: dead, model: gpt-4o-mini}, {provider: sim, model: gpt-4o-mini}]}
          - name: slow
            timeouts: {first_byte_ms: 300, idle_ms: 300}
            deployments: [{provider: sim, model: gpt-4o-mini}]
        """.formatted(closedPort));
    client = gw.sdk();
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
  }

  private static ChatCompletionCreateParams.Builder hello(String model) {
    return ChatCompletionCreateParams.builder().model(model).addUserMessage("hello");
  }

  private static JsonNode error(HttpResponse<String> r) throws Exception {
    JsonNode e = Json.MAPPER.readTree(r.body()).path("error");
    assertThat(e.has("message") && e.has("type") && e.has("param") && e.has("code")).as(r.body()).isTrue();
    assertThat(e.path("request_id").asText()).isEqualTo(r.headers().firstValue("x-request-id").orElseThrow());
    return e;
  }

  @Test
  void wrongOrMissingKeyIs401() throws Exception {
    assertThatThrownBy(() -> gw.sdk("sk-wrong").chat().completions().create(hello("gpt-4o-mini").build()))
        .isInstanceOfSatisfying(UnauthorizedException.class, e -> assertThat(e.code()).hasValue("invalid_api_key"));
    HttpResponse<String> none = gw.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[]}");
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(error(none).path("code").asText()).isEqualTo("missing_api_key");
  }

  @Test
  void xApiKeyHeaderIsAccepted() throws Exception {
    HttpResponse<String> r = gw.post("/v1/chat/completions",
        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "x-api-key", TestGateway.MASTER_KEY);
    assertThat(r.statusCode()).isEqualTo(200);
  }

  @Test
  void unknownModelIs404ListingWhatTheKeyMayUse() {
    assertThatThrownBy(() -> client.chat().completions().create(hello("gpt-9").build()))
        .isInstanceOfSatisfying(NotFoundException.class, e -> {
          assertThat(e.code()).hasValue("model_not_found");
          assertThat(e.getMessage()).contains("gpt-9").contains("gpt-4o-mini, limited, broken, failover, slow");
        });
  }

  @Test
  void malformedJsonAndMissingFieldsAre400() throws Exception {
    String[] auth = {"authorization", "Bearer " + TestGateway.MASTER_KEY};
    HttpResponse<String> bad = gw.post("/v1/chat/completions", "{\"model\": \"gpt-4o-mini\", \"messages\": [", auth);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(error(bad).path("code").asText()).isEqualTo("invalid_json");
    assertThat(error(bad).path("message").asText()).contains("line 1");

    HttpResponse<String> noMessages = gw.post("/v1/chat/completions", "{\"model\": \"gpt-4o-mini\"}", auth);
    assertThat(noMessages.statusCode()).isEqualTo(400);
    assertThat(error(noMessages).path("param").asText()).isEqualTo("messages");

    HttpResponse<String> noModel = gw.post("/v1/embeddings", "{\"input\": \"x\"}", auth);
    assertThat(error(noModel).path("param").asText()).isEqualTo("model");
  }

  @Test
  void oversizedBodyIs413() throws Exception {
    String big = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(70_000) + "\"}]}";
    HttpResponse<String> r = gw.post("/v1/chat/completions", big, "authorization", "Bearer " + TestGateway.MASTER_KEY);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(error(r).path("code").asText()).isEqualTo("request_too_large");
    assertThat(error(r).path("message").asText()).contains("65536");
  }

  @Test
  void unknownPathAndWrongMethod() throws Exception {
    HttpResponse<String> r = gw.get("/v1/nothing-here");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(error(r).path("code").asText()).isEqualTo("unknown_url");
    HttpResponse<String> m = gw.get("/v1/chat/completions");
    assertThat(m.statusCode()).isEqualTo(405);
  }

  @Test
  void upstreamDownIs502() {
    assertThatThrownBy(() -> client.chat().completions().create(hello("broken").build()))
        .isInstanceOfSatisfying(InternalServerException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(502);
          assertThat(e.code()).hasValue("upstream_unreachable");
          assertThat(e.getMessage()).contains("dead");
        });
  }

  @Test
  void aDeadDeploymentIsSkippedForAHealthyOne() {
    for (int i = 0; i < 6; i++) {
      ChatCompletion c = client.chat().completions().create(hello("failover").build());
      assertThat(c.choices()).isNotEmpty();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> gw.records.stream()
        .anyMatch(r -> "failover".equals(r.model()) && r.attempts() == 2 && r.status() == 200));
  }

  @Test
  void upstreamStatusesMapToTheRightErrors() {
    assertThatThrownBy(() -> client.chat().completions().create(hello("gpt-4o-mini").putAdditionalHeader("x-sim-fault", "status=503").build()))
        .isInstanceOfSatisfying(InternalServerException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(503);
          assertThat(e.code()).hasValue("upstream_unavailable");
        });
    assertThatThrownBy(() -> client.chat().completions().create(hello("gpt-4o-mini").putAdditionalHeader("x-sim-fault", "status=500").build()))
        .isInstanceOfSatisfying(InternalServerException.class, e -> assertThat(e.statusCode()).isEqualTo(502));
    assertThatThrownBy(() -> client.chat().completions().create(hello("limited").putAdditionalHeader("x-sim-fault", "status=429,retry_after=7").build()))
        .isInstanceOfSatisfying(RateLimitException.class, e -> assertThat(e.headers().values("retry-after")).containsExactly("7"));
    // the provider said when to come back: until then the gateway does not send it more requests
    long seen = gw.gateway.simulator().stats().requests();
    assertThatThrownBy(() -> client.chat().completions().create(hello("limited").build()))
        .isInstanceOfSatisfying(RateLimitException.class, e -> {
          assertThat(Integer.parseInt(e.headers().values("retry-after").get(0))).isBetween(1, 7);
          assertThat(e.getMessage()).contains("asked the gateway to wait");
        });
    assertThat(gw.gateway.simulator().stats().requests()).isEqualTo(seen);
    assertThatThrownBy(() -> client.chat().completions().create(hello("gpt-4o-mini")
        .putAdditionalHeader("x-sim-fault", "status=400,code=context_length_exceeded").build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.code()).hasValue("context_length_exceeded"));
  }

  @Test
  void upstreamThatNeverAnswersIs504() {
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> client.chat().completions().create(hello("slow").putAdditionalHeader("x-sim-fault", "hang").build()))
        .isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(504);
          assertThat(e.code()).hasValue("upstream_timeout");
        });
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void streamCutMidwayEndsWithAnErrorEventNotAHang() {
    int[] chunks = {0};
    assertThatThrownBy(() -> {
      try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
          hello("gpt-4o-mini").putAdditionalHeader("x-sim-fault", "cut_after=3").build())) {
        s.stream().forEach(c -> chunks[0]++);
      }
    }).isInstanceOf(OpenAIServiceException.class).hasMessageContaining("ended early");
    assertThat(chunks[0]).isEqualTo(3);
    await().atMost(Duration.ofSeconds(5)).until(() -> gw.records.stream()
        .anyMatch(r -> "stream_interrupted".equals(r.errorCode())));
  }

  @Test
  void clientDisconnectCancelsTheUpstreamRequest() {
    long before = gw.gateway.simulator().stats().cancelled();
    try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
        hello("gpt-4o-mini").putAdditionalHeader("x-sim-fault", "tps=4").build())) {
      Iterator<ChatCompletionChunk> it = s.stream().iterator();
      assertThat(it.hasNext()).isTrue();
      it.next();
    } // closing the stream closes the connection mid-answer
    await().atMost(Duration.ofSeconds(5)).until(() -> gw.gateway.simulator().stats().cancelled() > before);
    await().atMost(Duration.ofSeconds(5)).until(() -> gw.records.stream().anyMatch(r -> r.status() == 499));
    RequestRecord r = gw.records.stream().filter(x -> x.status() == 499).findFirst().orElseThrow();
    assertThat(r.errorCode()).isEqualTo("client_closed_request");
  }

  @Test
  void healthEndpoints() throws Exception {
    assertThat(gw.get("/health/live").statusCode()).isEqualTo(200);
    assertThat(gw.get("/health/ready").statusCode()).isEqualTo(200);
  }
}
