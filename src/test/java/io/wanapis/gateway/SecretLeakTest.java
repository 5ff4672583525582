package io.wanapis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.wanapis.keys.KeySecrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * After the answer that creates it, a key's secret appears nowhere: not in logs, not in the access
 * log, not in any file of the store, not in any later admin answer. Same for provider credentials.
 */
class SecretLeakTest {
  @TempDir
  Path data;

  @Test
  void secretsNeverAppearAfterCreation() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    // Tests log warnings only; here every level of every logger must be seen.
    ch.qos.logback.classic.Level rootLevel = root.getLevel();
    root.setLevel(ch.qos.logback.classic.Level.DEBUG);
    ch.qos.logback.classic.Logger netty = (Logger) LoggerFactory.getLogger("io.netty");
    netty.setLevel(ch.qos.logback.classic.Level.INFO);
    List<String> laterAnswers = new ArrayList<>();
    String first;
    String second;
    String keyId;
    String upstreamSecret = "sk-proj-UPSTREAM-" + "q".repeat(40);
    try (TestGateway gw = TestGateway.start("""
        data_dir: "%s"
        access_log: {path: "%s"}
        providers: [{name: sim, type: simulator}]
        models:
          - {name: gpt-4o-mini, deployments: [{provider: sim}]}
          - {name: o3-mini, deployments: [{provider: sim}]}
        """.formatted(data, data.resolve("access.log")))) {
      AdminHttp admin = new AdminHttp(gw, TestGateway.MASTER_KEY);
      AdminHttp.Reply created = admin.createKey("{\"name\":\"leak-check\",\"models\":[\"gpt-4o-mini\"],\"metadata\":{\"app\":\"x\"}}");
      first = created.secret();
      keyId = created.id();
      String chat = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
      assertThat(gw.post("/v1/chat/completions", chat.formatted("gpt-4o-mini"), "authorization", "Bearer " + first).statusCode()).isEqualTo(200);
      assertThat(gw.post("/v1/chat/completions", chat.formatted("o3-mini"), "authorization", "Bearer " + first).statusCode()).isEqualTo(403);
      assertThat(gw.post("/v1/embeddings", "{\"model\":\"gpt-4o-mini\",\"input\":\"x\"}", "x-api-key", first).statusCode()).isEqualTo(200);
      assertThat(gw.post("/v1/chat/completions", "{broken", "authorization", "Bearer " + first).statusCode()).isEqualTo(400);

      laterAnswers.add(admin.send("PATCH", "/admin/keys/" + keyId, "{\"owner\":\"bob\"}").body());
      AdminHttp.Reply rotated = admin.post("/admin/keys/" + keyId + "/rotate", "{\"grace_seconds\":60}");
      second = rotated.secret();
      assertThat(rotated.body()).doesNotContain(first); // the rotation answer shows only the new secret
      assertThat(gw.post("/v1/chat/completions", chat.formatted("gpt-4o-mini"), "authorization", "Bearer " + second).statusCode()).isEqualTo(200);
      AdminHttp.Reply cred = admin.send("PUT", "/admin/credentials/openai-main", "{\"provider\":\"openai\",\"api_key\":\"" + upstreamSecret + "\"}");
      assertThat(cred.status()).isEqualTo(201);
      laterAnswers.add(cred.body());
      laterAnswers.add(admin.post("/admin/keys/" + keyId + "/revoke", "{}").body());
      laterAnswers.add(admin.get("/admin/keys").body());
      laterAnswers.add(admin.get("/admin/keys/" + keyId).body());
      laterAnswers.add(admin.get("/admin/audit?limit=1000").body());
      laterAnswers.add(admin.get("/admin/credentials").body());
      laterAnswers.add(admin.get("/admin/openapi.json").body());
      assertThat(gw.post("/v1/chat/completions", chat.formatted("gpt-4o-mini"), "authorization", "Bearer " + second).statusCode()).isEqualTo(401);
      gw.gateway.keys().flushLastUsed().toCompletionStage().toCompletableFuture().get();
    } finally {
      root.detachAppender(logs);
      root.setLevel(rootLevel);
      netty.setLevel(null);
    }

    List<String> secrets = List.of(first, second, upstreamSecret);
    for (String answer : laterAnswers) for (String s : secrets) assertThat(answer).doesNotContain(s);
    assertThat(laterAnswers.get(4)).contains(keyId).contains(second.substring(0, 11)); // the display prefix is fine

    for (ILoggingEvent e : logs.list) {
      String text = e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()));
      for (String s : secrets) assertThat(text).doesNotContain(s);
    }
    // the capture worked: the gateway's own start-up lines are there
    assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage).anyMatch(m -> m.startsWith("store: jdbc:sqlite:"));

    List<Path> files;
    try (Stream<Path> walk = Files.walk(data)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertThat(files).extracting(p -> p.getFileName().toString()).contains("wanapis.db", "access.log");
    StringBuilder everything = new StringBuilder();
    for (Path f : files) {
      String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
      for (String s : secrets) assertThat(content).as(f.toString()).doesNotContain(s);
      everything.append(content);
    }
    // the grep looks at the right bytes: the store holds the key's id and the hash of its secret
    assertThat(everything).contains(keyId).contains(KeySecrets.hash(first)).contains("leak-check");
  }
}
