package io.wanapis.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.wanapis.Gateway;
import io.wanapis.config.ConfigLoader;
import io.wanapis.config.Settings;
import io.wanapis.config.SettingsResolver;
import io.wanapis.gateway.TestGateway;
import io.wanapis.simulator.SimulatorOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two gateways sharing one real redis-server: an answer cached by one is a hit on the other
 * (stream and non-stream, the same bytes), with the model's TTL on the Redis entry; with Redis
 * stopped or hung, requests are still answered (a miss), never a 5xx, never a hang.
 */
class RedisResponseCacheTest {
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  static Gateway start(String redisUrl) throws Exception {
    String yaml = """
        access_log: {path: "off"}
        redis: {url: "%s", timeout_ms: 200}
        providers: [{name: sim, type: simulator}]
        models:
          - name: cached
            cache: {ttl_seconds: 60, scope: shared}
            deployments: [{provider: sim, model: cached-model}]
        """.formatted(redisUrl);
    var cfg = new ConfigLoader(Map.<String, String>of()::get).parse(yaml, "test.yaml");
    String data = Files.createTempDirectory("wanapis-redis-cache").toString();
    Settings s = new SettingsResolver(Map.of("WANAPIS_DATA_DIR", data)::get).resolve(cfg, "test.yaml", 0, "127.0.0.1");
    Gateway g = new Gateway(s, TestGateway.MASTER_KEY, SimulatorOptions.fast(), List.of());
    g.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return g;
  }

