package io.wanapis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanapis.store.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

/** The database goes away while the gateway serves: known keys keep working, admin writes get a clear 503. */
class StoreDownTest {
  @Test
  void knownKeysKeepWorkingAndAdminWritesAre503() throws Exception {
    var pg = EmbeddedPostgres.privateServer();
    String url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres?user=postgres";
    try (TestGateway gw = TestGateway.start("""
        access_log: {path: "off"}
        database_url: "%s"
        providers: [{name: sim, type: simulator}]
        models: [{name: gpt-4o-mini, deployments: [{provider: sim}]}]
        """.formatted(url))) {
      AdminHttp admin = new AdminHttp(gw, TestGateway.MASTER_KEY);
      AdminHttp.Reply key = admin.createKey("{\"name\":\"survivor\",\"models\":[\"gpt-4o-mini\"]}");
      String chat = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";

      pg.close(); // the database is gone

      var r = gw.post("/v1/chat/completions", chat, "authorization", "Bearer " + key.secret());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(gw.sdk(key.secret()).chat().completions().create(com.openai.models.chat.completions.ChatCompletionCreateParams.builder()
          .model("gpt-4o-mini").addUserMessage("still there?").build()).choices()).isNotEmpty();

      AdminHttp.Reply create = admin.post("/admin/keys", "{\"name\":\"new\"}");
      assertThat(create.status()).isEqualTo(503);
      assertThat(create.errorCode()).isEqualTo("store_unavailable");
      assertThat(create.json().path("error").path("type").asText()).isEqualTo("server_error");
      assertThat(create.raw().headers().firstValue("retry-after")).isPresent();
      AdminHttp.Reply revoke = admin.post("/admin/keys/" + key.id() + "/revoke", "{}");
      assertThat(revoke.status()).isEqualTo(503);
      // the failed revoke changed nothing: the key still works
      assertThat(gw.post("/v1/chat/completions", chat, "authorization", "Bearer " + key.secret()).statusCode()).isEqualTo(200);
      assertThat(admin.send("PATCH", "/admin/keys/" + key.id(), "{\"models\":[]}").status()).isEqualTo(503);
      assertThat(gw.post("/v1/chat/completions", chat, "authorization", "Bearer " + key.secret()).statusCode()).isEqualTo(200);
      // unknown keys are still refused
      assertThat(gw.post("/v1/chat/completions", chat, "authorization", "Bearer sk-wan-" + "Z".repeat(43)).statusCode()).isEqualTo(401);
      // last-use bookkeeping fails quietly and keeps its batch
      gw.gateway.keys().flushLastUsed().toCompletionStage().toCompletableFuture().handle((v, e) -> null).get();
      assertThat(gw.gateway.keys().lastUsed().drain()).containsKey(key.id());
    }
  }
}
