package io.wanapis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.wanapis.cli.Main;
import io.wanapis.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code wanapis usage} as table, JSON and CSV; a team admin key sees only its team's usage. */
class UsageCliTest {
  static String cli(TestGateway gw, String key, String... args) {
    StringWriter out = new StringWriter();
    CommandLine cmd = new CommandLine(new Main());
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(new StringWriter(), true));
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--url";
    all[args.length + 1] = "http://127.0.0.1:" + gw.gateway.port();
    all[args.length + 2] = "--admin-key";
    all[args.length + 3] = key;
    assertThat(cmd.execute(all)).isZero();
    return out.toString();
  }

  @Test
  void usageByTeamAndKeyInTableJsonAndCsvScopedForTeamAdmins() throws Exception {
    try (TestGateway gw = TestGateway.start("""
        access_log: {path: "off"}
        providers: [{name: sim, type: simulator}]
        models: [{name: gpt-4o-mini, deployments: [{provider: sim}]}]
        """)) {
      AdminHttp admin = new AdminHttp(gw, TestGateway.MASTER_KEY);
      String red = admin.post("/admin/teams", "{\"name\":\"red\"}").id();
      String blue = admin.post("/admin/teams", "{\"name\":\"blue\"}").id();
      AdminHttp.Reply redApp = admin.createKey("{\"name\":\"red-app\",\"team\":\"red\"}");
      AdminHttp.Reply blueApp = admin.createKey("{\"name\":\"blue-app\",\"team\":\"blue\"}");
      AdminHttp.Reply redAdmin = admin.createKey("{\"name\":\"red-admin\",\"team\":\"red\",\"role\":\"team_admin\"}");
      for (int i = 0; i < 3; i++) {
        gw.sdk(redApp.secret()).chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("r" + i).build());
      }
      gw.sdk(blueApp.secret()).chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("b").build());
      await().atMost(Duration.ofSeconds(10)).until(() -> gw.gateway.usage().ledger().written() >= 4);

      JsonNode byTeam = Json.MAPPER.readTree(cli(gw, TestGateway.MASTER_KEY, "usage", "--group-by", "team,model", "--json"));
      assertThat(byTeam.path("data")).hasSize(2);
      assertThat(byTeam.path("total").path("requests").asLong()).isEqualTo(4);
      for (JsonNode g : byTeam.path("data")) {
        assertThat(g.path("team").asText()).isIn(red, blue);
        assertThat(g.path("requests").asLong()).isEqualTo(g.path("team").asText().equals(red) ? 3 : 1);
      }
      String table = cli(gw, TestGateway.MASTER_KEY, "usage", "--group-by", "key");
      assertThat(table).contains(redApp.id(), blueApp.id(), "total: 4 requests");
      String csv = cli(gw, TestGateway.MASTER_KEY, "usage", "--group-by", "team", "--csv");
      assertThat(csv.split("\r\n")).hasSize(3);
      assertThat(csv).startsWith("team,requests,errors");

      // the team admin sees red only, even when it asks for everything or for blue
      JsonNode scoped = Json.MAPPER.readTree(cli(gw, redAdmin.secret(), "usage", "--group-by", "team", "--json"));
      assertThat(scoped.path("data")).singleElement().satisfies(g -> assertThat(g.path("team").asText()).isEqualTo(red));
      assertThat(admin.as(gw, redAdmin.secret()).get("/admin/usage?team=" + blue).status()).isEqualTo(403);
      assertThat(admin.as(gw, redApp.secret()).get("/admin/usage").status()).isEqualTo(403);
    }
  }
}
