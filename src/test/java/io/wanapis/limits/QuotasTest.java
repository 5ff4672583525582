package io.wanapis.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.RequestOptions;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.wanapis.gateway.AdminHttp;
import io.wanapis.gateway.TestGateway;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Quotas through the official OpenAI SDK: plans from the config and the admin API, limits per
 * team, project, key and model within a key, daily limits, concurrency, the max_tokens cap, TPM
 * settled from stream usage, and plans changed at run time.
 */
class QuotasTest {
  static TestGateway gw;
  static AdminHttp admin;

  @BeforeAll
  static void start() throws Exception {
    gw = TestGateway.start("""
        access_log: {path: "off"}
        providers:
          - {name: sim, type: simulator, forward_headers: ["x-sim-*"]}
        models:
          - {name: gpt-4o-mini, deployments: [{provider: sim}]}
          - {name: gpt-4o, deployments: [{provider: sim}]}
        plans:
          - {name: free, rpm: 3, max_tokens: 100, description: "try it out"}
          - {name: pro, rpm: 600, tpm: 200000, weight: 4}
        """);
    admin = new AdminHttp(gw, TestGateway.MASTER_KEY);
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
  }

  static ChatCompletionCreateParams hello(String model) {
    return ChatCompletionCreateParams.builder().model(model).addUserMessage("hi").maxCompletionTokens(20).build();
  }

  static String team(String name, String limits) throws Exception {
    AdminHttp.Reply t = admin.post("/admin/teams", "{\"name\":\"" + name + "\",\"limits\":" + limits + "}");
    assertThat(t.status()).as(t.body()).isEqualTo(201);
    return t.id();
  }

  @Test
  void aTeamOnAPlanIsLimitedOverAllItsKeysAndTheErrorNamesTeamAndPlan() throws Exception {
    String teamId = team("acme", "{\"plan\":\"free\"}");
    OpenAIClient a = gw.sdk(admin.createKey("{\"name\":\"a\",\"team\":\"acme\"}").secret());
    OpenAIClient b = gw.sdk(admin.createKey("{\"name\":\"b\",\"team\":\"acme\"}").secret());
    HttpResponseFor<ChatCompletion> first = a.chat().completions().withRawResponse().create(hello("gpt-4o-mini"));
    assertThat(first.headers().values("x-ratelimit-limit-requests")).containsExactly("3");
    assertThat(first.headers().values("x-ratelimit-remaining-requests")).containsExactly("2");
    b.chat().completions().create(hello("gpt-4o-mini"));
    a.chat().completions().create(hello("gpt-4o-mini"));
    // the fourth request of the team, whichever key sends it
    assertThatThrownBy(() -> b.chat().completions().create(hello("gpt-4o-mini")))
        .isInstanceOfSatisfying(RateLimitException.class, e -> {
          assertThat(e.code()).hasValue("rate_limit_exceeded");
          assertThat(e.getMessage()).contains("team 'acme' (plan 'free')").contains("3 requests per minute (RPM)");
          assertThat(e.headers().values("x-wanapis-limit")).containsExactly("team:" + teamId + ":rpm");
          assertThat(Integer.parseInt(e.headers().values("retry-after").get(0))).isBetween(1, 21);
          assertThat(e.headers().values("x-ratelimit-remaining-requests")).containsExactly("0");
        });
    // another team is not affected
    team("other", "{\"plan\":\"free\"}");
    OpenAIClient c = gw.sdk(admin.createKey("{\"name\":\"c\",\"team\":\"other\"}").secret());
    c.chat().completions().create(hello("gpt-4o-mini"));
  }

