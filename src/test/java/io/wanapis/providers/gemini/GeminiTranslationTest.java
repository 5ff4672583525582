package io.wanapis.providers.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanapis.canonical.ChatRequest;
import io.wanapis.canonical.TranslatingStream;
import io.wanapis.errors.ApiError;
import io.wanapis.json.Json;
import io.wanapis.testing.OpenAiStreams;
import io.wanapis.providers.openai.OpenAiCodec;
import io.wanapis.providers.openai.OpenAiStreamEncoder;
import io.wanapis.testing.Fixtures;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Gemini ⇄ canonical ⇄ OpenAI against the recorded Gemini traffic. */
class GeminiTranslationTest {
  static JsonNode json(String f) throws Exception {
    return Json.MAPPER.readTree(Files.readAllBytes(Fixtures.path(f)));
  }

  @Test
  void functionCallGetsAStableSynthesizedIdAndToolCallsFinish() throws Exception {
    JsonNode recorded = json("gemini/recorded/generate-content-function-call.response.json");
    JsonNode a = OpenAiCodec.encodeResponse(GeminiCodec.decodeResponse(recorded, "g"), "gemini-2.0-flash");
    JsonNode b = OpenAiCodec.encodeResponse(GeminiCodec.decodeResponse(recorded, "g"), "gemini-2.0-flash");
    String id = a.at("/choices/0/message/tool_calls/0/id").asText();
    assertThat(id).startsWith("call_").hasSize(29).isEqualTo(b.at("/choices/0/message/tool_calls/0/id").asText());
    assertThat(a.at("/choices/0/message/tool_calls/0/function/name").asText()).isEqualTo("get_user_country");
    assertThat(a.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(a.at("/usage/prompt_tokens").asLong()).isEqualTo(33);
    assertThat(a.at("/usage/completion_tokens").asLong()).isEqualTo(5);
  }

  @Test
  void thoughtsCountAsReasoningTokensInsideCompletionTokens() throws Exception {
    JsonNode a = OpenAiCodec.encodeResponse(GeminiCodec.decodeResponse(json("gemini/recorded/generate-content-thinking.response.json"), "g"), "m");
    assertThat(a.at("/usage/completion_tokens").asLong()).isEqualTo(736 + 1001);
    assertThat(a.at("/usage/completion_tokens_details/reasoning_tokens").asLong()).isEqualTo(1001);
    assertThat(a.at("/choices/0/message/reasoning_content").asText()).startsWith("**A Safe Street-Crossing Guide");
  }

  @Test
  void toolResultsFindTheirFunctionNameAndSignaturesGoBack() throws Exception {
    JsonNode recorded = json("gemini/recorded/generate-content-function-call-gemini3-thought-signature.response.json");
    JsonNode first = OpenAiCodec.encodeResponse(GeminiCodec.decodeResponse(recorded, "g"), "gemini-3-flash-preview");
    JsonNode call = first.at("/choices/0/message/tool_calls/0");
    String openAiNextTurn = """
        {"model":"gemini-3","messages":[{"role":"user","content":"topics?"},
          {"role":"assistant","content":null,"tool_calls":[%s]},
          {"role":"tool","tool_call_id":"%s","content":"{\\"topic\\":\\"cats\\"}"}]}
        """.formatted(call.toString(), call.path("id").asText());
    ChatRequest r = OpenAiCodec.decodeRequest(Json.MAPPER.readTree(openAiNextTurn));
    JsonNode g = GeminiCodec.encodeRequest(r, "gemini-3-flash-preview");
    JsonNode modelTurn = g.at("/contents/1");
    assertThat(modelTurn.path("role").asText()).isEqualTo("model");
    assertThat(modelTurn.at("/parts/0/thoughtSignature").asText()).startsWith("Es8FCswFAXLI2nx");
    JsonNode fr = g.at("/contents/2/parts/0/functionResponse");
    assertThat(fr.path("name").asText()).isEqualTo("generate_topic");
    assertThat(fr.at("/response/topic").asText()).isEqualTo("cats");
  }

  @Test
  void requestMappingMatchesWhatTheRecordedClientSent() throws Exception {
    String openai = """
        {"model":"gemini-2.0-flash","messages":[{"role":"user","content":"What is the largest city in the user country?"}],
         "tools":[{"type":"function","function":{"name":"get_user_country","description":"","parameters":{"type":"object","properties":{}}}},
                  {"type":"function","function":{"name":"final_result","description":"The final response which ends this conversation",
                   "parameters":{"type":"object","properties":{"city":{"type":"string"},"country":{"type":"string"}},"required":["city","country"]}}}],
         "tool_choice":"required"}
        """;
    JsonNode g = GeminiCodec.encodeRequest(OpenAiCodec.decodeRequest(Json.MAPPER.readTree(openai)), "gemini-2.0-flash");
    JsonNode recorded = json("gemini/recorded/generate-content-function-call.request.json");
    assertThat(g.path("contents")).isEqualTo(recorded.path("contents"));
    assertThat(g.at("/toolConfig/functionCallingConfig/mode").asText()).isEqualTo("ANY");
    assertThat(g.at("/tools/0/functionDeclarations/1/name").asText()).isEqualTo("final_result");
    assertThat(g.at("/tools/0/functionDeclarations/1/parametersJsonSchema/required").toString()).isEqualTo("[\"city\",\"country\"]");
  }

  @Test
  void httpsImagesAreRefusedWithAClearMessage() throws Exception {
    String openai = """
        {"model":"g","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/y.png"}}]}]}""";
    ChatRequest r = OpenAiCodec.decodeRequest(Json.MAPPER.readTree(openai));
    assertThatThrownBy(() -> GeminiCodec.encodeRequest(r, "g")).isInstanceOf(ApiError.class).hasMessageContaining("base64 data URLs");
  }

  static String translate(byte[] sse, Random r) {
    TranslatingStream t = new TranslatingStream(new GeminiStreamDecoder("gemini"), new OpenAiStreamEncoder("gemini", true, "req"));
    Buffer out = Buffer.buffer();
    int pos = 0;
    while (pos < sse.length) {
      int n = r == null ? sse.length : Math.min(sse.length - pos, 1 + r.nextInt(70));
      t.onChunk(Buffer.buffer().appendBytes(sse, pos, n), out::appendBuffer);
      pos += n;
    }
    t.onEnd(out::appendBuffer);
    return out.toString();
  }

  @Test
  void recordedStreamsTranslate() throws Exception {
    Map<String, String> text = OpenAiStreams.assemble(translate(
        Files.readAllBytes(Fixtures.path("gemini/recorded/stream-generate-content-text.response.sse")), null));
    assertThat(text.get("text")).isEqualTo("The capital of France is Paris.\n");
    assertThat(text.get("finish")).isEqualTo("stop");
    assertThat(text.get("usage")).isEqualTo("13/8");
    assertThat(text.get("done")).isEqualTo("true");
    Map<String, String> fc = OpenAiStreams.assemble(translate(
        Files.readAllBytes(Fixtures.path("gemini/recorded/stream-generate-content-function-call.response.sse")), null));
    assertThat(fc.get("tool0")).startsWith("call_");
    assertThat(fc.get("finish")).isEqualTo("tool_calls");
  }

  @ParameterizedTest
  @ValueSource(longs = {3, 17, 99, 4242})
  void randomChunkingsTranslateIdentically(long seed) throws Exception {
    for (String f : List.of("gemini/recorded/stream-generate-content-text.response.sse",
        "gemini/recorded/stream-generate-content-function-call.response.sse",
        "gemini/recorded/stream-generate-content-function-call-gemini3-thought-signature.response.sse",
        "gemini/recorded/stream-generate-content-usage-mid-stream.response.sse")) {
      byte[] sse = Files.readAllBytes(Fixtures.path(f));
      assertThat(OpenAiStreams.assemble(translate(sse, new Random(seed))))
          .as("%s seed %d", f, seed).isEqualTo(OpenAiStreams.assemble(translate(sse, null)));
    }
  }

  @Test
  void errorsMapToRetryableStatuses() {
    Buffer exhausted = Buffer.buffer("{\"error\":{\"code\":429,\"message\":\"Quota exceeded\",\"status\":\"RESOURCE_EXHAUSTED\"}}");
    assertThat(GeminiErrors.map("g", 429, null, exhausted).status()).isEqualTo(429);
    Buffer badKey = Buffer.buffer(Fixtures.path("gemini/errors/error-400-api-key-invalid.json").toFile().exists()
        ? readQuietly("gemini/errors/error-400-api-key-invalid.json") : "");
    assertThat(GeminiErrors.map("g", 400, null, badKey).code()).isEqualTo("upstream_auth_failed");
    Buffer tooLong = Buffer.buffer("{\"error\":{\"code\":400,\"message\":\"The input token count (2000000) exceeds the maximum number of tokens allowed (1048576).\",\"status\":\"INVALID_ARGUMENT\"}}");
    assertThat(GeminiErrors.map("g", 400, null, tooLong).code()).isEqualTo("context_length_exceeded");
  }

  private static String readQuietly(String f) {
    try {
      return Files.readString(Fixtures.path(f));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
