package io.wanapis.providers.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanapis.canonical.TranslatingStream;
import io.wanapis.json.Json;
import io.wanapis.testing.OpenAiStreams;
import io.wanapis.providers.openai.OpenAiCodec;
import io.wanapis.providers.openai.OpenAiStreamEncoder;
import io.wanapis.testing.Fixtures;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bedrock Converse ⇄ canonical ⇄ OpenAI against the recorded Bedrock traffic (binary event streams included). */
class BedrockTranslationTest {
  static byte[] stream(String name) throws Exception {
    String b64 = Files.readString(Fixtures.path("bedrock/recorded/" + name + ".response.eventstream.b64.txt")).replaceAll("\\s", "");
    return Base64.getDecoder().decode(b64);
  }

  @Test
  void eventStreamFramesDecodeAsRecorded() throws Exception {
    List<EventStreamDecoder.Frame> frames = new ArrayList<>();
    new EventStreamDecoder().feed(Buffer.buffer(stream("converse-stream-tool-use")), frames::add);
    JsonNode expected = Json.MAPPER.readTree(Files.readAllBytes(Fixtures.path("bedrock/recorded/converse-stream-tool-use.response.events.json")));
    assertThat(frames).hasSize(expected.size());
    for (int i = 0; i < frames.size(); i++) {
      assertThat(frames.get(i).header(":event-type")).isEqualTo(expected.get(i).at("/headers/:event-type").asText());
      assertThat(Json.MAPPER.readTree(frames.get(i).payload())).isEqualTo(expected.get(i).get("payload"));
    }
  }

  @Test
  void corruptedFramesAreRefused() throws Exception {
    byte[] bytes = stream("converse-stream-text");
    bytes[20] ^= 0x55;
    assertThatThrownBy(() -> new EventStreamDecoder().feed(Buffer.buffer(bytes), f -> { })).hasMessageContaining("CRC");
  }

  @Test
  void encodedFramesRoundTrip() {
    Buffer f = EventStreamDecoder.encode(Map.of(":event-type", "messageStop", ":message-type", "event"), "{\"stopReason\":\"end_turn\"}".getBytes());
    List<EventStreamDecoder.Frame> out = new ArrayList<>();
    new EventStreamDecoder().feed(f, out::add);
    assertThat(out.get(0).header(":event-type")).isEqualTo("messageStop");
    assertThat(out.get(0).payloadText()).contains("end_turn");
  }

  @Test
  void toolUseResponseKeepsItsId() throws Exception {
    JsonNode body = Json.MAPPER.readTree(Files.readAllBytes(Fixtures.path("bedrock/recorded/converse-tool-use.response.json")));
    JsonNode out = OpenAiCodec.encodeResponse(BedrockCodec.decodeResponse(body, false), "nova");
    assertThat(out.at("/choices/0/message/tool_calls/0/id").asText()).isEqualTo("tooluse_Mj06ft-ITJik1Otgpkc1uA");
    assertThat(Json.MAPPER.readTree(out.at("/choices/0/message/tool_calls/0/function/arguments").asText()).path("city").asText()).isEqualTo("London");
    assertThat(out.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(out.at("/usage/prompt_tokens").asLong()).isEqualTo(571);
  }

  @Test
  void requestMatchesTheRecordedConverseShape() throws Exception {
    JsonNode recorded = Json.MAPPER.readTree(Files.readAllBytes(Fixtures.path("bedrock/recorded/converse-tool-use.request.json")));
    String openai = """
        {"model":"nova","messages":[{"role":"system","content":"You are a helpful chatbot."},
          {"role":"user","content":"What was the temperature in London 1st January 2022?"}],
         "tools":[%s],"tool_choice":"required"}""".formatted(toolsAsOpenAi(recorded));
    JsonNode b = BedrockCodec.encodeRequest(OpenAiCodec.decodeRequest(Json.MAPPER.readTree(openai)));
    assertThat(b.path("messages")).isEqualTo(recorded.path("messages"));
    assertThat(b.path("system")).isEqualTo(recorded.path("system"));
    assertThat(b.path("toolConfig")).isEqualTo(recorded.path("toolConfig"));
  }

  private static String toolsAsOpenAi(JsonNode recorded) {
    List<String> tools = new ArrayList<>();
    recorded.at("/toolConfig/tools").forEach(t -> {
      JsonNode s = t.path("toolSpec");
      tools.add("{\"type\":\"function\",\"function\":{\"name\":" + s.path("name") + ",\"description\":" + s.path("description")
          + ",\"parameters\":" + s.at("/inputSchema/json") + "}}");
    });
    return String.join(",", tools);
  }

  static String translate(byte[] bytes, Random r) {
    TranslatingStream t = new TranslatingStream(new BedrockStreamDecoder("bedrock", false), new OpenAiStreamEncoder("m", true, "req"));
    Buffer out = Buffer.buffer();
    int pos = 0;
    while (pos < bytes.length) {
      int n = r == null ? bytes.length : Math.min(bytes.length - pos, 1 + r.nextInt(90));
      t.onChunk(Buffer.buffer().appendBytes(bytes, pos, n), out::appendBuffer);
      pos += n;
    }
    t.onEnd(out::appendBuffer);
    return out.toString();
  }

  @Test
  void recordedStreamsTranslate() throws Exception {
    Map<String, String> tool = OpenAiStreams.assemble(translate(stream("converse-stream-tool-use"), null));
    assertThat(tool.get("finish")).isEqualTo("tool_calls");
    assertThat(tool.get("tool0")).startsWith("tooluse_");
    assertThat(tool.get("usage")).isEqualTo("471/91");
    assertThat(tool.get("done")).isEqualTo("true");
    Map<String, String> reasoning = OpenAiStreams.assemble(translate(stream("converse-stream-claude-reasoning"), null));
    assertThat(reasoning.get("reasoning")).isNotEmpty();
    assertThat(reasoning.get("text")).isNotEmpty();
  }

  @ParameterizedTest
  @ValueSource(longs = {5, 11, 1009})
  void randomChunkingsTranslateIdentically(long seed) throws Exception {
    for (String name : List.of("converse-stream-text", "converse-stream-tool-use", "converse-stream-claude-reasoning", "converse-stream-after-tool-result")) {
      byte[] bytes = stream(name);
      assertThat(OpenAiStreams.assemble(translate(bytes, new Random(seed))))
          .isEqualTo(OpenAiStreams.assemble(translate(bytes, null)));
    }
  }
}
