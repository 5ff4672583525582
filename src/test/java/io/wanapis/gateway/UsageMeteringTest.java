package io.wanapis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import io.wanapis.json.Json;
import io.wanapis.usage.RequestRecord;
import io.wanapis.usage.UsageQuery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Usage and cost through the gateway match what the simulator itself reported, exactly, for
 * streams and non-streams; the ledger holds the same rows; tags, catalog fields and metrics.
 */
class UsageMeteringTest {
  static TestGateway gw;
  // gpt-4o-mini from the built-in catalog: $0.15 in, $0.60 out per 1M tokens
  static final double IN = 0.15, OUT = 0.60;

  @BeforeAll
  static void start() throws Exception {
    gw = TestGateway.start("""
        access_log: {path: "off"}
        providers:
          - {name: sim, type: simulator}
          - {name: quiet, type: simulator, stream_usage: false}
        models:
          - {name: gpt-4o-mini, deployments: [{provider: sim}]}
          - {name: quiet-mini, deployments: [{provider: quiet, model: gpt-4o-mini}]}
          - {name: priced, deployments: [{provider: sim, model: my-private-model, input_cost_per_mtok: 1.0, output_cost_per_mtok: 2.0}]}
        """);
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
  }

  /**
   * Raw calls over HTTP/1.1: the JDK client's default h2c upgrade currently makes the gateway
   * record a 499 for an answered request (a core issue reported separately).
   */
  static java.net.http.HttpResponse<String> post(String body, String... headers) throws Exception {
    var b = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + gw.gateway.port() + "/v1/chat/completions"))
        .version(java.net.http.HttpClient.Version.HTTP_1_1).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
        .header("content-type", "application/json").header("authorization", "Bearer " + TestGateway.MASTER_KEY);
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build()
        .send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  static RequestRecord record(String requestId) {
    await().atMost(Duration.ofSeconds(5)).until(() -> gw.records.stream().anyMatch(r -> r.requestId().equals(requestId)));
    return gw.records.stream().filter(r -> r.requestId().equals(requestId)).findFirst().orElseThrow();
  }

  static double cost(long in, long out, double pin, double pout) {
    return (in * pin + out * pout) / 1e6;
  }

  @Test
  void nonStreamUsageAndCostMatchTheSimulatorExactly() {
    var resp = gw.sdk().chat().completions().withRawResponse().create(ChatCompletionCreateParams.builder().model("gpt-4o-mini")
        .addUserMessage("Count the tokens of this sentence, please.").maxCompletionTokens(40).build());
    ChatCompletion c = resp.parse();
    CompletionUsage u = c.usage().orElseThrow();
    RequestRecord r = record(resp.headers().values("x-request-id").get(0));
    assertThat(r.usage().inputTokens()).isEqualTo(u.promptTokens());
    assertThat(r.usage().outputTokens()).isEqualTo(u.completionTokens());
    assertThat(r.usage().estimated()).isFalse();
    assertThat(r.costEstimated()).isFalse();
    assertThat(r.costUsd()).isCloseTo(cost(u.promptTokens(), u.completionTokens(), IN, OUT), org.assertj.core.data.Offset.offset(1e-12));
    assertThat(r.costUsd()).isPositive();
  }

  @Test
  void streamUsageAndCostMatchTheSimulatorExactly() {
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> s = gw.sdk().chat().completions().createStreaming(ChatCompletionCreateParams.builder()
        .model("gpt-4o-mini").addUserMessage("Stream me a short answer about metering.").maxCompletionTokens(60)
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      s.stream().forEach(chunks::add);
    }
    CompletionUsage u = chunks.get(chunks.size() - 1).usage().orElseThrow();
    String id = chunks.get(0).id();
    // the record of this stream: the only streamed gpt-4o-mini request with exactly these numbers
    await().atMost(Duration.ofSeconds(5)).until(() -> gw.records.stream().anyMatch(r -> r.stream() && "gpt-4o-mini".equals(r.routedModel())
        && r.usage().outputTokens() == u.completionTokens() && r.usage().inputTokens() == u.promptTokens()));
    RequestRecord r = gw.records.stream().filter(x -> x.stream() && "gpt-4o-mini".equals(x.routedModel())
        && x.usage().outputTokens() == u.completionTokens()).findFirst().orElseThrow();
    assertThat(id).isNotBlank();
    assertThat(r.ttftMs()).isGreaterThanOrEqualTo(0);
    assertThat(r.usage().estimated()).isFalse();
    assertThat(r.costUsd()).isCloseTo(cost(u.promptTokens(), u.completionTokens(), IN, OUT), org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void deploymentPricesBeatTheCatalog() {
    var resp = gw.sdk().chat().completions().withRawResponse().create(ChatCompletionCreateParams.builder().model("priced")
        .addUserMessage("hello there").maxCompletionTokens(20).build());
    CompletionUsage u = resp.parse().usage().orElseThrow();
    RequestRecord r = record(resp.headers().values("x-request-id").get(0));
    assertThat(r.costUsd()).isCloseTo(cost(u.promptTokens(), u.completionTokens(), 1.0, 2.0), org.assertj.core.data.Offset.offset(1e-12));
  }

  /**
   * A provider that reports no usage in streams: the gateway counts the prompt with o200k and the
   * output from the streamed bytes, marks the record estimated, and lands within the documented
   * tolerance of what the simulator counts for the same request (docs/usage.md).
   */
  @Test
  void unreportedStreamUsageIsEstimatedWithinTolerance() {
    String[] prompts = {"Explain budgets in one paragraph.", "Write a haiku about tokens and ledgers.",
        "List three reasons a gateway meters usage, with a sentence each.", "hi"};
    int[] caps = {200, 40, 300, 16};
    for (int i = 0; i < prompts.length; i++) {
      var exact = gw.sdk().chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o-mini")
          .addUserMessage(prompts[i]).maxCompletionTokens(caps[i]).build()).usage().orElseThrow();
      int before = gw.records.size();
      try (StreamResponse<ChatCompletionChunk> s = gw.sdk().chat().completions().createStreaming(ChatCompletionCreateParams.builder()
          .model("quiet-mini").addUserMessage(prompts[i]).maxCompletionTokens(caps[i]).build())) {
        s.stream().forEach(ch -> assertThat(ch.usage()).isEmpty());
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> gw.records.stream().skip(before).anyMatch(r -> "quiet-mini".equals(r.routedModel())));
      RequestRecord r = gw.records.stream().skip(before).filter(x -> "quiet-mini".equals(x.routedModel())).findFirst().orElseThrow();
      assertThat(r.usage().estimated()).isTrue();
      assertThat(r.costEstimated()).isTrue();
      // plain-text prompt: the estimate uses the same framing as OpenAI, so it is exact
      assertThat(r.usage().inputTokens()).as("prompt tokens of '%s'", prompts[i]).isEqualTo(exact.promptTokens());
      long out = exact.completionTokens();
      assertThat(r.usage().outputTokens()).as("output tokens of '%s' (exact %d)", prompts[i], out)
          .isBetween(Math.round(out * 0.9) - 3, Math.round(out * 1.1) + 3);
      assertThat(r.costUsd()).isPositive();
    }
  }

  @Test
  void tagsComeFromTheHeaderAndMetadataAndTheUserFromUser() throws Exception {
    var resp = post("""
        {"model":"gpt-4o-mini","user":"alice@example.com","metadata":{"feature":"search","env":"prod"},
         "messages":[{"role":"user","content":"tag me"}]}""", "x-wanapis-tags", "team-a, checkout ,team-a");
    assertThat(resp.statusCode()).isEqualTo(200);
    RequestRecord r = record(resp.headers().firstValue("x-request-id").orElseThrow());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.tags()).containsExactly("team-a", "checkout", "feature:search", "env:prod");
    assertThat(r.user()).isEqualTo("alice@example.com");
  }

  @Test
  void theLedgerHoldsEveryRecordWithItsCost() throws Exception {
    var resp = post("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"ledger\"}]}", "x-wanapis-tags", "ledger-test");
    String id = resp.headers().firstValue("x-request-id").orElseThrow();
    RequestRecord mine = record(id);
    List<RequestRecord> rows = new ArrayList<>();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      rows.clear();
      gw.gateway.usage().store().scanUsage(UsageQuery.all(), x -> { if (x.requestId().equals(id)) rows.add(x); });
      return rows.size() == 1;
    });
    RequestRecord row = rows.get(0);
    assertThat(row.usage()).isEqualTo(mine.usage());
    assertThat(row.costUsd()).isEqualTo(mine.costUsd());
    assertThat(row.tags()).containsExactly("ledger-test");
    assertThat(row.keyId()).isEqualTo("master");
    assertThat(row.latencyMs()).isEqualTo(mine.latencyMs());

    AdminHttp admin = new AdminHttp(gw, TestGateway.MASTER_KEY);
    AdminHttp.Reply report = admin.get("/admin/usage?group_by=tag,model");
    assertThat(report.status()).isEqualTo(200);
    JsonNode group = null;
    for (JsonNode g : report.json().path("data")) if ("ledger-test".equals(g.path("tag").asText())) group = g;
    assertThat(group).isNotNull();
    assertThat(group.path("requests").asLong()).isEqualTo(1);
    assertThat(group.path("tokens_in").asLong()).isEqualTo(mine.usage().inputTokens());
    assertThat(group.path("cost_usd").asDouble()).isCloseTo(mine.costUsd(), org.assertj.core.data.Offset.offset(1e-9));
    var csv = gw.get("/admin/usage?group_by=tag&format=csv", "authorization", "Bearer " + TestGateway.MASTER_KEY);
    assertThat(csv.headers().firstValue("content-type").orElseThrow()).startsWith("text/csv");
    assertThat(csv.body()).startsWith("tag,requests,errors,estimated,tokens_in,tokens_out");
    assertThat(csv.body()).contains("\r\nledger-test,1,0,0," + mine.usage().inputTokens() + "," + mine.usage().outputTokens() + ",");
    AdminHttp.Reply records = admin.get("/admin/usage/records?limit=1000");
    assertThat(records.json().path("data").findValuesAsText("id")).contains(id);
  }

  @Test
  void modelsListShowsCatalogFieldsAndTheCatalogIsBrowsable() throws Exception {
    var models = Json.MAPPER.readTree(gw.get("/v1/models/gpt-4o-mini", "authorization", "Bearer " + TestGateway.MASTER_KEY).body());
    assertThat(models.path("context_window").asInt()).isEqualTo(128000);
    assertThat(models.path("pricing").path("input_per_mtok").asDouble()).isEqualTo(0.15);
    assertThat(models.path("pricing").path("output_per_mtok").asDouble()).isEqualTo(0.60);
    assertThat(models.path("capabilities").toString()).contains("tools", "vision", "json_schema");
    assertThat(models.path("deployments").get(0).path("provider").asText()).isEqualTo("sim");

    AdminHttp admin = new AdminHttp(gw, TestGateway.MASTER_KEY);
    AdminHttp.Reply cat = admin.get("/admin/catalog");
    assertThat(cat.json().path("prices_as_of").asText()).isNotBlank();
    assertThat(cat.json().path("data").findValuesAsText("provider")).contains("openai", "anthropic", "gemini", "mistral", "deepseek", "groq");
    AdminHttp.Reply put = admin.send("PUT", "/admin/catalog/gpt-4o-mini", "{\"input_per_mtok\": 0.2}");
    assertThat(put.status()).isEqualTo(201);
    assertThat(put.json().path("source").asText()).isEqualTo("admin");
    assertThat(admin.get("/admin/catalog/gpt-4o-mini").json().path("input_per_mtok").asDouble()).isEqualTo(0.2);
    assertThat(admin.send("DELETE", "/admin/catalog/gpt-4o-mini", null).status()).isEqualTo(200);
    assertThat(admin.get("/admin/catalog/gpt-4o-mini").json().path("input_per_mtok").asDouble()).isEqualTo(0.15);
  }

  @Test
  void metricsArePrometheusText() throws Exception {
    gw.sdk().chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("metrics").build());
    await().atMost(Duration.ofSeconds(5)).until(() -> gw.get("/metrics").body().contains("wanapis_requests_total"));
    String text = gw.get("/metrics").body();
    assertThat(text).containsPattern("wanapis_requests_total\\{endpoint=\"chat\",model=\"gpt-4o-mini\",provider=\"sim\",status=\"2xx\"\\} [1-9]");
    assertThat(text).containsPattern("wanapis_tokens_total\\{endpoint=\"chat\",model=\"gpt-4o-mini\",provider=\"sim\",status=\"2xx\",type=\"input\"\\} [1-9]");
    assertThat(text).contains("wanapis_cost_usd_total{", "wanapis_request_latency_seconds_bucket{", "wanapis_ledger_written");
    assertThat(text).doesNotContain("key=\"");
  }
}
