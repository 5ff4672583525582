package io.wanapis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Virtual keys seen through the official OpenAI SDK: permissions, revocation, expiry, rotation. */
class VirtualKeysSdkTest {
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
          - {name: gpt-4o, deployments: [{provider: sim}]}
          - {name: o3-mini, deployments: [{provider: sim}]}
          - {name: gpt-3.5-turbo-instruct, deployments: [{provider: sim}]}
          - {name: text-embedding-3-small, deployments: [{provider: sim}]}
          - {name: "sim/*", deployments: [{provider: sim, model: "*"}]}
        """);
    admin = new AdminHttp(gw, TestGateway.MASTER_KEY);
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
  }

  static ChatCompletion chat(String key, String model) {
    return gw.sdk(key).chat().completions().create(ChatCompletionCreateParams.builder().model(model).addUserMessage("hi").build());
  }

  static String key(String json) throws Exception {
    return admin.createKey(json).secret();
  }

  @Test
  void allowedModelsWorkAndOthersAre403NamingThePermission() throws Exception {
    String k = key("{\"name\":\"glob\",\"models\":[\"gpt-4o*\",\"sim/*\"],\"endpoints\":[\"chat\",\"models\"]}");
    assertThat(k).startsWith("sk-wan-");
    assertThat(chat(k, "gpt-4o-mini").choices()).isNotEmpty();
    assertThat(chat(k, "gpt-4o").choices()).isNotEmpty();
    assertThat(chat(k, "sim/anything").choices()).isNotEmpty();
    assertThatThrownBy(() -> chat(k, "o3-mini")).isInstanceOfSatisfying(PermissionDeniedException.class, e -> {
      assertThat(e.statusCode()).isEqualTo(403);
      assertThat(e.code()).hasValue("model_not_allowed");
      assertThat(e.getMessage()).contains("Missing permission: model 'o3-mini'").contains("gpt-4o*");
    });
    // not allowed and not configured: still 403, so the key learns nothing about other models
    assertThatThrownBy(() -> chat(k, "claude-nope")).isInstanceOf(PermissionDeniedException.class);
  }

  @Test
  void endpointsAreCheckedPerKey() throws Exception {
    String chatOnly = key("{\"name\":\"chat-only\",\"endpoints\":[\"chat\"]}");
    assertThat(chat(chatOnly, "gpt-4o-mini").choices()).isNotEmpty();
    OpenAIClient c = gw.sdk(chatOnly);
    assertThatThrownBy(() -> c.embeddings().create(EmbeddingCreateParams.builder().model("text-embedding-3-small").input("x").build()))
        .isInstanceOfSatisfying(PermissionDeniedException.class, e -> {
          assertThat(e.code()).hasValue("endpoint_not_allowed");
          assertThat(e.getMessage()).contains("Missing permission: endpoint 'embeddings'");
        });
    assertThatThrownBy(() -> c.completions().create(CompletionCreateParams.builder().model("gpt-3.5-turbo-instruct").prompt("x").build()))
        .isInstanceOfSatisfying(PermissionDeniedException.class, e -> assertThat(e.code()).hasValue("endpoint_not_allowed"));
    assertThatThrownBy(() -> c.models().list()).isInstanceOfSatisfying(PermissionDeniedException.class,
        e -> assertThat(e.getMessage()).contains("endpoint 'models'"));

    String embeddings = key("{\"name\":\"emb\",\"endpoints\":[\"embeddings\"],\"models\":[\"text-embedding-*\"]}");
    assertThat(gw.sdk(embeddings).embeddings().create(EmbeddingCreateParams.builder().model("text-embedding-3-small").input("x").build())
        .data()).hasSize(1);
  }

  @Test
  void modelsListShowsOnlyWhatTheKeyMayCall() throws Exception {
    String k = key("{\"name\":\"lister\",\"models\":[\"gpt-4o*\",\"o3-mini\"]}");
    List<String> ids = gw.sdk(k).models().list().autoPager().stream().map(Model::id).toList();
    assertThat(ids).containsExactlyInAnyOrder("gpt-4o-mini", "gpt-4o", "o3-mini");
    assertThat(gw.sdk(k).models().retrieve("o3-mini").id()).isEqualTo("o3-mini");
    assertThatThrownBy(() -> gw.sdk(k).models().retrieve("gpt-3.5-turbo-instruct")).isInstanceOf(PermissionDeniedException.class);
    // the master key still sees everything
    assertThat(gw.sdk().models().list().autoPager().stream().map(Model::id).toList()).contains("gpt-3.5-turbo-instruct", "text-embedding-3-small");
  }

  @Test
  void revokedKeyStopsAtOnce() throws Exception {
    AdminHttp.Reply created = admin.createKey("{\"name\":\"to-revoke\"}");
    assertThat(chat(created.secret(), "gpt-4o-mini").choices()).isNotEmpty();
    AdminHttp.Reply revoked = admin.post("/admin/keys/" + created.id() + "/revoke", "{}");
    assertThat(revoked.status()).isEqualTo(200);
    assertThat(revoked.json().path("status").asText()).isEqualTo("revoked");
    assertThatThrownBy(() -> chat(created.secret(), "gpt-4o-mini")).isInstanceOfSatisfying(UnauthorizedException.class,
        e -> assertThat(e.code()).hasValue("key_revoked"));
  }

  @Test
  void expiredKeyIsRefused() throws Exception {
    String soon = Instant.now().plusMillis(1500).toString();
    AdminHttp.Reply created = admin.createKey("{\"name\":\"short-lived\",\"expires_at\":\"" + soon + "\"}");
    assertThat(chat(created.secret(), "gpt-4o-mini").choices()).isNotEmpty();
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThatThrownBy(() -> chat(created.secret(), "gpt-4o-mini"))
        .isInstanceOfSatisfying(UnauthorizedException.class, e -> assertThat(e.code()).hasValue("key_expired")));
    assertThat(admin.get("/admin/keys/" + created.id()).json().path("status").asText()).isEqualTo("expired");

    // an operator can also expire a key by moving expires_at to the past
    AdminHttp.Reply other = admin.createKey("{\"name\":\"expire-me\"}");
    assertThat(admin.send("PATCH", "/admin/keys/" + other.id(), "{\"expires_at\":\"2020-01-01T00:00:00Z\"}").status()).isEqualTo(200);
    assertThatThrownBy(() -> chat(other.secret(), "gpt-4o-mini")).isInstanceOf(UnauthorizedException.class);
  }

  @Test
  void rotationKeepsTheOldSecretForTheGracePeriodOnly() throws Exception {
    AdminHttp.Reply created = admin.createKey("{\"name\":\"rotating\",\"models\":[\"gpt-4o-mini\"]}");
    String old = created.secret();
    AdminHttp.Reply rotated = admin.post("/admin/keys/" + created.id() + "/rotate", "{\"grace_seconds\":2}");
    assertThat(rotated.status()).isEqualTo(200);
    String fresh = rotated.secret();
    assertThat(fresh).startsWith("sk-wan-").isNotEqualTo(old);
    assertThat(rotated.id()).isEqualTo(created.id());
    // both work inside the grace period, with the same permissions
    assertThat(chat(fresh, "gpt-4o-mini").choices()).isNotEmpty();
    assertThat(chat(old, "gpt-4o-mini").choices()).isNotEmpty();
    assertThatThrownBy(() -> chat(fresh, "gpt-4o")).isInstanceOf(PermissionDeniedException.class);
    // after it, only the new one
    await().atMost(Duration.ofSeconds(6)).untilAsserted(() -> assertThatThrownBy(() -> chat(old, "gpt-4o-mini"))
        .isInstanceOfSatisfying(UnauthorizedException.class, e -> assertThat(e.code()).hasValue("key_rotated")));
    assertThat(chat(fresh, "gpt-4o-mini").choices()).isNotEmpty();

    // grace 0: the old secret stops at once
    String newer = admin.post("/admin/keys/" + created.id() + "/rotate", "{\"grace_seconds\":0}").secret();
    assertThatThrownBy(() -> chat(fresh, "gpt-4o-mini")).isInstanceOf(UnauthorizedException.class);
    assertThat(chat(newer, "gpt-4o-mini").choices()).isNotEmpty();
  }

  @Test
  void patchedPermissionsApplyImmediately() throws Exception {
    AdminHttp.Reply created = admin.createKey("{\"name\":\"patch\",\"models\":[\"gpt-4o-mini\"]}");
    assertThatThrownBy(() -> chat(created.secret(), "o3-mini")).isInstanceOf(PermissionDeniedException.class);
    AdminHttp.Reply patched = admin.send("PATCH", "/admin/keys/" + created.id(), "{\"models\":[\"gpt-4o-mini\",\"o3-mini\"]}");
    assertThat(patched.json().path("models")).hasSize(2);
    assertThat(chat(created.secret(), "o3-mini").choices()).isNotEmpty();
  }

  @Test
  void wrongAndMalformedKeysAre401() throws Exception {
    String wellFormedButUnknown = "sk-wan-" + "A".repeat(43);
    for (String bad : List.of(wellFormedButUnknown, "sk-wan-short", "sk-wan-" + "!".repeat(43), "not-a-key", "sk-test-master-01234567890")) {
      assertThatThrownBy(() -> chat(bad, "gpt-4o-mini")).as(bad).isInstanceOfSatisfying(UnauthorizedException.class,
          e -> assertThat(e.code()).hasValue("invalid_api_key"));
    }
    var none = gw.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
        "authorization", "Bearer ");
    assertThat(none.statusCode()).isEqualTo(401);
  }

  @Test
  void xApiKeyHeaderWorksAndUseIsRecordedOffThePath() throws Exception {
    AdminHttp.Reply created = admin.createKey("{\"name\":\"header\"}");
    var r = gw.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
        "x-api-key", created.secret());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(admin.get("/admin/keys/" + created.id()).json().path("last_used_at").isNull()).isTrue(); // not written per request
    gw.gateway.keys().flushLastUsed().toCompletionStage().toCompletableFuture().get();
    assertThat(admin.get("/admin/keys/" + created.id()).json().path("last_used_at").asText()).isNotEmpty().isNotEqualTo("null");
  }
}
