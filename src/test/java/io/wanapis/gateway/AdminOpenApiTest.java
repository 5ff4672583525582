package io.wanapis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import org.junit.jupiter.api.Test;

/** The OpenAPI document the gateway serves describes what the admin API really answers. */
class AdminOpenApiTest {
  @Test
  void realAnswersMatchTheServedDocument() throws Exception {
    try (TestGateway gw = TestGateway.start("""
        access_log: {path: "off"}
        providers: [{name: sim, type: simulator}]
        models: [{name: gpt-4o-mini, deployments: [{provider: sim}]}]
        """)) {
      AdminHttp admin = new AdminHttp(gw, TestGateway.MASTER_KEY);
      AdminHttp.Reply doc = admin.as(gw, null).get("/admin/openapi.json"); // public, like any API reference
      assertThat(doc.status()).isEqualTo(200);
      OpenApiInteractionValidator v = OpenApiInteractionValidator.createForInlineApiSpecification(doc.body()).build();

      AdminHttp.Reply team = admin.post("/admin/teams", "{\"name\":\"t\"}");
      check(v, Request.Method.POST, "/admin/teams", team);
      check(v, Request.Method.GET, "/admin/teams", admin.get("/admin/teams"));
      // quotas issue: plans and the limits of teams and projects
      check(v, Request.Method.PUT, "/admin/plans/pro", admin.send("PUT", "/admin/plans/pro", "{\"rpm\":600,\"tpm\":100000,\"burst\":1.5,\"weight\":3}"));
      check(v, Request.Method.GET, "/admin/plans", admin.get("/admin/plans"));
      check(v, Request.Method.GET, "/admin/plans/pro", admin.get("/admin/plans/pro"));
      check(v, Request.Method.PATCH, "/admin/teams/t", admin.send("PATCH", "/admin/teams/t", "{\"limits\":{\"plan\":\"pro\",\"rpd\":5000}}"));
      check(v, Request.Method.POST, "/admin/projects", admin.post("/admin/projects", "{\"name\":\"p\",\"team\":\"t\"}"));
      AdminHttp.Reply key = admin.post("/admin/keys", "{\"name\":\"k\",\"team\":\"t\",\"limits\":{\"rpm\":60,\"max_budget\":12.5}}");
      check(v, Request.Method.POST, "/admin/keys", key);
      check(v, Request.Method.GET, "/admin/keys", admin.get("/admin/keys"));
      check(v, Request.Method.GET, "/admin/keys/" + key.id(), admin.get("/admin/keys/" + key.id()));
      check(v, Request.Method.PATCH, "/admin/keys/" + key.id(), admin.send("PATCH", "/admin/keys/" + key.id(), "{\"owner\":null}"));
      check(v, Request.Method.POST, "/admin/keys/" + key.id() + "/rotate", admin.post("/admin/keys/" + key.id() + "/rotate", "{\"grace_seconds\":1}"));
      check(v, Request.Method.POST, "/admin/keys/" + key.id() + "/revoke", admin.post("/admin/keys/" + key.id() + "/revoke", "{}"));
      check(v, Request.Method.PUT, "/admin/credentials/c", admin.send("PUT", "/admin/credentials/c", "{\"api_key\":\"sk-x-0123456789abcdefghij\"}"));
      check(v, Request.Method.GET, "/admin/credentials", admin.get("/admin/credentials"));
      check(v, Request.Method.GET, "/admin/audit", admin.get("/admin/audit"));
      check(v, Request.Method.GET, "/admin/audit/verify", admin.get("/admin/audit/verify"));
      check(v, Request.Method.GET, "/admin/keys/key_missing", admin.get("/admin/keys/key_missing"));
    }
  }

  static void check(OpenApiInteractionValidator v, Request.Method method, String path, AdminHttp.Reply r) {
    assertThat(r.status()).as(path + " " + r.body()).isLessThan(500);
    SimpleResponse resp = SimpleResponse.Builder.status(r.status()).withContentType("application/json").withBody(r.body()).build();
    ValidationReport report = v.validateResponse(path, method, resp);
    assertThat(report.getMessages()).as(method + " " + path + ": " + r.body()).isEmpty();
  }

}
