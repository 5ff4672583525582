package io.wanapis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import org.junit.jupiter.api.Test;

/** The usage issue's admin answers match their entries in GET /admin/openapi.json. */
class UsageOpenApiTest {
  @Test
  void usageBudgetAndCatalogAnswersMatchTheDocument() throws Exception {
    try (TestGateway gw = TestGateway.start("""
        access_log: {path: "off"}
        providers: [{name: sim, type: simulator}]
        models: [{name: gpt-4o-mini, deployments: [{provider: sim}]}]
        """)) {
      gw.sdk().chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("x").build());
      AdminHttp admin = new AdminHttp(gw, TestGateway.MASTER_KEY);
      OpenApiInteractionValidator v = OpenApiInteractionValidator.createForInlineApiSpecification(admin.get("/admin/openapi.json").body()).build();
      admin.post("/admin/teams", "{\"name\":\"t\"}");
      AdminHttp.Reply b = admin.post("/admin/budgets", "{\"team\":\"t\",\"period\":\"month\",\"limit_usd\":5}");
      assertThat(b.status()).isEqualTo(201);
      AdminOpenApiTest.check(v, Request.Method.POST, "/admin/budgets", b);
      AdminOpenApiTest.check(v, Request.Method.GET, "/admin/budgets", admin.get("/admin/budgets"));
      AdminOpenApiTest.check(v, Request.Method.DELETE, "/admin/budgets/" + b.id(), admin.send("DELETE", "/admin/budgets/" + b.id(), null));
      AdminOpenApiTest.check(v, Request.Method.GET, "/admin/usage", admin.get("/admin/usage?group_by=model,day"));
      AdminOpenApiTest.check(v, Request.Method.GET, "/admin/usage/records", admin.get("/admin/usage/records"));
      AdminOpenApiTest.check(v, Request.Method.GET, "/admin/catalog", admin.get("/admin/catalog"));
      AdminOpenApiTest.check(v, Request.Method.PUT, "/admin/catalog/acme-1", admin.send("PUT", "/admin/catalog/acme-1",
          "{\"provider\":\"acme\",\"mode\":\"chat\",\"input_per_mtok\":1,\"output_per_mtok\":2}"));
      AdminOpenApiTest.check(v, Request.Method.GET, "/admin/catalog/acme-1", admin.get("/admin/catalog/acme-1"));
      AdminOpenApiTest.check(v, Request.Method.DELETE, "/admin/catalog/acme-1", admin.send("DELETE", "/admin/catalog/acme-1", null));
      AdminOpenApiTest.check(v, Request.Method.GET, "/admin/usage", admin.get("/admin/usage?group_by=nonsense"));
    }
  }
}
