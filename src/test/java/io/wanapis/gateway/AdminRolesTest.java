package io.wanapis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Master/admin keys do everything, team admin keys only their team, application keys nothing. */
class AdminRolesTest {
  static TestGateway gw;
  static AdminHttp master;
  static String teamA;
  static String teamB;
  static AdminHttp teamAdminA;
  static String teamAdminAId;
  static AdminHttp.Reply keyOfB;

  @BeforeAll
  static void start() throws Exception {
    gw = TestGateway.start("""
        access_log: {path: "off"}
        providers: [{name: sim, type: simulator}]
        models: [{name: gpt-4o-mini, deployments: [{provider: sim}]}]
        """);
    master = new AdminHttp(gw, TestGateway.MASTER_KEY);
    teamA = master.post("/admin/teams", "{\"name\":\"alpha\"}").id();
    teamB = master.post("/admin/teams", "{\"name\":\"beta\"}").id();
    AdminHttp.Reply ta = master.createKey("{\"name\":\"alpha-admin\",\"role\":\"team_admin\",\"team\":\"alpha\"}");
    teamAdminAId = ta.id();
    teamAdminA = master.as(gw, ta.secret());
    keyOfB = master.createKey("{\"name\":\"beta-app\",\"team\":\"beta\"}");
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
  }

  @Test
  void teamAdminManagesItsOwnTeam() throws Exception {
    AdminHttp.Reply own = teamAdminA.post("/admin/keys", "{\"name\":\"alpha-app\"}");
    assertThat(own.status()).isEqualTo(201);
    assertThat(own.json().path("team_id").asText()).isEqualTo(teamA);
    assertThat(teamAdminA.post("/admin/keys/" + own.id() + "/rotate", "{\"grace_seconds\":5}").status()).isEqualTo(200);
    assertThat(teamAdminA.send("PATCH", "/admin/keys/" + own.id(), "{\"models\":[\"gpt-4o-mini\"]}").status()).isEqualTo(200);
    assertThat(teamAdminA.post("/admin/projects", "{\"name\":\"web\"}").status()).isEqualTo(201);
    assertThat(teamAdminA.post("/admin/keys/" + own.id() + "/revoke", "{}").status()).isEqualTo(200);

    AdminHttp.Reply list = teamAdminA.get("/admin/keys");
    assertThat(list.json().path("data").findValuesAsText("team_id")).isNotEmpty().containsOnly(teamA);
    assertThat(teamAdminA.get("/admin/teams").json().path("data").findValuesAsText("name")).containsExactly("alpha");
  }

  @Test
  void teamAdminCannotTouchOtherTeamsOrGlobalThings() throws Exception {
    assertForbidden(teamAdminA.post("/admin/keys", "{\"name\":\"x\",\"team\":\"beta\"}"));
    assertForbidden(teamAdminA.get("/admin/keys/" + keyOfB.id()));
    assertForbidden(teamAdminA.post("/admin/keys/" + keyOfB.id() + "/revoke", "{}"));
    assertForbidden(teamAdminA.post("/admin/keys/" + keyOfB.id() + "/rotate", "{}"));
    assertForbidden(teamAdminA.send("PATCH", "/admin/keys/" + keyOfB.id(), "{\"name\":\"mine now\"}"));
    assertForbidden(teamAdminA.get("/admin/keys?team=beta"));
    assertForbidden(teamAdminA.post("/admin/keys", "{\"name\":\"escalate\",\"role\":\"admin\"}"));
    assertForbidden(teamAdminA.post("/admin/teams", "{\"name\":\"gamma\"}"));
    assertForbidden(teamAdminA.get("/admin/audit"));
    assertForbidden(teamAdminA.get("/admin/credentials"));
    assertForbidden(teamAdminA.post("/admin/projects", "{\"name\":\"p\",\"team\":\"beta\"}"));
    // nothing changed on team beta's key
    AdminHttp.Reply b = master.get("/admin/keys/" + keyOfB.id());
    assertThat(b.json().path("status").asText()).isEqualTo("active");
    assertThat(b.json().path("name").asText()).isEqualTo("beta-app");
  }