  @Test
  void aProjectLimitCountsItsKeysTogether() throws Exception {
    team("proj-team", "null");
    AdminHttp.Reply p = admin.post("/admin/projects", "{\"name\":\"indexer\",\"team\":\"proj-team\",\"limits\":{\"rpm\":2}}");
    assertThat(p.status()).as(p.body()).isEqualTo(201);
    OpenAIClient k1 = gw.sdk(admin.createKey("{\"name\":\"p1\",\"team\":\"proj-team\",\"project\":\"indexer\"}").secret());
    OpenAIClient k2 = gw.sdk(admin.createKey("{\"name\":\"p2\",\"team\":\"proj-team\",\"project\":\"indexer\"}").secret());
    OpenAIClient outside = gw.sdk(admin.createKey("{\"name\":\"p3\",\"team\":\"proj-team\"}").secret());
    k1.chat().completions().create(hello("gpt-4o-mini"));
    k2.chat().completions().create(hello("gpt-4o-mini"));
    assertThatThrownBy(() -> k1.chat().completions().create(hello("gpt-4o-mini")))
        .isInstanceOfSatisfying(RateLimitException.class, e -> assertThat(e.headers().values("x-wanapis-limit"))
            .containsExactly("project:" + p.id() + ":rpm"));
    outside.chat().completions().create(hello("gpt-4o-mini")); // same team, not in the project
  }

  @Test
  void perModelLimitsInsideAKeyLeaveItsOtherModelsAlone() throws Exception {
    AdminHttp.Reply k = admin.createKey("{\"name\":\"per-model\",\"limits\":{\"rpm\":100,\"models\":{\"gpt-4o\":{\"rpm\":2}}}}");
    OpenAIClient client = gw.sdk(k.secret());
    HttpResponseFor<ChatCompletion> r = client.chat().completions().withRawResponse().create(hello("gpt-4o"));
    // the headers show the limit closest to running out: the model's
    assertThat(r.headers().values("x-ratelimit-limit-requests")).containsExactly("2");
    client.chat().completions().create(hello("gpt-4o"));
    assertThatThrownBy(() -> client.chat().completions().create(hello("gpt-4o")))
        .isInstanceOfSatisfying(RateLimitException.class, e -> {
          assertThat(e.getMessage()).contains("model 'gpt-4o'").contains("2 requests per minute");
          assertThat(e.headers().values("x-wanapis-limit")).containsExactly("model:" + k.id() + "/gpt-4o:rpm");
        });
    for (int i = 0; i < 3; i++) client.chat().completions().create(hello("gpt-4o-mini"));
    // tokens per minute on one model of a key: reserved like any TPM, headers show it
    AdminHttp.Reply t = admin.createKey("{\"name\":\"per-model-tpm\",\"limits\":{\"models\":{\"gpt-4*\":{\"tpm\":300}}}}");
    OpenAIClient tc = gw.sdk(t.secret());
    HttpResponseFor<ChatCompletion> ok = tc.chat().completions().withRawResponse().create(hello("gpt-4o"));
    assertThat(ok.headers().values("x-ratelimit-limit-tokens")).containsExactly("300");
    assertThatThrownBy(() -> tc.chat().completions().create(
        ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("hi").maxCompletionTokens(400).build()))
        .isInstanceOfSatisfying(RateLimitException.class, e -> {
          assertThat(e.getMessage()).contains("Request too large").contains("model 'gpt-4*'").contains("300 tokens per minute");
          assertThat(e.headers().values("x-wanapis-limit")).containsExactly("model:" + t.id() + "/gpt-4*:too_large");
        });
  }

