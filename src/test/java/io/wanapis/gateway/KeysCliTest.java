package io.wanapis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanapis.cli.Main;
import io.wanapis.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.DriverManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code wanapis keys ...} and {@code wanapis audit ...} against a running gateway, as a script would use them. */
class KeysCliTest {
  @TempDir
  static Path data;
  static TestGateway gw;

  record Run(int exit, String out, String err) {
    JsonNode json() throws Exception { return Json.MAPPER.readTree(out); }
  }

  @BeforeAll
  static void start() throws Exception {
    gw = TestGateway.start("""
        data_dir: "%s"
        access_log: {path: "off"}
        providers: [{name: sim, type: simulator}]
        models: [{name: gpt-4o-mini, deployments: [{provider: sim}]}]
        """.formatted(data));
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
  }

  static Run cli(String... args) {
    return cli(gw, args);
  }

  static Run cli(TestGateway gw, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new Main());
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--url";
    all[args.length + 1] = "http://127.0.0.1:" + gw.gateway.port();
    all[args.length + 2] = "--admin-key";
    all[args.length + 3] = TestGateway.MASTER_KEY;
    int exit = cmd.execute(all);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void createListShowRotateRevoke() throws Exception {
    assertThat(cli("teams", "create", "cli-team").exit()).isZero();
    Run created = cli("keys", "create", "--name", "cli-key", "--team", "cli-team", "--models", "gpt-4o*,sim/*",
        "--endpoints", "chat,models", "--expires-in", "30d", "--metadata", "env=ci", "--json");
    assertThat(created.exit()).as(created.err()).isZero();
    JsonNode k = created.json();
    String id = k.path("id").asText();
    String secret = k.path("key").asText();
    assertThat(secret).startsWith("sk-wan-");
    assertThat(k.path("models").toString()).isEqualTo("[\"gpt-4o*\",\"sim/*\"]");
    assertThat(k.path("metadata").path("env").asText()).isEqualTo("ci");
    assertThat(gw.sdk(secret).models().list().data()).extracting(m -> m.id()).containsExactly("gpt-4o-mini");

    Run list = cli("keys", "list", "--team", "cli-team", "--json");
    assertThat(list.json().path("data").findValuesAsText("id")).containsExactly(id);
    Run text = cli("keys", "list");
    assertThat(text.out()).contains(id).contains("cli-key").doesNotContain(secret);

    Run show = cli("keys", "show", id);
    assertThat(show.out()).contains("cli-key").contains("active").doesNotContain(secret);

    Run rotated = cli("keys", "rotate", id, "--grace-seconds", "0", "--json");
    String fresh = rotated.json().path("key").asText();
    assertThat(fresh).startsWith("sk-wan-").isNotEqualTo(secret);
    assertThat(gw.get("/v1/models", "authorization", "Bearer " + secret).statusCode()).isEqualTo(401);
    assertThat(gw.get("/v1/models", "authorization", "Bearer " + fresh).statusCode()).isEqualTo(200);

    Run revoked = cli("keys", "revoke", id, "--json");
    assertThat(revoked.json().path("status").asText()).isEqualTo("revoked");
    Run missing = cli("keys", "show", "key_missing", "--json");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("404");
  }

  @Test
  void auditVerifyDetectsTampering() throws Exception {
    cli("teams", "create", "audited-1");
    cli("teams", "create", "audited-2");
    Run list = cli("audit", "list", "--json");
    assertThat(list.json().path("data").size()).isGreaterThanOrEqualTo(2);
    Run ok = cli("audit", "verify");
    assertThat(ok.exit()).as(ok.out()).isZero();
    assertThat(ok.out()).contains("intact");

    // someone with database access rewrites history
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("wanapis.db")); var st = c.createStatement()) {
      st.execute("PRAGMA busy_timeout = 5000");
      st.executeUpdate("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 1");
    }
    Run bad = cli("audit", "verify", "--json");
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.json().path("ok").asBoolean()).isFalse();
    assertThat(bad.json().path("first_bad_seq").asLong()).isEqualTo(1);
    assertThat(cli("audit", "verify").out()).contains("TAMPERED");
  }

  @Test
  void aMissingAdminKeyIsAClearError() {
    CommandLine cmd = new CommandLine(new Main());
    StringWriter err = new StringWriter();
    cmd.setErr(new PrintWriter(err, true));
    // --admin-key given but wrong: the gateway's 401 is shown
    int exit = cmd.execute("keys", "list", "--url", "http://127.0.0.1:" + gw.gateway.port(), "--admin-key", "wrong");
    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).contains("401").contains("invalid_api_key");
  }
}
