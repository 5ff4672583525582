package io.wanapis.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import io.wanapis.gateway.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A/B splits, the auto model and the response cache, through the running gateway. */
class RoutingFeaturesTest {
  static TestGateway gw;
  static OpenAIClient client;

  @BeforeAll
  static void start() throws Exception {
    gw = TestGateway.start("""
        access_log: {path: "off"}
        providers:
          - {name: sim, type: simulator, forward_headers: ["x-sim-*"]}
        models:
          - name: ab
            sticky: user
            split: [{model: variant-a, weight: 70}, {model: variant-b, weight: 30}]
          - {name: variant-a, deployments: [{provider: sim, model: a-model}]}
          - {name: variant-b, deployments: [{provider: sim, model: b-model}]}
          - name: auto
            auto: {small: [mini, vision-mini], large: [big], large_prompt_tokens: 50}
          - {name: mini, capabilities: [tools], context_window: 16000, input_cost_per_mtok: 0.1, output_cost_per_mtok: 0.4, deployments: [{provider: sim, model: mini-model}]}
          - {name: vision-mini, capabilities: [tools, vision], context_window: 128000, input_cost_per_mtok: 0.5, output_cost_per_mtok: 1.5, deployments: [{provider: sim, model: vision-model}]}
          - {name: big, capabilities: [tools, vision, json_schema, reasoning], context_window: 1000000, input_cost_per_mtok: 3, output_cost_per_mtok: 15, deployments: [{provider: sim, model: big-model}]}
          - name: cached
            cache: {ttl_seconds: 60, scope: key}
            deployments: [{provider: sim, model: cached-model}]
        """);
    client = gw.sdk();
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
  }