  @Test
  void dailyLimitsRefuseUntilMidnightUtc() throws Exception {
    OpenAIClient client = gw.sdk(admin.createKey("{\"name\":\"daily\",\"limits\":{\"rpd\":2}}").secret());
    client.chat().completions().create(hello("gpt-4o-mini"));
    client.chat().completions().create(hello("gpt-4o-mini"));
    long untilMidnight = LocalQuotaCounters.untilNextUtcDay(System.currentTimeMillis()) / 1_000_000_000L;
    assertThatThrownBy(() -> client.chat().completions().create(hello("gpt-4o-mini")))
        .isInstanceOfSatisfying(RateLimitException.class, e -> {
          assertThat(e.getMessage()).contains("2 requests per day (RPD, resets at 00:00 UTC)");
          long retry = Long.parseLong(e.headers().values("retry-after").get(0));
          assertThat(retry).isBetween(untilMidnight - 5, untilMidnight + 5);
        });
    // tokens per day: a request whose reservation alone exceeds the day's limit is too large
    OpenAIClient tpd = gw.sdk(admin.createKey("{\"name\":\"tpd\",\"limits\":{\"tpd\":500}}").secret());
    tpd.chat().completions().create(hello("gpt-4o-mini"));
    assertThatThrownBy(() -> tpd.chat().completions().create(
        ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("hi").maxCompletionTokens(1000).build()))
        .isInstanceOfSatisfying(RateLimitException.class, e -> {
          assertThat(e.getMessage()).contains("Request too large").contains("500 tokens per day (TPD)");
          assertThat(e.headers().values("retry-after")).isEmpty();
        });
  }