  @Test
  void applicationKeysHaveNoAdminAccess() throws Exception {
    AdminHttp app = master.as(gw, keyOfB.secret());
    AdminHttp.Reply r = app.get("/admin/keys");
    assertForbidden(r);
    assertThat(r.json().path("error").path("message").asText()).contains("application key");
    assertForbidden(app.post("/admin/keys", "{\"name\":\"x\"}"));
  }

  @Test
  void missingOrWrongKeysAre401() throws Exception {
    AdminHttp.Reply none = master.as(gw, null).get("/admin/keys");
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.errorCode()).isEqualTo("missing_api_key");
    assertThat(master.as(gw, "sk-wan-" + "x".repeat(43)).get("/admin/keys").status()).isEqualTo(401);
  }

  @Test
  void adminKeysDoEverythingAndActionsAreAuditedWithTheActor() throws Exception {
    assertThat(teamAdminA.post("/admin/projects", "{\"name\":\"audited\"}").status()).isEqualTo(201);
    AdminHttp.Reply ak = master.createKey("{\"name\":\"ops\",\"role\":\"admin\"}");
    AdminHttp admin = master.as(gw, ak.secret());
    AdminHttp.Reply team = admin.post("/admin/teams", "{\"name\":\"delta\"}");
    assertThat(team.status()).isEqualTo(201);
    assertThat(admin.post("/admin/keys/" + keyOfB.id() + "/rotate", "{\"grace_seconds\":60}").status()).isEqualTo(200);
    AdminHttp.Reply audit = admin.get("/admin/audit?limit=1000");
    assertThat(audit.status()).isEqualTo(200);
    var entries = audit.json().path("data");
    var teamEntry = java.util.stream.StreamSupport.stream(entries.spliterator(), false)
        .filter(e -> e.path("action").asText().equals("team.create") && e.path("target_id").asText().equals(team.id())).findFirst().orElseThrow();
    assertThat(teamEntry.path("actor").asText()).isEqualTo(ak.id());
    assertThat(teamEntry.path("actor_role").asText()).isEqualTo("admin");
    assertThat(teamEntry.path("source_ip").asText()).isEqualTo("127.0.0.1");
    assertThat(teamEntry.path("after").path("name").asText()).isEqualTo("delta");
    var byTeamAdmin = java.util.stream.StreamSupport.stream(entries.spliterator(), false)
        .filter(e -> e.path("actor").asText().equals(teamAdminAId)).toList();
    assertThat(byTeamAdmin).isNotEmpty();
    assertThat(admin.get("/admin/audit/verify").json().path("ok").asBoolean()).isTrue();
  }

  @Test
  void errorsHaveTheOpenAiShape() throws Exception {
    AdminHttp.Reply r = master.post("/admin/keys", "{\"name\":\"x\",\"endpoints\":[\"teleport\"]}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().path("error").path("message").asText()).contains("teleport");
    assertThat(r.json().path("error").path("request_id").asText()).isEqualTo(r.raw().headers().firstValue("x-request-id").orElseThrow());
    assertThat(master.post("/admin/teams", "{\"name\":\"alpha\"}").status()).isEqualTo(409);
    assertThat(master.get("/admin/keys/key_nope").status()).isEqualTo(404);
    assertThat(master.post("/admin/keys", "{\"name\":\"x\",\"team\":\"no-such-team\"}").status()).isEqualTo(400);
    assertThat(master.post("/admin/keys", "not json").status()).isEqualTo(400);
    assertThat(master.get("/admin/nothing").status()).isEqualTo(404);
  }

  static void assertForbidden(AdminHttp.Reply r) {
    assertThat(r.status()).as(r.body()).isEqualTo(403);
    assertThat(r.errorCode()).isEqualTo("admin_permission_denied");
  }
}