  @Test
  void abSplitFollowsTheWeightsWithin3PercentOver10000RequestsAndIsSticky() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Semaphore inFlight = new Semaphore(32);
    List<CompletableFuture<String>> all = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      String body = "{\"model\":\"ab\",\"user\":\"user-" + i + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":1}";
      inFlight.acquire();
      all.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.gateway.port() + "/v1/chat/completions"))
              .header("authorization", "Bearer " + TestGateway.MASTER_KEY).header("content-type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
          .thenApply(r -> {
            inFlight.release();
            if (r.statusCode() != 200) return "error " + r.statusCode();
            return r.headers().firstValue("x-wanapis-variant").orElse("none");
          }));
    }
    Map<String, Integer> counts = new HashMap<>();
    for (CompletableFuture<String> f : all) counts.merge(f.get(), 1, Integer::sum);
    assertThat(counts.keySet()).containsExactlyInAnyOrder("variant-a", "variant-b");
    assertThat(counts.get("variant-a") / 10_000.0).isBetween(0.67, 0.73);
    assertThat(counts.get("variant-b") / 10_000.0).isBetween(0.27, 0.33);
    // sticky: the same user always lands on the same variant
    String first = null;
    for (int i = 0; i < 20; i++) {
      HttpResponseFor<ChatCompletion> r = client.chat().completions().withRawResponse().create(ChatCompletionCreateParams.builder()
          .model("ab").user("alice").addUserMessage("hi").build());
      String v = r.headers().values("x-wanapis-variant").get(0);
      if (first == null) first = v;
      assertThat(v).isEqualTo(first);
    }
    assertThat(gw.records).anySatisfy(r -> assertThat(r.variant()).isEqualTo("variant-b"));
  }

  private static String autoPick(ChatCompletionCreateParams params) {
    return client.chat().completions().withRawResponse().create(params).headers().values("x-wanapis-variant").get(0);
  }

  @Test
  void autoPicksTheCheapestModelThatMeetsTheRequestsNeeds() {
    assertThat(autoPick(ChatCompletionCreateParams.builder().model("auto").addUserMessage("hi").build())).isEqualTo("mini");
    ChatCompletionFunctionTool tool = ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("f").build()).build();
    assertThat(autoPick(ChatCompletionCreateParams.builder().model("auto").addUserMessage("hi").addTool(tool).build())).isEqualTo("mini");
    assertThat(autoPick(ChatCompletionCreateParams.builder().model("auto").addUserMessageOfArrayOfContentParts(List.of(
        ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text("what is it?").build()),
        ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder().imageUrl(
            ChatCompletionContentPartImage.ImageUrl.builder().url("data:image/png;base64,AAAA").build()).build()))).build()))
        .isEqualTo("vision-mini");
    String longPrompt = "Explain the history of computing in detail, covering every decade and its key inventions. ".repeat(5);
    assertThat(autoPick(ChatCompletionCreateParams.builder().model("auto").addUserMessage(longPrompt).build())).isEqualTo("big");
    assertThat(autoPick(ChatCompletionCreateParams.builder().model("auto").addUserMessage("hi")
        .reasoningEffort(com.openai.models.ReasoningEffort.HIGH).build())).isEqualTo("big");
  }

  @Test
  void identicalRequestsAreAnsweredFromTheCacheStreamsIncluded() {
    long before = gw.gateway.simulator().stats().requests();
    ChatCompletionCreateParams p = ChatCompletionCreateParams.builder().model("cached").addUserMessage("cache me").temperature(0.2).build();
    HttpResponseFor<ChatCompletion> miss = client.chat().completions().withRawResponse().create(p);
    HttpResponseFor<ChatCompletion> hit = client.chat().completions().withRawResponse().create(p);
    assertThat(miss.headers().values("x-wanapis-cache")).isEmpty();
    assertThat(hit.headers().values("x-wanapis-cache")).containsExactly("hit");
    assertThat(hit.parse().id()).isEqualTo(miss.parse().id());
    assertThat(gw.gateway.simulator().stats().requests()).isEqualTo(before + 1);

    // any relevant field differs: a miss
    client.chat().completions().create(p.toBuilder().temperature(0.3).build());
    assertThat(gw.gateway.simulator().stats().requests()).isEqualTo(before + 2);
    // cache-control: no-cache bypasses
    HttpResponseFor<ChatCompletion> bypass = client.chat().completions().withRawResponse().create(p.toBuilder()
        .putAdditionalHeader("cache-control", "no-cache").build());
    assertThat(bypass.headers().values("x-wanapis-cache")).isEmpty();
    assertThat(gw.gateway.simulator().stats().requests()).isEqualTo(before + 3);

    // streams: the second identical stream is replayed from the cache
    ChatCompletionCreateParams s = ChatCompletionCreateParams.builder().model("cached").addUserMessage("stream me").build();
    String first = streamText(s);
    long afterFirst = gw.gateway.simulator().stats().requests();
    String second = streamText(s);
    assertThat(second).isEqualTo(first).isNotBlank();
    assertThat(gw.gateway.simulator().stats().requests()).isEqualTo(afterFirst);
    assertThat(gw.records).anySatisfy(r -> {
      assertThat(r.cacheHit()).isTrue();
      assertThat(r.stream()).isTrue();
      assertThat(r.usage().outputTokens()).isPositive();
    });
    // per-key scope: another key does not see this key's entries
    assertThat(gw.records.stream().filter(r -> r.cacheHit()).count()).isGreaterThanOrEqualTo(2);
  }

  private static String streamText(ChatCompletionCreateParams p) {
    StringBuilder sb = new StringBuilder();
    try (StreamResponse<ChatCompletionChunk> st = client.chat().completions().createStreaming(p)) {
      st.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(sb::append)));
    }
    return sb.toString();
  }

  @Test
  void virtualModelsAreListedAndUnknownTargetsRefused() {
    List<String> ids = new ArrayList<>();
    client.models().list().autoPager().forEach(m -> ids.add(m.id()));
    assertThat(ids).contains("ab", "auto", "mini");
    var cfg = io.wanapis.config.ConfigLoader.withSystemEnv().parse("""
        providers: [{name: sim, type: simulator}]
        models: [{name: x, fallbacks: [nope], deployments: [{provider: sim}]}]
        """, "t.yaml");
    assertThatThrownBy(() -> new io.wanapis.config.SettingsResolver(k -> null).resolve(cfg, "t.yaml", 0, null))
        .hasMessageContaining("refers to model 'nope'");
  }
}