  @Test
  void aConcurrencyLimitRefusesTheRequestBeyondItAndFreesThePlaceAfterwards() throws Exception {
    AdminHttp.Reply k = admin.createKey("{\"name\":\"conc\",\"limits\":{\"max_concurrent\":2}}");
    OpenAIClient client = gw.sdk(k.secret());
    RequestOptions slow = RequestOptions.builder().build();
    List<CompletableFuture<ChatCompletion>> inFlight = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      inFlight.add(client.async().chat().completions().create(hello("gpt-4o-mini").toBuilder()
          .putAdditionalHeader("x-sim-fault", "latency_ms=1500").build(), slow));
    }
    Thread.sleep(400); // both are at the (slow) upstream now
    assertThatThrownBy(() -> client.chat().completions().create(hello("gpt-4o-mini")))
        .isInstanceOfSatisfying(RateLimitException.class, e -> {
          assertThat(e.getMessage()).contains("2 concurrent requests (max_concurrent)");
          assertThat(e.headers().values("x-wanapis-limit")).containsExactly("key:" + k.id() + ":concurrency");
          assertThat(e.headers().values("retry-after")).containsExactly("1");
        });
    for (CompletableFuture<ChatCompletion> f : inFlight) assertThat(f.get().choices()).isNotEmpty();
    // places are given back when requests end (streams included): two more at once work
    client.chat().completions().create(hello("gpt-4o-mini"));
    try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(hello("gpt-4o-mini"))) {
      s.stream().count();
    }
    // the place is given back when the gateway has finished the answer, which may be a moment after
    // the client has read its last byte: wait a little, but it must come back
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(2)).untilAsserted(() ->
        assertThat(((LocalQuotaCounters) gw.gateway.runtime().quotaCounters()).inside("key:" + k.id() + ":conc")).isZero());
  }

  @Test
  void maxTokensOverThePlansCapIsRefusedNamingIt() throws Exception {
    OpenAIClient client = gw.sdk(admin.createKey("{\"name\":\"capped\",\"limits\":{\"plan\":\"free\"}}").secret());
    assertThatThrownBy(() -> client.chat().completions().create(
        ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("hi").maxCompletionTokens(500).build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> {
          assertThat(e.code()).hasValue("max_tokens_over_cap");
          assertThat(e.param()).hasValue("max_tokens");
          assertThat(e.getMessage()).contains("500").contains("100").contains("plan 'free'");
        });
    client.chat().completions().create(hello("gpt-4o-mini")); // 20 <= 100
  }

  @Test
  void aPlanChangedAtRunTimeAppliesWithinASecond() throws Exception {
    AdminHttp.Reply created = admin.send("PUT", "/admin/plans/starter", "{\"rpm\":2,\"description\":\"small\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().path("source").asText()).isEqualTo("admin");
    OpenAIClient client = gw.sdk(admin.createKey("{\"name\":\"starter-key\",\"limits\":{\"plan\":\"starter\"}}").secret());
    client.chat().completions().create(hello("gpt-4o-mini"));
    client.chat().completions().create(hello("gpt-4o-mini"));
    assertThatThrownBy(() -> client.chat().completions().create(hello("gpt-4o-mini"))).isInstanceOf(RateLimitException.class);
    long t0 = System.nanoTime();
    AdminHttp.Reply raised = admin.send("PUT", "/admin/plans/starter", "{\"rpm\":1000}");
    assertThat(raised.status()).isEqualTo(200);
    HttpResponseFor<ChatCompletion> r = client.chat().completions().withRawResponse().create(hello("gpt-4o-mini"));
    assertThat(System.nanoTime() - t0).isLessThan(Duration.ofSeconds(1).toNanos());
    assertThat(r.headers().values("x-ratelimit-limit-requests")).containsExactly("1000");
    // unknown plans are refused by name, and a plan in use cannot be deleted
    AdminHttp.Reply bad = admin.post("/admin/keys", "{\"name\":\"x\",\"limits\":{\"plan\":\"platinum\"}}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body()).contains("Plan 'platinum' does not exist");
    AdminHttp.Reply del = admin.send("DELETE", "/admin/plans/starter", null);
    assertThat(del.status()).isEqualTo(409);
    assertThat(del.body()).contains("still assigned");
    AdminHttp.Reply list = admin.get("/admin/plans");
    assertThat(list.body()).contains("\"name\":\"free\"").contains("\"source\":\"config\"").contains("\"name\":\"starter\"");
  }

  @Test
  void teamTokensPerMinuteAreReservedThenSettledFromTheStreamsRealUsage() throws Exception {
    team("tokens-team", "{\"tpm\":100000}");
    OpenAIClient client = gw.sdk(admin.createKey("{\"name\":\"tk\",\"team\":\"tokens-team\"}").secret());
    ChatCompletionCreateParams big = ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("count me")
        .maxCompletionTokens(30_000)
        .streamOptions(com.openai.models.chat.completions.ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
    long total;
    try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(big)) {
      total = s.stream().filter(c -> c.usage().isPresent()).mapToLong(c -> c.usage().get().totalTokens()).sum();
    }
    assertThat(total).isPositive();
    // reserved ~30,000 before the call; settled to the real (small) usage after it: the next
    // answer shows nearly the whole limit left, not 70,000
    HttpResponseFor<ChatCompletion> next = client.chat().completions().withRawResponse().create(hello("gpt-4o-mini"));
    long remaining = Long.parseLong(next.headers().values("x-ratelimit-remaining-tokens").get(0));
    assertThat(next.headers().values("x-ratelimit-limit-tokens")).containsExactly("100000");
    assertThat(remaining).isGreaterThan(100_000 - 30_000 + 20_000);
  }

  @Test
  void theSdkRetriesATeam429AfterRetryAfterAndSucceeds() throws Exception {
    // 6 RPM for the team: a refill every 10 s, within the SDK's 60 s retry-after ceiling
    team("retry-team", "{\"rpm\":6}");
    String key = admin.createKey("{\"name\":\"rt\",\"team\":\"retry-team\"}").secret();
    OpenAIClient noRetry = gw.sdk(key);
    for (int i = 0; i < 6; i++) noRetry.chat().completions().create(hello("gpt-4o-mini"));
    assertThatThrownBy(() -> noRetry.chat().completions().create(hello("gpt-4o-mini"))).isInstanceOf(RateLimitException.class);
    OpenAIClient retrying = OpenAIOkHttpClient.builder().apiKey(key).baseUrl(gw.baseUrl()).maxRetries(3)
        .timeout(Duration.ofSeconds(40)).build();
    AtomicInteger ok = new AtomicInteger();
    ChatCompletion c = retrying.chat().completions().create(hello("gpt-4o-mini"));
    if (!c.choices().isEmpty()) ok.incrementAndGet();
    assertThat(ok.get()).isEqualTo(1);
  }

  @Test
  void theAnthropicSurfaceAnswersA429InAnthropicsShape() throws Exception {
    String key = admin.createKey("{\"name\":\"anthropic-rpm\",\"limits\":{\"rpm\":1}}").secret();
    com.anthropic.client.AnthropicClient client = com.anthropic.client.okhttp.AnthropicOkHttpClient.builder().apiKey(key)
        .baseUrl("http://127.0.0.1:" + gw.gateway.port()).maxRetries(0).build();
    var params = com.anthropic.models.messages.MessageCreateParams.builder().model("gpt-4o-mini").maxTokens(50).addUserMessage("hi").build();
    client.messages().create(params);
    assertThatThrownBy(() -> client.messages().create(params))
        .isInstanceOfSatisfying(com.anthropic.errors.RateLimitException.class, e -> {
          assertThat(e.getMessage()).contains("1 requests per minute (RPM)");
          assertThat(e.headers().values("retry-after")).isNotEmpty();
          assertThat(e.headers().values("x-wanapis-limit")).hasSize(1);
        });
  }

  @Test
  void badPlansAndLimitsAreRefusedNamingTheFieldAndChangeNothing() throws Exception {
    AdminHttp.Reply unknownField = admin.send("PUT", "/admin/plans/broken", "{\"rpmm\":10}");
    assertThat(unknownField.status()).isEqualTo(400);
    assertThat(unknownField.body()).contains("'rpmm' is not a plan field");
    AdminHttp.Reply badBurst = admin.send("PUT", "/admin/plans/broken", "{\"rpm\":10,\"burst\":0.5}");
    assertThat(badBurst.status()).isEqualTo(400);
    assertThat(badBurst.body()).contains("'burst' must be a number, 1 or more");
    AdminHttp.Reply badName = admin.send("PUT", "/admin/plans/-x", "{\"rpm\":10}");
    assertThat(badName.status()).isEqualTo(400);
    assertThat(admin.get("/admin/plans/broken").status()).isEqualTo(404); // nothing was stored
    AdminHttp.Reply negative = admin.post("/admin/keys", "{\"name\":\"neg\",\"limits\":{\"rpm\":-1}}");
    assertThat(negative.status()).isEqualTo(400);
    assertThat(negative.body()).contains("'limits.rpm' must be a whole number, 0 or more");
    AdminHttp.Reply badModel = admin.post("/admin/keys", "{\"name\":\"bm\",\"limits\":{\"models\":{\"gpt-4o\":{\"max_tokens\":5}}}}");
    assertThat(badModel.status()).isEqualTo(400);
    assertThat(badModel.body()).contains("'limits.models.gpt-4o.max_tokens' is not a per-model limit");
    team("bad-input-team", "null");
    AdminHttp.Reply teamModels = admin.send("PATCH", "/admin/teams/bad-input-team", "{\"limits\":{\"models\":{\"gpt-4o\":{\"rpm\":1}}}}");
    assertThat(teamModels.status()).isEqualTo(400);
    assertThat(teamModels.body()).contains("can be set on keys only");
    AdminHttp.Reply teamBudget = admin.send("PATCH", "/admin/teams/bad-input-team", "{\"limits\":{\"max_budget\":5}}");
    assertThat(teamBudget.status()).isEqualTo(400);
    assertThat(teamBudget.body()).contains("/admin/budgets");
    AdminHttp.Reply otherField = admin.send("PATCH", "/admin/teams/bad-input-team", "{\"name\":\"renamed\"}");
    assertThat(otherField.status()).isEqualTo(400);
    assertThat(admin.get("/admin/teams/bad-input-team").json().path("limits").path("plan").isNull()).isTrue();
    // a team admin key cannot change limits
    String teamAdmin = admin.createKey("{\"name\":\"ta\",\"team\":\"bad-input-team\",\"role\":\"team_admin\"}").secret();
    AdminHttp.Reply denied = new AdminHttp(gw, teamAdmin).send("PATCH", "/admin/teams/bad-input-team", "{\"limits\":{\"rpm\":1000}}");
    assertThat(denied.status()).isEqualTo(403);
  }
}