  HttpResponse<byte[]> chat(Gateway g, String text, boolean stream) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + "/v1/chat/completions"))
        .header("authorization", "Bearer " + TestGateway.MASTER_KEY).header("content-type", "application/json")
        .timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"cached\",\"stream\":" + stream
            + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}")).build();
    return http.send(r, HttpResponse.BodyHandlers.ofByteArray());
  }

  static boolean hit(HttpResponse<?> r) {
    return r.headers().firstValue("x-wanapis-cache").map("hit"::equals).orElse(false);
  }

  String metrics(Gateway g) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + "/metrics"))
        .header("authorization", "Bearer " + TestGateway.MASTER_KEY).build();
    return http.send(r, HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void anAnswerCachedByOneInstanceIsAHitOnTheOther() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start("cache")) {
      Gateway a = start(redis.url());
      Gateway b = start(redis.url());
      try {
        await().atMost(Duration.ofSeconds(5)).until(() -> a.sharedRedis().up() && b.sharedRedis().up());
        int entries = 0;
        for (boolean stream : new boolean[] {false, true}) {
          HttpResponse<byte[]> first = chat(a, "shared cache " + stream, stream);
          assertThat(first.statusCode()).isEqualTo(200);
          assertThat(hit(first)).isFalse();
          // the write to Redis is fire and forget, right after the answer: wait until it is there
          // (asking B earlier would be a miss, and B would store its own answer)
          int expected = ++entries;
          long t0 = System.nanoTime();
          await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(2)).until(() -> a.sharedRedis()
              .send(Request.cmd(Command.KEYS).arg("wanapis:cache:*")).await(5, TimeUnit.SECONDS).size() == expected);
          long storedMs = (System.nanoTime() - t0) / 1_000_000;
          long t1 = System.nanoTime();
          HttpResponse<byte[]> other = chat(b, "shared cache " + stream, stream);
          double redisHitMs = (System.nanoTime() - t1) / 1e6;
          assertThat(other.statusCode()).isEqualTo(200);
          assertThat(hit(other)).isTrue();
          assertThat(other.body()).isEqualTo(first.body());
          assertThat(other.headers().firstValue("content-type").orElse("")).startsWith(stream ? "text/event-stream" : "application/json");
          assertThat(other.headers().firstValue("x-wanapis-model")).hasValue("cached");
          // now in B's memory too: a local hit
          long t2 = System.nanoTime();
          assertThat(hit(chat(b, "shared cache " + stream, stream))).isTrue();
          System.out.printf("stream=%s: in Redis %d ms after the answer; hit from Redis on the other instance %.1f ms, then a local hit %.1f ms%n",
              stream, storedMs, redisHitMs, (System.nanoTime() - t2) / 1e6);
        }
        // the entry lives in Redis with the model's TTL
        var keys = a.sharedRedis().send(Request.cmd(Command.KEYS).arg("wanapis:cache:*")).await(5, TimeUnit.SECONDS);
        assertThat(keys.size()).isEqualTo(2);
        long pttl = a.sharedRedis().send(Request.cmd(Command.PTTL).arg(keys.get(0).toString())).await(5, TimeUnit.SECONDS).toLong();
        assertThat(pttl).isBetween(50_000L, 60_000L);
        // a different request is a miss on both
        assertThat(hit(chat(b, "something else", false))).isFalse();
        assertThat(metrics(b)).contains("wanapis_redis_cache_lookups_total{result=\"hit\"}");

        // Redis stopped: still answered (a miss unless in local memory), no 5xx
        redis.stop();
        await().atMost(Duration.ofSeconds(3)).until(() -> !a.sharedRedis().up() && !b.sharedRedis().up());
        HttpResponse<byte[]> down = chat(b, "while redis is down", false);
        assertThat(down.statusCode()).isEqualTo(200);
        assertThat(hit(down)).isFalse();
        assertThat(hit(chat(b, "shared cache false", false))).isTrue(); // B's own memory still answers
        assertThat(chat(a, "while redis is down", true).statusCode()).isEqualTo(200);
        assertThat(metrics(b)).containsPattern("wanapis_redis_cache_lookups_total\\{result=\"fallback\"} [1-9]");

        // Redis hung (SIGSTOP): the lookup gives up after timeout_ms, the request is answered
        redis.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> a.sharedRedis().up() && b.sharedRedis().up());
        redis.pause(true);
        try {
          long t2 = System.nanoTime();
          HttpResponse<byte[]> hung = chat(a, "while redis hangs", false);
          long ms = (System.nanoTime() - t2) / 1_000_000;
          System.out.printf("answered with Redis hung after %d ms (timeout_ms 200)%n", ms);
          assertThat(hung.statusCode()).isEqualTo(200);
          assertThat(ms).isLessThan(2_000);
          assertThat(chat(b, "while redis hangs 2", true).statusCode()).isEqualTo(200);
        } finally {
          redis.pause(false);
        }
      } finally {
        a.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        b.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void valuesRoundTripWithTheirRemainingTtl() {
    var u = new io.wanapis.usage.Usage(12, 34, 5, 6, 7, true);
    var a = new io.wanapis.cache.CachedAnswer("data: {}\n\n".getBytes(), true, u, "m", "sim/x", 60_000_000_000L);
    byte[] v = RedisResponseCache.encode(a, 1_000_000 + 60_000);
    var back = RedisResponseCache.decode(v, 1_000_000 + 20_000);
    assertThat(back.body()).isEqualTo(a.body());
    assertThat(back.stream()).isTrue();
    assertThat(back.usage()).isEqualTo(u);
    assertThat(back.routedModel()).isEqualTo("m");
    assertThat(back.deployment()).isEqualTo("sim/x");
    assertThat(back.ttlNanos()).isEqualTo(40_000_000_000L);
    assertThat(RedisResponseCache.decode(v, 1_000_000 + 60_000)).isNull(); // expired
    assertThat(RedisResponseCache.decode("not ours".getBytes(), 0)).isNull();
    var noUsage = RedisResponseCache.decode(RedisResponseCache.encode(new io.wanapis.cache.CachedAnswer(new byte[0], false, null, null, "d", 1), 10), 0);
    assertThat(noUsage.usage()).isNull();
    assertThat(noUsage.routedModel()).isNull();
  }
}
