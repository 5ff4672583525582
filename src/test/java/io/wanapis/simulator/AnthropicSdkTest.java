package io.wanapis.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.OverloadedException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolChoiceAny;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.anthropic.models.messages.ToolUseBlockParam;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The official Anthropic Java SDK must be able to use the simulator as if it were api.anthropic.com. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnthropicSdkTest {

  private static final String MODEL = "claude-sonnet-4-5";

  private SimulatorHarness harness;
  private AnthropicClient client;

  @BeforeAll
  void start() {
    harness = SimulatorHarness.start(SimulatorOptions.fast().withApiKey("sk-ant-test"));
    client = client(Map.of());
  }

  @AfterAll
  void stop() {
    client.close();
    harness.close();
  }

  @BeforeEach
  void resetStats() {
    harness.stats().reset();
  }

  /** Bearer auth (authToken), as a gateway forwarding an OAuth token would send it. */
  private AnthropicClient client(Map<String, String> headers) {
    var builder = AnthropicOkHttpClient.builder().authToken("sk-ant-test")
        .baseUrl("http://127.0.0.1:" + harness.port).maxRetries(0);
    headers.forEach(builder::putHeader);
    return builder.build();
  }

  private static MessageCreateParams.Builder message(String text) {
    return MessageCreateParams.builder().model(MODEL).maxTokens(1024).addUserMessage(text);
  }

  private static Tool weatherTool() {
    return Tool.builder()
        .name("get_weather")
        .description("Get the weather in a city.")
        .inputSchema(Tool.InputSchema.builder()
            .properties(JsonValue.from(Map.of(
                "city", Map.of("type", "string"),
                "unit", Map.of("type", "string", "enum", List.of("celsius", "fahrenheit")))))
            .required(List.of("city", "unit"))
            .build())
        .build();
  }

  @Test
  void nonStreamedMessage() {
    Message message = client.messages().create(message("What is the capital of France?").system("Be brief.").build());

    assertThat(message.id()).matches("msg_01[A-Za-z0-9]{22}");
    assertThat(message.model().asString()).isEqualTo(MODEL);
    assertThat(message.stopReason()).contains(StopReason.END_TURN);
    assertThat(message.content()).hasSize(1);
    assertThat(message.content().get(0).asText().text())
        .isEqualTo("Hello! This is the WanAPIs simulator answering as " + MODEL
            + ". You said: \"What is the capital of France?\"");
    assertThat(message.usage().inputTokens()).isBetween(10L, 40L);
    assertThat(message.usage().outputTokens()).isGreaterThan(10);
    assertThat(message.usage().cacheReadInputTokens()).contains(0L);
    assertThat(harness.stats().recent().get(0).header("authorization")).isEqualTo("Bearer sk-ant-test");
    assertThat(harness.stats().recent().get(0).header("anthropic-version")).matches("\\d{4}-\\d{2}-\\d{2}");
  }

  @Test
  void streamedMessageHasAnthropicsEventOrderAndAddsUpToTheMessage() {
    List<String> kinds = new ArrayList<>();
    var text = new StringBuilder();
    long outputTokens = -1;
    try (StreamResponse<RawMessageStreamEvent> stream =
        client.messages().createStreaming(message("Tell me about the sea").build())) {
      for (RawMessageStreamEvent event : (Iterable<RawMessageStreamEvent>) stream.stream()::iterator) {
        if (event.isMessageStart()) {
          kinds.add("message_start");
          assertThat(event.asMessageStart().message().usage().outputTokens()).isEqualTo(1);
        } else if (event.isContentBlockStart()) {
          kinds.add("content_block_start");
        } else if (event.isContentBlockDelta()) {
          kinds.add("content_block_delta");
          text.append(event.asContentBlockDelta().delta().asText().text());
        } else if (event.isContentBlockStop()) {
          kinds.add("content_block_stop");
        } else if (event.isMessageDelta()) {
          kinds.add("message_delta");
          assertThat(event.asMessageDelta().delta().stopReason()).contains(StopReason.END_TURN);
          outputTokens = event.asMessageDelta().usage().outputTokens();
        } else if (event.isMessageStop()) {
          kinds.add("message_stop");
        }
      }
    }
    assertThat(collapse(kinds)).containsExactly("message_start", "content_block_start", "content_block_delta",
        "content_block_stop", "message_delta", "message_stop");
    Message whole = client.messages().create(message("Tell me about the sea").build());
    assertThat(text.toString()).isEqualTo(whole.content().get(0).asText().text());
    assertThat(outputTokens).isEqualTo(whole.usage().outputTokens());
    assertThat(kinds.stream().filter("content_block_delta"::equals).count()).isEqualTo(outputTokens);
  }

  @Test
  void toolUseThenToolResultThenText() {
    Message call = client.messages().create(message("What is the weather in Paris?").addTool(weatherTool()).build());

    assertThat(call.stopReason()).contains(StopReason.TOOL_USE);
    assertThat(call.content().get(0).asText().text()).isEqualTo("I'll use the get_weather tool for this.");
    ToolUseBlock toolUse = call.content().get(1).asToolUse();
    assertThat(toolUse.id()).matches("toolu_[A-Za-z0-9]{24}");
    assertThat(toolUse.name()).isEqualTo("get_weather");
    assertThat(toolUse._input().convert(Map.class)).isEqualTo(Map.of("city", "sample", "unit", "celsius"));

    Message answer = client.messages().create(MessageCreateParams.builder().model(MODEL).maxTokens(1024)
        .addTool(weatherTool())
        .addUserMessage("What is the weather in Paris?")
        .addAssistantMessageOfContentBlockParams(List.of(
            ContentBlockParam.ofToolUse(ToolUseBlockParam.builder().id(toolUse.id()).name(toolUse.name())
                .input(com.anthropic.core.JsonField.of(toolUse._input().convert(ToolUseBlockParam.Input.class)))
                .build())))
        .addUserMessageOfContentBlockParams(List.of(
            ContentBlockParam.ofToolResult(ToolResultBlockParam.builder().toolUseId(toolUse.id())
                .content("Sunny, 21 degrees").build())))
        .build());
    assertThat(answer.stopReason()).contains(StopReason.END_TURN);
    assertThat(answer.content().get(0).asText().text()).endsWith("The tool get_weather returned: Sunny, 21 degrees.");

    Message forced = client.messages().create(message("Weather?").addTool(weatherTool())
        .toolChoice(ToolChoiceAny.builder().build()).build());
    assertThat(forced.content()).hasSize(1);
    assertThat(forced.content().get(0).isToolUse()).as("a forced call comes without text").isTrue();
  }

  @Test
  void streamedToolUseStartsWithAnEmptyPartialJson() {
    List<String> partials = new ArrayList<>();
    String name = null;
    try (StreamResponse<RawMessageStreamEvent> stream =
        client.messages().createStreaming(message("Weather in Rome?").addTool(weatherTool()).build())) {
      for (RawMessageStreamEvent event : (Iterable<RawMessageStreamEvent>) stream.stream()::iterator) {
        if (event.isContentBlockStart() && event.asContentBlockStart().contentBlock().isToolUse()) {
          name = event.asContentBlockStart().contentBlock().asToolUse().name();
        }
        if (event.isContentBlockDelta() && event.asContentBlockDelta().delta().isInputJson()) {
          partials.add(event.asContentBlockDelta().delta().asInputJson().partialJson());
        }
      }
    }
    assertThat(name).isEqualTo("get_weather");
    assertThat(partials.get(0)).isEmpty();
    assertThat(partials.size()).isGreaterThan(3);
    assertThat(Sse.json(String.join("", partials))).isEqualTo(Sse.json("{\"city\":\"sample\",\"unit\":\"celsius\"}"));
  }

  @Test
  void thinkingComesFirstWithASignature() {
    Message message = client.messages().create(message("How do I cross the street?").maxTokens(4096)
        .enabledThinking(1024).build());

    assertThat(message.content()).hasSize(2);
    ContentBlock thinking = message.content().get(0);
    assertThat(thinking.isThinking()).isTrue();
    assertThat(thinking.asThinking().thinking()).contains("How do I cross the street?");
    assertThat(thinking.asThinking().signature()).matches("[A-Za-z0-9+/=]{200,}");
    assertThat(message.content().get(1).isText()).isTrue();

    List<String> deltaTypes = new ArrayList<>();
    try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(
        message("How do I cross the street?").maxTokens(4096).enabledThinking(1024).build())) {
      stream.stream().filter(RawMessageStreamEvent::isContentBlockDelta).forEach(e -> {
        var delta = e.asContentBlockDelta().delta();
        deltaTypes.add(delta.isThinking() ? "thinking" : delta.isSignature() ? "signature" : delta.isText() ? "text" : "?");
      });
    }
    assertThat(collapse(deltaTypes)).containsExactly("thinking", "signature", "text");
    assertThat(deltaTypes.stream().filter("signature"::equals).count()).isEqualTo(1);
  }

  @Test
  void countTokensMatchesTheMessagesInputTokens() {
    long counted = client.messages().countTokens(MessageCountTokensParams.builder().model(MODEL)
        .addUserMessage("Count me, please.").addTool(weatherTool()).build()).inputTokens();
    Message message = client.messages().create(message("Count me, please.").addTool(weatherTool())
        .toolChoice(com.anthropic.models.messages.ToolChoiceAuto.builder().build()).build());

    assertThat(counted).isGreaterThan(346);
    assertThat(message.usage().inputTokens()).isEqualTo(counted);
  }

  @Test
  void promptCachingWritesThenReads() {
    harness.simulator.clearPromptCache();
    String longSystem = "You are a meticulous assistant. ".repeat(250);
    MessageCreateParams params = MessageCreateParams.builder().model(MODEL).maxTokens(100)
        .systemOfTextBlockParams(List.of(TextBlockParam.builder().text(longSystem)
            .cacheControl(com.anthropic.models.messages.CacheControlEphemeral.builder().build()).build()))
        .addUserMessage("Hi").build();

    Message first = client.messages().create(params);
    Message second = client.messages().create(params);

    long prefix = first.usage().cacheCreationInputTokens().orElseThrow();
    assertThat(prefix).isGreaterThanOrEqualTo(1024);
    assertThat(first.usage().cacheReadInputTokens()).contains(0L);
    assertThat(second.usage().cacheCreationInputTokens()).contains(0L);
    assertThat(second.usage().cacheReadInputTokens()).contains(prefix);
    assertThat(second.usage().inputTokens()).isEqualTo(first.usage().inputTokens()).isLessThan(20);
  }

  @Test
  void errorsMapToTheSdksExceptions() {
    AnthropicClient overloaded = client(Map.of(Simulator.FAULT_HEADER, "status=529"));
    assertThatThrownBy(() -> overloaded.messages().create(message("hi").build()))
        .isInstanceOfSatisfying(OverloadedException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(529);
          assertThat(e.errorType().map(Object::toString)).contains("overloaded_error");
        });
    overloaded.close();
    AnthropicClient limited = client(Map.of(Simulator.FAULT_HEADER, "status=429,retry_after=7"));
    assertThatThrownBy(() -> limited.messages().create(message("hi").build()))
        .isInstanceOfSatisfying(RateLimitException.class, e -> {
          assertThat(e.headers().values("retry-after")).containsExactly("7");
          assertThat(e.errorType().map(Object::toString)).contains("rate_limit_error");
          assertThat(e.requestId()).hasValueSatisfying(id -> assertThat(id).startsWith("req_"));
        });
    limited.close();
    assertThatThrownBy(() -> client.messages().create(MessageCreateParams.builder().model(MODEL).maxTokens(1024)
        .addUserMessage("hi").enabledThinking(2048).build()))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("`max_tokens` must be greater than `thinking.budget_tokens`");
    AnthropicClient wrongKey = AnthropicOkHttpClient.builder().apiKey("sk-ant-wrong")
        .baseUrl("http://127.0.0.1:" + harness.port).maxRetries(0).build();
    assertThatThrownBy(() -> wrongKey.messages().create(message("hi").build()))
        .isInstanceOfSatisfying(UnauthorizedException.class,
            e -> assertThat(e.apiMessage()).contains("invalid x-api-key"));
    wrongKey.close();
  }

  @Test
  void inStreamOverloadedErrorReachesTheSdk() {
    var deltas = new ArrayList<String>();
    AnthropicClient faulty = client(Map.of(Simulator.FAULT_HEADER, "stream_error_after=3"));
    try (StreamResponse<RawMessageStreamEvent> stream = faulty.messages().createStreaming(message("Go on").build())) {
      assertThatThrownBy(() -> stream.stream().forEach(e -> {
        if (e.isContentBlockDelta()) {
          deltas.add(e.asContentBlockDelta().delta().asText().text());
        }
      })).isInstanceOfSatisfying(AnthropicServiceException.class,
          e -> assertThat(e.errorType().map(Object::toString)).contains("overloaded_error"));
    } finally {
      faulty.close();
    }
    assertThat(deltas).hasSize(3);
  }

  private static List<String> collapse(List<String> kinds) {
    List<String> out = new ArrayList<>();
    for (String k : kinds) {
      if (out.isEmpty() || !out.get(out.size() - 1).equals(k)) {
        out.add(k);
      }
    }
    return out;
  }
}
