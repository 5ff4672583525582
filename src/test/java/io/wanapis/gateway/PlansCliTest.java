package io.wanapis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code wanapis plans ...} against a running gateway: set, list, assign (keeping other limits), enforce, delete. */
class PlansCliTest {
  static TestGateway gw;

  @BeforeAll
  static void start() throws Exception {
    gw = TestGateway.start("""
        access_log: {path: "off"}
        providers: [{name: sim, type: simulator}]
        models: [{name: gpt-4o-mini, deployments: [{provider: sim}]}]
        plans: [{name: free, rpm: 100}]
        quotas: {default_plan: free}
        """);
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
  }

  static KeysCliTest.Run cli(String... args) {
    return KeysCliTest.cli(gw, args);
  }

  @Test
  void setListAssignEnforceDelete() throws Exception {
    KeysCliTest.Run set = cli("plans", "set", "tiny", "--rpm", "1", "--max-tokens", "64", "--weight", "2", "--description", "one a minute");
    assertThat(set.exit()).as(set.err()).isZero();
    assertThat(set.out()).contains("Created plan tiny");
    KeysCliTest.Run list = cli("plans", "list");
    assertThat(list.out()).contains("free").contains("config").contains("(default)").contains("tiny").contains("admin");
    AdminHttp admin = new AdminHttp(gw, TestGateway.MASTER_KEY);
    AdminHttp.Reply key = admin.createKey("{\"name\":\"k\",\"limits\":{\"tpd\":100000}}");
    KeysCliTest.Run assign = cli("plans", "assign", "tiny", "--key", key.id());
    assertThat(assign.exit()).as(assign.err()).isZero();
    AdminHttp.Reply after = admin.get("/admin/keys/" + key.id());
    assertThat(after.json().path("limits").path("plan").asText()).isEqualTo("tiny");
    assertThat(after.json().path("limits").path("tpd").asLong()).isEqualTo(100000); // kept
    var sdk = gw.sdk(key.secret());
    var hello = ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("hi").maxCompletionTokens(10).build();
    sdk.chat().completions().create(hello);
    try {
      sdk.chat().completions().create(hello);
      throw new AssertionError("the second request in a minute should be refused");
    } catch (RateLimitException e) {
      assertThat(e.getMessage()).contains("plan 'tiny'");
    }
    assertThat(cli("plans", "delete", "tiny").exit()).isNotZero(); // still assigned
    assertThat(cli("plans", "assign", "none", "--key", key.id()).exit()).isZero();
    KeysCliTest.Run del = cli("plans", "delete", "tiny");
    assertThat(del.exit()).as(del.err()).isZero();
    KeysCliTest.Run unknown = cli("plans", "assign", "gold", "--key", key.id());
    assertThat(unknown.exit()).isNotZero();
    assertThat(unknown.err()).contains("Plan 'gold' does not exist");
  }
}
