package io.wanapis.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.wanapis.gateway.TestGateway;
import io.wanapis.simulator.RecordedRequest;
import io.wanapis.simulator.SimulatorOptions;
import io.wanapis.testing.StandaloneSimulators;
import io.wanapis.testing.StandaloneSimulators.Running;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Availability through upstream trouble, with faults injected into separate simulators. */
class FailoverTest {
  StandaloneSimulators sims = new StandaloneSimulators();
  TestGateway gw;

  @AfterEach
  void stop() throws Exception {
    if (gw != null) gw.close();
    sims.close();
  }

  static ChatCompletionCreateParams hello(String model) {
    return ChatCompletionCreateParams.builder().model(model).addUserMessage("hello").build();
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void oneOfThreeDeploymentsFailingHardAndAThousandRequestsAllSucceed() throws Exception {
    Running a = sims.start(SimulatorOptions.fast());
    Running b = sims.start(SimulatorOptions.fast());
    Running bad = sims.start(SimulatorOptions.fast().withDefaultFault("status=500"));
    gw = TestGateway.start("""
        access_log: {path: "off"}
        providers:
          - {name: a, type: openai-compatible, base_url: "%s"}
          - {name: b, type: openai-compatible, base_url: "%s"}
          - {name: bad, type: openai-compatible, base_url: "%s"}
        models:
          - name: m
            cooldown: {failures: 3, seconds: 60}
            deployments: [{provider: a, model: x}, {provider: b, model: x}, {provider: bad, model: x}]
        """.formatted(a.baseUrl(), b.baseUrl(), bad.baseUrl()));
    OpenAIClient client = gw.sdk();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    AtomicInteger ok = new AtomicInteger();
    List<Future<?>> fs = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      fs.add(pool.submit(() -> {
        ChatCompletion c = client.chat().completions().create(hello("m"));
        if (!c.choices().isEmpty()) ok.incrementAndGet();
      }));
    }
    for (Future<?> f : fs) f.get();
    pool.shutdown();
    assertThat(ok.get()).isEqualTo(1000);
    // the breaker opened after 3 failures: the bad deployment saw only a handful of requests
    assertThat(bad.simulator().stats().requests()).isBetween(3L, 8L);
    assertThat(a.simulator().stats().requests() + b.simulator().stats().requests()).isGreaterThanOrEqualTo(1000);
    await().atMost(Duration.ofSeconds(5)).until(() -> gw.records.size() >= 1000);
    assertThat(gw.records).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
  }

  @Test
  void aDeploymentThatSays429WithRetryAfterGetsNothingUntilThen() throws Exception {
    Running limited = sims.start(SimulatorOptions.fast().withDefaultFault("status=429,retry_after=2"));
    Running ok = sims.start(SimulatorOptions.fast());
    gw = TestGateway.start("""
        access_log: {path: "off"}
        providers:
          - {name: limited, type: openai-compatible, base_url: "%s"}
          - {name: ok, type: openai-compatible, base_url: "%s"}
        models:
          - name: m
            deployments: [{provider: limited, model: x}, {provider: ok, model: x}]
        """.formatted(limited.baseUrl(), ok.baseUrl()));
    OpenAIClient client = gw.sdk();
    long start = System.nanoTime();
    List<Long> hitsAt = new ArrayList<>();
    long seen = 0;
    while (System.nanoTime() - start < 3_500_000_000L) {
      client.chat().completions().create(hello("m")); // never fails: the other deployment answers
      long now = limited.simulator().stats().requests();
      if (now > seen) {
        hitsAt.add(System.nanoTime() - start);
        seen = now;
      }
      Thread.sleep(20);
    }
    assertThat(hitsAt).hasSizeBetween(2, 3);
    for (int i = 1; i < hitsAt.size(); i++) {
      assertThat(hitsAt.get(i) - hitsAt.get(i - 1)).as("gap between requests to the limited deployment")
          .isGreaterThanOrEqualTo(1_900_000_000L);
    }
  }

