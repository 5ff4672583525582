package io.wanapis.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.wanapis.gateway.AdminHttp;
import io.wanapis.gateway.TestGateway;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Per-key RPM and TPM limits through the OpenAI SDK: headers, 429 with retry-after, the SDK's own retry, settlement. */
class RateLimitsTest {
  static TestGateway gw;
  static AdminHttp admin;

  @BeforeAll
  static void start() throws Exception {
    gw = TestGateway.start("""
        access_log: {path: "off"}
        providers:
          - {name: sim, type: simulator}
        models:
          - {name: gpt-4o-mini, deployments: [{provider: sim}]}
        """);
    admin = new AdminHttp(gw, TestGateway.MASTER_KEY);
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
  }

  static ChatCompletionCreateParams hello() {
    return ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("hi").maxCompletionTokens(50).build();
  }

  @Test
  void rpmLimitGivesOpenAiHeadersThen429WithRetryAfter() throws Exception {
    String key = admin.createKey("{\"name\":\"rpm3\",\"limits\":{\"rpm\":3}}").secret();
    OpenAIClient client = gw.sdk(key);
    HttpResponseFor<ChatCompletion> first = client.chat().completions().withRawResponse().create(hello());
    assertThat(first.headers().values("x-ratelimit-limit-requests")).containsExactly("3");
    assertThat(first.headers().values("x-ratelimit-remaining-requests")).containsExactly("2");
    assertThat(first.headers().values("x-ratelimit-reset-requests").get(0)).matches("\\d+(\\.\\d)?s|\\d+ms");
    client.chat().completions().create(hello());
    client.chat().completions().create(hello());
    assertThatThrownBy(() -> client.chat().completions().create(hello()))
        .isInstanceOfSatisfying(RateLimitException.class, e -> {
          assertThat(e.code()).hasValue("rate_limit_exceeded");
          assertThat(e.getMessage()).contains("3 requests per minute (RPM)");
          int retryAfter = Integer.parseInt(e.headers().values("retry-after").get(0));
          assertThat(retryAfter).isBetween(1, 20);
          assertThat(e.headers().values("x-ratelimit-remaining-requests")).containsExactly("0");
        });
  }

  @Test
  void theSdksBuiltInRetryHonoursRetryAfterAndSucceeds() throws Exception {
    // 6 RPM: one request refills every 10 s, so right after the bucket is empty a request is
    // refused for sure, and the SDK's own retry (it honours retry-after up to 60 s) then succeeds
    AdminHttp.Reply created = admin.createKey("{\"name\":\"rpm6\",\"limits\":{\"rpm\":6}}");
    String key = created.secret();
    OpenAIClient noRetry = gw.sdk(key);
    OpenAIClient retrying = OpenAIOkHttpClient.builder().apiKey(key).baseUrl(gw.baseUrl()).maxRetries(3)
        .timeout(Duration.ofSeconds(30)).build();
    for (int i = 0; i < 6; i++) noRetry.chat().completions().create(hello());
    assertThatThrownBy(() -> noRetry.chat().completions().create(hello())).isInstanceOf(RateLimitException.class);
    long refusedBefore = gw.records.stream().filter(r -> created.id().equals(r.keyId()) && r.status() == 429).count();
    long t0 = System.nanoTime();
    ChatCompletion c = retrying.chat().completions().create(hello());
    assertThat(c.choices()).isNotEmpty();
    // the SDK was refused once more, waited as told (up to 10 s), and then got its answer
    assertThat(gw.records.stream().filter(r -> created.id().equals(r.keyId()) && r.status() == 429).count())
        .isGreaterThan(refusedBefore);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(25));
  }

  @Test
  void tpmReservesAnEstimateAndSettlesWithRealStreamUsage() throws Exception {
    String key = admin.createKey("{\"name\":\"tpm\",\"limits\":{\"tpm\":5000}}").secret();
    OpenAIClient client = gw.sdk(key);
    // a stream: reserved = prompt estimate + max tokens (50); settled to the real usage from the stream
    try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(hello())) {
      s.stream().forEach(c -> { });
    }
    HttpResponseFor<ChatCompletion> next = client.chat().completions().withRawResponse().create(hello());
    long remaining = Long.parseLong(next.headers().values("x-ratelimit-remaining-tokens").get(0));
    long used = 5000 - remaining;
    // after settlement the first request counts its real tokens (~35), the second its reservation (< 120)
    assertThat(used).isBetween(40L, 200L);
    assertThat(next.headers().values("x-ratelimit-limit-tokens")).containsExactly("5000");
    // a request whose estimate alone is over the limit is refused as a TPM limit
    String tiny = admin.createKey("{\"name\":\"tpm-tiny\",\"limits\":{\"tpm\":10}}").secret();
    assertThatThrownBy(() -> gw.sdk(tiny).chat().completions().create(hello()))
        .isInstanceOfSatisfying(RateLimitException.class, e -> assertThat(e.getMessage()).contains("tokens per minute (TPM)")
            .contains("Request too large"));
  }

  @Test
  void aLimitChangedAtRunTimeAppliesAtOnce() throws Exception {
    AdminHttp.Reply created = admin.createKey("{\"name\":\"changing\",\"limits\":{\"rpm\":1}}");
    OpenAIClient client = gw.sdk(created.secret());
    client.chat().completions().create(hello());
    assertThatThrownBy(() -> client.chat().completions().create(hello())).isInstanceOf(RateLimitException.class);
    assertThat(admin.send("PATCH", "/admin/keys/" + created.id(), "{\"limits\":{\"rpm\":100}}").status()).isEqualTo(200);
    HttpResponseFor<ChatCompletion> r = client.chat().completions().withRawResponse().create(hello());
    assertThat(r.headers().values("x-ratelimit-limit-requests")).containsExactly("100");
  }

  @Test
  void durationsUseOpenAisFormat() {
    assertThat(RateLimitStatus.duration(20_000_000L)).isEqualTo("20ms");
    assertThat(RateLimitStatus.duration(1_500_000_000L)).isEqualTo("1.5s");
    assertThat(RateLimitStatus.duration(360_000_000_000L)).isEqualTo("6m0s");
  }
}
