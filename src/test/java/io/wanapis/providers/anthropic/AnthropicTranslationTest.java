package io.wanapis.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanapis.canonical.ChatRequest;
import io.wanapis.canonical.ChatResponse;
import io.wanapis.canonical.TranslatingStream;
import io.wanapis.json.Json;
import io.wanapis.providers.openai.OpenAiCodec;
import io.wanapis.providers.openai.OpenAiStreamDecoder;
import io.wanapis.providers.openai.OpenAiStreamEncoder;
import io.wanapis.sse.SseEvent;
import io.wanapis.sse.SseEventSplitter;
import io.wanapis.testing.Fixtures;
import io.wanapis.testing.OpenAiStreams;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Anthropic ⇄ OpenAI translation against the recorded Anthropic and OpenAI traffic. */
class AnthropicTranslationTest {
  static JsonNode json(String fixture) throws Exception {
    return Json.MAPPER.readTree(Files.readAllBytes(Fixtures.path(fixture)));
  }

  @Test
  void thinkingResponseBecomesReasoningContentWithItsSignature() throws Exception {
    ChatResponse r = AnthropicCodec.decodeResponse(json("anthropic/recorded/messages-thinking.response.json"), false);
    JsonNode out = OpenAiCodec.encodeResponse(r, "claude-sonnet-4-5");
    JsonNode msg = out.at("/choices/0/message");
    assertThat(msg.path("content").asText()).startsWith("Here's how to cross the street safely");
    assertThat(msg.path("reasoning_content").asText()).startsWith("This is a straightforward question");
    assertThat(msg.at("/thinking_blocks/0/signature").asText()).startsWith("Eq8CCkYICxgCKkDdadQ");
    assertThat(out.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(out.at("/usage/prompt_tokens").asLong()).isEqualTo(43);
    assertThat(out.at("/usage/completion_tokens").asLong()).isEqualTo(321);
    assertThat(out.path("object").asText()).isEqualTo("chat.completion");
  }

  @Test
  void parallelToolUseKeepsIdsAndInputs() throws Exception {
    JsonNode recorded = json("anthropic/recorded/messages-parallel-tool-use.response.json");
    JsonNode out = OpenAiCodec.encodeResponse(AnthropicCodec.decodeResponse(recorded, false), "m");
    List<String> ids = new ArrayList<>();
    recorded.path("content").forEach(b -> { if ("tool_use".equals(b.path("type").asText())) ids.add(b.path("id").asText()); });
    JsonNode calls = out.at("/choices/0/message/tool_calls");
    assertThat(calls).hasSize(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      assertThat(calls.get(i).path("id").asText()).isEqualTo(ids.get(i));
      assertThat(Json.MAPPER.readTree(calls.get(i).at("/function/arguments").asText())).isNotNull();
    }
    assertThat(out.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
  }

  /** The Anthropic request of a recorded turn survives Anthropic → canonical → OpenAI → canonical → Anthropic. */
  @ParameterizedTest
  @ValueSource(strings = {"messages-tool-result-then-tool-use", "messages-parallel-tool-results", "messages-image-url-input",
      "messages-text-system", "messages-tool-use"})
  void recordedRequestsRoundTripThroughOpenAi(String name) throws Exception {
    JsonNode original = json("anthropic/recorded/" + name + ".request.json");
    ChatRequest canonical = AnthropicCodec.decodeRequest(original);
    JsonNode openai = OpenAiCodec.encodeRequest(canonical, "gpt-4o", "max_tokens");
    ChatRequest back = OpenAiCodec.decodeRequest(openai);
    JsonNode again = AnthropicCodec.encodeRequest(back, original.path("model").asText());
    assertThat(again.path("messages").size()).isEqualTo(original.path("messages").size());
    assertThat(toolIds(again)).isEqualTo(toolIds(original));
    assertThat(texts(again)).isEqualTo(texts(original));
    assertThat(again.path("tools").size()).isEqualTo(original.path("tools").size());
  }

  private static List<String> toolIds(JsonNode anthropicRequest) {
    List<String> ids = new ArrayList<>();
    anthropicRequest.path("messages").forEach(m -> m.path("content").forEach(b -> {
      if (b.has("tool_use_id")) ids.add("result:" + b.path("tool_use_id").asText());
      if ("tool_use".equals(b.path("type").asText())) ids.add("use:" + b.path("id").asText() + ":" + b.path("input"));
    }));
    return ids;
  }

  private static String texts(JsonNode anthropicRequest) {
    StringBuilder sb = new StringBuilder();
    anthropicRequest.path("messages").forEach(m -> {
      JsonNode c = m.path("content");
      if (c.isTextual()) sb.append(c.asText());
      c.forEach(b -> {
        if ("text".equals(b.path("type").asText())) sb.append(b.path("text").asText());
        if ("image".equals(b.path("type").asText())) sb.append("[img ").append(b.at("/source/url").asText()).append(']');
      });
    });
    return sb.toString();
  }

  // ------------------------------------------------------------------ streams

  static String translateAnthropicToOpenAi(byte[] sse, Random chunking, boolean jsonMode) {
    TranslatingStream t = new TranslatingStream(new AnthropicStreamDecoder("anthropic", jsonMode),
        new OpenAiStreamEncoder("claude", true, "req_x"));
    Buffer out = Buffer.buffer();
    feed(sse, chunking, b -> t.onChunk(b, out::appendBuffer));
    t.onEnd(out::appendBuffer);
    return out.toString();
  }

  static void feed(byte[] all, Random r, java.util.function.Consumer<Buffer> sink) {
    int pos = 0;
    while (pos < all.length) {
      int n = r == null ? all.length : Math.min(all.length - pos, 1 + r.nextInt(80));
      sink.accept(Buffer.buffer().appendBytes(all, pos, n));
      pos += n;
    }
  }

  @Test
  void recordedThinkingStreamTranslatesToOpenAiChunks() throws Exception {
    byte[] sse = Files.readAllBytes(Fixtures.path("anthropic/recorded/messages-stream-thinking.response.sse"));
    Map<String, String> a = OpenAiStreams.assemble(translateAnthropicToOpenAi(sse, null, false));
    assertThat(a.get("reasoning")).isNotEmpty();
    assertThat(a.get("text")).isNotEmpty();
    assertThat(a.get("finish")).isEqualTo("stop");
    assertThat(a.get("done")).isEqualTo("true");
    assertThat(a.get("usage")).doesNotStartWith("0/");
  }

  @Test
  void recordedToolUseStreamKeepsTheToolIdAndArguments() throws Exception {
    byte[] sse = Files.readAllBytes(Fixtures.path("anthropic/sdk-fixtures/messages-stream-tool-use.sse"));
    Map<String, String> a = OpenAiStreams.assemble(translateAnthropicToOpenAi(sse, null, false));
    assertThat(a.get("tool0")).startsWith("toolu_01NRLabsLyVHZPKxbKvkfSMn:get_weather:");
    JsonNode args = Json.MAPPER.readTree(a.get("tool0").substring(a.get("tool0").indexOf(":get_weather:") + 13));
    assertThat(args.has("location")).isTrue();
    assertThat(a.get("finish")).isEqualTo("tool_calls");
    assertThat(a.get("text")).startsWith("I'll check the current weather");
  }

  @Test
  void inStreamOverloadedErrorBecomesAnOpenAiErrorEvent() throws Exception {
    byte[] sse = Files.readAllBytes(Fixtures.path("anthropic/sdk-fixtures/messages-stream-error-overloaded.sse"));
    Map<String, String> a = OpenAiStreams.assemble(translateAnthropicToOpenAi(sse, null, false));
    assertThat(a.get("error")).isEqualTo("upstream_unavailable");
    assertThat(a).doesNotContainKey("done");
  }

  /** Property: any chunking of a recorded stream translates to the same result (seeded). */
  @ParameterizedTest
  @ValueSource(longs = {1, 7, 42, 2024, 31337})
  void randomChunkingsTranslateIdentically(long seed) throws Exception {
    for (String f : List.of("anthropic/recorded/messages-stream-thinking.response.sse",
        "anthropic/sdk-fixtures/messages-stream-tool-use.sse", "anthropic/sdk-fixtures/messages-stream-text.sse")) {
      byte[] sse = Files.readAllBytes(Fixtures.path(f));
      Map<String, String> whole = OpenAiStreams.assemble(translateAnthropicToOpenAi(sse, null, false));
      Map<String, String> chunked = OpenAiStreams.assemble(translateAnthropicToOpenAi(sse, new Random(seed), false));
      assertThat(chunked).as("%s seed %d", f, seed).isEqualTo(whole);
    }
  }

  // ------------------------------------------------------------------ OpenAI stream -> Anthropic events

  @Test
  void recordedOpenAiToolStreamBecomesAnthropicEventsInOrder() throws Exception {
    byte[] sse = Files.readAllBytes(Fixtures.path("openai/recorded/chat-stream-tool-call-include-usage.response.sse"));
    TranslatingStream t = new TranslatingStream(new OpenAiStreamDecoder("openai"), new AnthropicStreamEncoder("gpt-4o-mini", "req_x"));
    Buffer out = Buffer.buffer();
    t.onChunk(Buffer.buffer(sse), out::appendBuffer);
    List<SseEvent> events = new ArrayList<>();
    new SseEventSplitter().feed(out, events::add);
    List<String> names = events.stream().map(SseEvent::event).toList();
    assertThat(names.get(0)).isEqualTo("message_start");
    assertThat(names.subList(names.size() - 2, names.size())).containsExactly("message_delta", "message_stop");
    assertThat(names).containsSubsequence("content_block_start", "content_block_delta", "content_block_stop", "message_delta");
    StringBuilder args = new StringBuilder();
    String id = null;
    for (SseEvent e : events) {
      JsonNode d = Json.MAPPER.readTree(e.data());
      if ("content_block_start".equals(e.event())) id = d.at("/content_block/id").asText();
      if ("content_block_delta".equals(e.event())) args.append(d.at("/delta/partial_json").asText());
      if ("message_delta".equals(e.event())) {
        assertThat(d.at("/delta/stop_reason").asText()).isEqualTo("tool_use");
        assertThat(d.at("/usage/input_tokens").asLong()).isEqualTo(53);
        assertThat(d.at("/usage/output_tokens").asLong()).isEqualTo(15);
      }
    }
    assertThat(id).isEqualTo("call_ZR5UUuTt3pf61kjwAJIYdVMj");
    assertThat(Json.MAPPER.readTree(args.toString()).path("country").asText()).isEqualTo("UK");
    assertThat(t.completed()).isTrue();
  }
}