  @Test
  void cooldownThenAProbeBringsTheDeploymentBack() throws Exception {
    int port = freePort();
    Running other = sims.start(SimulatorOptions.fast());
    gw = TestGateway.start("""
        access_log: {path: "off"}
        providers:
          - {name: flaky, type: openai-compatible, base_url: "http://127.0.0.1:%d/v1"}
          - {name: other, type: openai-compatible, base_url: "%s"}
        models:
          - name: m
            cooldown: {failures: 2, seconds: 1}
            deployments: [{provider: flaky, model: x}, {provider: other, model: x}]
        """.formatted(port, other.baseUrl()));
    OpenAIClient client = gw.sdk();
    for (int i = 0; i < 6; i++) client.chat().completions().create(hello("m")); // flaky is down: all served by other
    var health = gw.records.stream().filter(r -> "flaky".equals(r.provider())).count();
    assertThat(health).isZero();
    Running flaky = sims.start(SimulatorOptions.fast(), port); // it comes back
    Thread.sleep(1_200); // the cooldown (1 s) is over: the next request may probe
    await().atMost(Duration.ofSeconds(5)).until(() -> {
      client.chat().completions().create(hello("m"));
      return flaky.simulator().stats().requests() >= 3; // probe succeeded, traffic returned
    });
  }

  @Test
  void aStreamThatFailsBeforeItsFirstByteIsRetriedTransparently() throws Exception {
    Running broken = sims.start(SimulatorOptions.fast().withDefaultFault("reset"));
    Running cut = sims.start(SimulatorOptions.fast().withDefaultFault("cut_after=0"));
    Running ok = sims.start(SimulatorOptions.fast());
    gw = TestGateway.start("""
        access_log: {path: "off"}
        providers:
          - {name: broken, type: openai-compatible, base_url: "%s"}
          - {name: cut, type: openai-compatible, base_url: "%s"}
          - {name: ok, type: openai-compatible, base_url: "%s"}
        models:
          - name: m
            deployments: [{provider: broken, model: x, weight: 10}, {provider: cut, model: x, weight: 5}, {provider: ok, model: x, weight: 1}]
        """.formatted(broken.baseUrl(), cut.baseUrl(), ok.baseUrl()));
    for (int i = 0; i < 5; i++) {
      StringBuilder text = new StringBuilder();
      try (StreamResponse<ChatCompletionChunk> s = gw.sdk().chat().completions().createStreaming(hello("m"))) {
        s.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
      }
      assertThat(text.toString()).contains("hello");
    }
    assertThat(gw.records).anySatisfy(r -> assertThat(r.attempts()).isGreaterThan(1));
  }

