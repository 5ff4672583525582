package io.wanapis.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.wanapis.Gateway;
import io.wanapis.config.ConfigLoader;
import io.wanapis.config.Settings;
import io.wanapis.config.SettingsResolver;
import io.wanapis.gateway.TestGateway;
import io.wanapis.simulator.SimulatorOptions;
import io.wanapis.store.EmbeddedPostgres;
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
 * Two gateways over one PostgreSQL and one real redis-server, configured only with the redis
 * url: a key created or revoked on one is known or refused on the other within a second, also
 * after a Redis restart; the link's state is on /metrics.
 */
class RedisKeyChangesTest {
  final HttpClient http = HttpClient.newHttpClient();

  Gateway start(String dbUrl, String redisUrl) throws Exception {
    String yaml = """
        access_log: {path: "off"}
        database_url: "%s"
        redis: {url: "%s"}
        providers: [{name: sim, type: simulator}]
        models: [{name: gpt-4o-mini, deployments: [{provider: sim}]}]
        """.formatted(dbUrl, redisUrl);
    var cfg = new ConfigLoader(Map.<String, String>of()::get).parse(yaml, "test.yaml");
    String data = Files.createTempDirectory("wanapis-redis-changes").toString();
    Settings s = new SettingsResolver(Map.of("WANAPIS_DATA_DIR", data)::get).resolve(cfg, "test.yaml", 0, "127.0.0.1");
    Gateway g = new Gateway(s, TestGateway.MASTER_KEY, SimulatorOptions.fast(), List.of());
    g.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return g;
  }

  int chat(Gateway g, String key) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + "/v1/chat/completions"))
        .header("authorization", "Bearer " + key).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")).build();
    return http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  String admin(Gateway g, String path, String body) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + path))
        .header("authorization", "Bearer " + TestGateway.MASTER_KEY).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return http.send(r, HttpResponse.BodyHandlers.ofString()).body();
  }

  String metrics(Gateway g) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + "/metrics"))
        .header("authorization", "Bearer " + TestGateway.MASTER_KEY).build();
    return http.send(r, HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void revokeOnOneInstanceIsRefusedOnTheOtherWithinASecond() throws Exception {
    String db = EmbeddedPostgres.newDatabase();
    try (RedisServerProcess redis = RedisServerProcess.start("keys")) {
      Gateway a = start(db, redis.url());
      Gateway b = start(db, redis.url());
      try {
        var created = io.wanapis.json.Json.MAPPER.readTree(admin(a, "/admin/keys", "{\"name\":\"shared\"}"));
        String secret = created.path("key").asText();
        String id = created.path("id").asText();
        assertThat(chat(a, secret)).isEqualTo(200);
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).until(() -> chat(b, secret) == 200);

        long t0 = System.nanoTime();
        admin(a, "/admin/keys/" + id + "/revoke", "{}");
        assertThat(chat(a, secret)).isEqualTo(401);
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10)).until(() -> chat(b, secret) == 401);
        System.out.printf("revoke seen on the other instance after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(metrics(b)).contains("wanapis_redis_up 1.0");

        // Redis restarted: the link comes back, and changes flow again
        redis.stop();
        await().atMost(Duration.ofSeconds(3)).until(() -> !a.sharedRedis().up() && !b.sharedRedis().up());
        assertThat(metrics(b)).contains("wanapis_redis_up 0.0");
        redis.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> a.sharedRedis().up() && b.sharedRedis().up());
        var second = io.wanapis.json.Json.MAPPER.readTree(admin(a, "/admin/keys", "{\"name\":\"after-restart\"}"));
        String s2 = second.path("key").asText();
        assertThat(chat(a, s2)).isEqualTo(200);
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10)).until(() -> chat(b, s2) == 200);
        admin(a, "/admin/keys/" + second.path("id").asText() + "/revoke", "{}");
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10)).until(() -> chat(b, s2) == 401);
      } finally {
        a.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        b.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }
}
