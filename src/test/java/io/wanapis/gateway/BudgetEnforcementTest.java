package io.wanapis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.wanapis.budget.WebhookAlerts;
import io.wanapis.json.Json;
import io.wanapis.usage.UsageQuery;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 200 concurrent requests of one key against a small hard budget: the spend in the ledger never
 * passes the limit (the bound of docs/budgets.md is zero here, because every request sets
 * max_tokens and the reservation is an upper bound), the refused ones get a 429
 * {@code budget_exceeded} naming the budget with a retry-after, and the webhook hears each
 * threshold exactly once, signed with the configured secret.
 */
class BudgetEnforcementTest {
  static final String SECRET = "whsec-test-0123";

  record Hook(byte[] body, String signature) {}

  @Test
  void concurrentRequestsNeverOverspendAndAlertsFireOncePerThreshold() throws Exception {
    Vertx vertx = Vertx.vertx();
    List<Hook> hooks = new CopyOnWriteArrayList<>();
    HttpServer receiver = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      hooks.add(new Hook(b.getBytes(), req.getHeader(WebhookAlerts.SIGNATURE_HEADER)));
      req.response().setStatusCode(204).end();
    })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    // $100 / $200 per 1M tokens: each request costs about half a cent, so ~20 fit in $0.10
    try (TestGateway gw = TestGateway.start("""
        access_log: {path: "off"}
        alerts: {webhook_url: "http://127.0.0.1:%d/hook", webhook_secret: "%s"}
        providers: [{name: sim, type: simulator}]
        models: [{name: pricey, deployments: [{provider: sim, model: pricey-1, input_cost_per_mtok: 100, output_cost_per_mtok: 200}]}]
        """.formatted(receiver.actualPort(), SECRET))) {
      AdminHttp admin = new AdminHttp(gw, TestGateway.MASTER_KEY);
      AdminHttp.Reply created = admin.createKey("{\"name\":\"budgeted\"}");
      String keyId = created.id();
      String secret = created.secret();
      AdminHttp.Reply budget = admin.post("/admin/budgets",
          "{\"key\":\"" + keyId + "\",\"period\":\"day\",\"limit_usd\":0.10,\"alert_thresholds\":[50,80,100]}");
      assertThat(budget.status()).isEqualTo(201);
      String budgetId = budget.id();
      assertThat(secret).isNotBlank();

      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.gateway.port() + "/v1/chat/completions"))
            .header("authorization", "Bearer " + secret).header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"pricey\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"request "
                + i + " of the budget test\"}]}")).build();
        calls.add(http.sendAsync(r, HttpResponse.BodyHandlers.ofString()));
      }
      int ok = 0, refused = 0;
      for (var f : calls) {
        HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
        if (r.statusCode() == 200) {
          ok++;
        } else {
          refused++;
          assertThat(r.statusCode()).isEqualTo(429);
          JsonNode err = Json.MAPPER.readTree(r.body()).path("error");
          assertThat(err.path("code").asText()).isEqualTo("budget_exceeded");
          assertThat(err.path("message").asText()).contains(budgetId, "resets at");
          long retry = Long.parseLong(r.headers().firstValue("retry-after").orElseThrow());
          assertThat(retry).isBetween(1L, 86_400L);
        }
      }
      assertThat(ok).isBetween(5, 60);
      assertThat(refused).isEqualTo(200 - ok);
      // then one at a time: the headroom the concurrent wave's reservations left is used up
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.gateway.port() + "/v1/chat/completions"))
            .header("authorization", "Bearer " + secret).header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"pricey\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"one more\"}]}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isIn(200, 429);
      }

      // the ledger's sum for the key: never past the limit
      String k = keyId;
      double[] spent = {0};
      long[] rows = {0};
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        spent[0] = 0;
        rows[0] = 0;
        gw.gateway.usage().store().scanUsage(new UsageQuery(0, Long.MAX_VALUE, k, null, null), r -> {
          rows[0]++;
          if (r.costUsd() > 0) spent[0] += r.costUsd();
        });
        return rows[0] == 220;
      });
      assertThat(spent[0]).isLessThanOrEqualTo(0.10).isGreaterThan(0.10 * 0.8);
      assertThat(gw.gateway.usage().budgets().inFlight()).isZero();
      var view = admin.get("/admin/budgets").json().path("data").get(0);
      assertThat(view.path("spent_usd").asDouble()).isCloseTo(spent[0], org.assertj.core.data.Offset.offset(1e-9));
      assertThat(view.path("reserved_usd").asDouble()).isZero();

      // every threshold the spend passed was announced exactly once, signed
      List<Integer> expected = new ArrayList<>();
      for (int t : new int[] {50, 80, 100}) if (spent[0] >= 0.10 * t / 100.0) expected.add(t);
      assertThat(expected).contains(50, 80);
      await().atMost(Duration.ofSeconds(5)).until(() -> hooks.size() >= expected.size());
      Thread.sleep(500);
      List<Integer> thresholds = new ArrayList<>();
      for (Hook h : hooks) {
        assertThat(h.signature()).isEqualTo(WebhookAlerts.sign(SECRET.getBytes(StandardCharsets.UTF_8), h.body()));
        JsonNode a = Json.MAPPER.readTree(h.body());
        assertThat(a.path("budget_id").asText()).isEqualTo(budgetId);
        assertThat(a.path("type").asText()).isEqualTo("budget.threshold");
        thresholds.add(a.path("threshold_percent").asInt());
      }
      assertThat(thresholds).containsExactlyInAnyOrderElementsOf(expected);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
