package io.wanapis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.wanapis.Gateway;
import io.wanapis.config.ConfigLoader;
import io.wanapis.config.Settings;
import io.wanapis.config.SettingsResolver;
import io.wanapis.keys.InProcessKeyChanges;
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
 * Two gateways over one PostgreSQL, joined by a change channel (in-process here; Redis pub/sub in
 * production): a key created or revoked on one is known or refused on the other within a second.
 */
class KeyChangesTest {
  final HttpClient http = HttpClient.newHttpClient();

  Gateway start(String dbUrl, InProcessKeyChanges changes) throws Exception {
    String yaml = """
        access_log: {path: "off"}
        database_url: "%s"
        providers: [{name: sim, type: simulator}]
        models: [{name: gpt-4o-mini, deployments: [{provider: sim}]}]
        """.formatted(dbUrl);
    var cfg = new ConfigLoader(Map.<String, String>of()::get).parse(yaml, "test.yaml");
    String data = Files.createTempDirectory("wanapis-changes").toString();
    Settings s = new SettingsResolver(Map.of("WANAPIS_DATA_DIR", data)::get).resolve(cfg, "test.yaml", 0, "127.0.0.1");
    Gateway g = new Gateway(s, TestGateway.MASTER_KEY, SimulatorOptions.fast(), List.of()).withKeyChanges(changes);
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

  @Test
  void changesOnOneInstanceReachTheOtherWithinASecond() throws Exception {
    String db = EmbeddedPostgres.newDatabase();
    InProcessKeyChanges channel = new InProcessKeyChanges();
    Gateway a = start(db, channel);
    Gateway b = start(db, channel);
    try {
      var created = io.wanapis.json.Json.MAPPER.readTree(admin(a, "/admin/keys", "{\"name\":\"shared\"}"));
      String secret = created.path("key").asText();
      String id = created.path("id").asText();
      assertThat(chat(a, secret)).isEqualTo(200);
      await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).until(() -> chat(b, secret) == 200);

      admin(a, "/admin/keys/" + id + "/revoke", "{}");
      assertThat(chat(a, secret)).isEqualTo(401);
      await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).until(() -> chat(b, secret) == 401);
    } finally {
      a.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      b.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
