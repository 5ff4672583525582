package io.wanapis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.fasterxml.jackson.databind.JsonNode;
import io.wanapis.json.Json;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official Anthropic Java SDK against the gateway's /v1/messages, reaching an OpenAI-protocol model. */
class AnthropicSdkIngressTest {
  static TestGateway gw;
  static AnthropicClient client;

  @BeforeAll
  static void start() throws Exception {
    gw = TestGateway.start("""
        access_log: {path: "off"}
        providers:
          - {name: sim, type: simulator, forward_headers: ["x-sim-*"]}
        models:
          - {name: gpt-4o-mini, deployments: [{provider: sim}]}
        """);
    client = sdk(TestGateway.MASTER_KEY);
  }

  static AnthropicClient sdk(String key) {
    return AnthropicOkHttpClient.builder().apiKey(key).baseUrl("http://127.0.0.1:" + gw.gateway.port())
        .maxRetries(0).timeout(Duration.ofSeconds(30)).build();
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
  }

  private static MessageCreateParams.Builder hello() {
    return MessageCreateParams.builder().model("gpt-4o-mini").maxTokens(200).system("Be brief.").addUserMessage("Say hello");
  }

  @Test
  void nonStreamMessageFromAnOpenAiModel() {
    Message m = client.messages().create(hello().build());
    String text = m.content().stream().flatMap(b -> b.text().stream()).map(t -> t.text()).reduce("", String::concat);
    assertThat(text).contains("Say hello");
    assertThat(m.stopReason()).contains(StopReason.END_TURN);
    assertThat(m.usage().inputTokens()).isPositive();
    assertThat(m.usage().outputTokens()).isPositive();
    // the upstream got an OpenAI request built from the Anthropic one
    JsonNode sent = lastUpstreamBody();
    assertThat(sent.at("/messages/0/role").asText()).isEqualTo("system");
    assertThat(sent.at("/messages/1/content").asText()).isEqualTo("Say hello");
    assertThat(sent.path("max_tokens").asInt()).isEqualTo(200);
  }

  @Test
  void streamEventsComeInAnthropicsOrder() {
    List<String> kinds = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(hello().build())) {
      s.stream().forEach(e -> {
        if (e.isMessageStart()) kinds.add("message_start");
        else if (e.isContentBlockStart()) kinds.add("content_block_start");
        else if (e.isContentBlockDelta()) {
          kinds.add("content_block_delta");
          e.contentBlockDelta().get().delta().text().ifPresent(t -> text.append(t.text()));
        } else if (e.isContentBlockStop()) kinds.add("content_block_stop");
        else if (e.isMessageDelta()) kinds.add("message_delta");
        else if (e.isMessageStop()) kinds.add("message_stop");
      });
    }
    assertThat(kinds.get(0)).isEqualTo("message_start");
    assertThat(kinds.get(1)).isEqualTo("content_block_start");
    assertThat(kinds.subList(kinds.size() - 3, kinds.size())).containsExactly("content_block_stop", "message_delta", "message_stop");
    assertThat(kinds.stream().filter(k -> k.equals("content_block_delta")).count()).isGreaterThan(3);
    assertThat(text.toString()).contains("Say hello");
  }

  @Test
  void toolUseComesBackAsAToolUseBlock() {
    Tool weather = Tool.builder().name("get_weather").description("Weather in a city")
        .inputSchema(Tool.InputSchema.builder()
            .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
            .required(List.of("city")).build())
        .build();
    Message m = client.messages().create(MessageCreateParams.builder().model("gpt-4o-mini").maxTokens(200)
        .addUserMessage("Weather in Paris?").addTool(weather).build());
    ContentBlock block = m.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow();
    assertThat(block.asToolUse().name()).isEqualTo("get_weather");
    assertThat(block.asToolUse().id()).startsWith("call_"); // the upstream's id, passed through unchanged
    assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
    assertThat(lastUpstreamBody().at("/tools/0/function/name").asText()).isEqualTo("get_weather");
  }

  @Test
  void countTokensIsEstimatedForNonAnthropicModels() {
    long n = client.messages().countTokens(MessageCountTokensParams.builder().model("gpt-4o-mini")
        .addUserMessage("Hello there, how many tokens is this?").build()).inputTokens();
    assertThat(n).isBetween(8L, 20L);
  }

  @Test
  void errorsUseAnthropicsShape() throws Exception {
    assertThatThrownBy(() -> client.messages().create(hello().model("no-such-model").build()))
        .isInstanceOf(NotFoundException.class).hasMessageContaining("no-such-model");
    assertThatThrownBy(() -> sdk("sk-wrong").messages().create(hello().build()))
        .isInstanceOf(UnauthorizedException.class);
    HttpResponse<String> r = gw.post("/v1/messages", "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
        "x-api-key", TestGateway.MASTER_KEY);
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode body = Json.MAPPER.readTree(r.body());
    assertThat(body.path("type").asText()).isEqualTo("error");
    assertThat(body.at("/error/type").asText()).isEqualTo("invalid_request_error");
    assertThat(body.at("/error/message").asText()).contains("max_tokens");
    assertThat(body.path("request_id").asText()).startsWith("req_");
  }

  @Test
  void theTimeoutHeaderWorksHereTooAndABadOneIsRefusedInAnthropicsShape() throws Exception {
    String body = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    HttpResponse<String> bad = gw.post("/v1/messages", body, "x-api-key", TestGateway.MASTER_KEY, "x-wanapis-timeout-ms", "soon");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(bad.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
    assertThat(bad.body()).contains("x-wanapis-timeout-ms");
    HttpResponse<String> slow = gw.post("/v1/messages", body, "x-api-key", TestGateway.MASTER_KEY,
        "x-wanapis-timeout-ms", "200", "x-sim-fault", "latency_ms=2000");
    assertThat(slow.statusCode()).isEqualTo(504);
    assertThat(Json.MAPPER.readTree(slow.body()).at("/error/type").asText()).isEqualTo("timeout_error");
  }

  @Test
  void upstreamFailuresMapToAnthropicErrorTypes() {
    assertThatThrownBy(() -> client.messages().create(hello().putAdditionalHeader("x-sim-fault", "status=503").build()))
        .isInstanceOfSatisfying(AnthropicServiceException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(503);
          assertThat(e.body().toString()).contains("overloaded_error");
        });
  }

  private static JsonNode lastUpstreamBody() {
    var recent = gw.gateway.simulator().stats().recent();
    try {
      return Json.MAPPER.readTree(recent.get(recent.size() - 1).body());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