  @Test
  void fallbacksForErrorsContextWindowAndContentPolicy() throws Exception {
    int dead = freePort();
    Running small = sims.start(SimulatorOptions.fast().withDefaultFault("status=400,code=context_length_exceeded"));
    Running strict = sims.start(SimulatorOptions.fast().withDefaultFault("status=400,code=content_filter"));
    Running ok = sims.start(SimulatorOptions.fast());
    gw = TestGateway.start("""
        access_log: {path: "off"}
        providers:
          - {name: dead, type: openai-compatible, base_url: "http://127.0.0.1:%d/v1"}
          - {name: small, type: openai-compatible, base_url: "%s"}
          - {name: strict, type: openai-compatible, base_url: "%s"}
          - {name: ok, type: openai-compatible, base_url: "%s"}
        models:
          - {name: primary, fallbacks: [backup], deployments: [{provider: dead, model: x}]}
          - {name: short-context, context_window_fallbacks: [long-context], fallbacks: [backup], deployments: [{provider: small, model: x}]}
          - {name: picky, content_policy_fallbacks: [lenient], deployments: [{provider: strict, model: x}]}
          - {name: no-fallback, deployments: [{provider: small, model: x}]}
          - {name: backup, deployments: [{provider: ok, model: backup-model}]}
          - {name: long-context, deployments: [{provider: ok, model: long-model}]}
          - {name: lenient, deployments: [{provider: ok, model: lenient-model}]}
        """.formatted(dead, small.baseUrl(), strict.baseUrl(), ok.baseUrl()));
    OpenAIClient client = gw.sdk();
    HttpResponseFor<ChatCompletion> r1 = client.chat().completions().withRawResponse().create(hello("primary"));
    assertThat(r1.headers().values("x-wanapis-model")).containsExactly("backup");
    assertThat(r1.headers().values("x-wanapis-fallback")).containsExactly("error");
    assertThat(r1.parse().model()).isEqualTo("backup-model");

    HttpResponseFor<ChatCompletion> r2 = client.chat().completions().withRawResponse().create(hello("short-context"));
    assertThat(r2.headers().values("x-wanapis-model")).containsExactly("long-context");
    assertThat(r2.headers().values("x-wanapis-fallback")).containsExactly("context_window");

    HttpResponseFor<ChatCompletion> r3 = client.chat().completions().withRawResponse().create(hello("picky"));
    assertThat(r3.headers().values("x-wanapis-model")).containsExactly("lenient");
    assertThat(r3.headers().values("x-wanapis-fallback")).containsExactly("content_policy");

    // without a fallback the client sees the upstream's own error
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.chat().completions().create(hello("no-fallback")))
        .isInstanceOfSatisfying(com.openai.errors.BadRequestException.class,
            e -> assertThat(e.code()).hasValue("context_length_exceeded"));
    assertThat(gw.records).anySatisfy(r -> {
      assertThat(r.model()).isEqualTo("primary");
      assertThat(r.routedModel()).isEqualTo("backup");
    });
  }

  @Test
  void anOverloadedModelDegradesToACheaperOne() throws Exception {
    Running premium = sims.start(SimulatorOptions.fast().withDefaultFault("latency_ms=800"));
    Running cheap = sims.start(SimulatorOptions.fast());
    gw = TestGateway.start("""
        access_log: {path: "off"}
        providers:
          - {name: premium, type: openai-compatible, base_url: "%s"}
          - {name: cheap, type: openai-compatible, base_url: "%s"}
        models:
          - name: big
            degrade: {to: small, when: [overloaded]}
            deployments: [{provider: premium, model: x, max_concurrency: 1, max_queue: 0}]
          - {name: small, deployments: [{provider: cheap, model: y}]}
        """.formatted(premium.baseUrl(), cheap.baseUrl()));
    OpenAIClient client = gw.sdk();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    Future<HttpResponseFor<ChatCompletion>> slow = pool.submit(() -> client.chat().completions().withRawResponse().create(hello("big")));
    Thread.sleep(200); // the premium deployment's only slot is taken
    HttpResponseFor<ChatCompletion> degraded = client.chat().completions().withRawResponse().create(hello("big"));
    assertThat(degraded.headers().values("x-wanapis-degraded")).containsExactly("overloaded");
    assertThat(degraded.headers().values("x-wanapis-model")).containsExactly("small");
    assertThat(slow.get().headers().values("x-wanapis-model")).containsExactly("big");
    pool.shutdown();
  }

  @Test
  void perRequestTimeoutHeader() throws Exception {
    Running slow = sims.start(SimulatorOptions.fast().withDefaultFault("latency_ms=2000"));
    gw = TestGateway.start("""
        access_log: {path: "off"}
        providers: [{name: slow, type: openai-compatible, base_url: "%s"}]
        models: [{name: m, deployments: [{provider: slow, model: x}]}]
        """.formatted(slow.baseUrl()));
    long t0 = System.nanoTime();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> gw.sdk().chat().completions().create(ChatCompletionCreateParams.builder()
            .model("m").addUserMessage("hi").putAdditionalHeader("x-wanapis-timeout-ms", "300").build()))
        .isInstanceOfSatisfying(com.openai.errors.OpenAIServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(504));
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(1500));
    List<RecordedRequest> unused = slow.simulator().stats().recent();
    assertThat(unused).hasSize(1);
  }
}
