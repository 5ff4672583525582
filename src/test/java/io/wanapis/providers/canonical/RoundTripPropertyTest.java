package io.wanapis.providers.canonical;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanapis.json.Json;
import io.wanapis.providers.anthropic.AnthropicCodec;
import io.wanapis.providers.openai.OpenAiCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property: a random valid OpenAI chat request survives OpenAI → canonical → Anthropic →
 * canonical → OpenAI without losing text, images, tools, tool-call ids or arguments. Each case is
 * reproducible from its seed (printed in the test name).
 */
class RoundTripPropertyTest {
  static List<Long> seeds() {
    List<Long> s = new ArrayList<>();
    Random master = new Random(20261125L);
    for (int i = 0; i < 200; i++) s.add(master.nextLong());
    return s;
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void survivesTheRoundTripThroughAnthropic(long seed) throws Exception {
    ObjectNode original = randomRequest(new Random(seed));
    var canonical = OpenAiCodec.decodeRequest(original);
    JsonNode anthropic = AnthropicCodec.encodeRequest(canonical, "claude-x");
    var back = AnthropicCodec.decodeRequest(anthropic);
    JsonNode result = OpenAiCodec.encodeRequest(back, original.path("model").asText(), "max_tokens");

    assertThat(normalise(result.path("messages"))).as("seed %d\n%s", seed, original.toPrettyString())
        .isEqualTo(normalise(original.path("messages")));
    assertThat(toolNames(result)).isEqualTo(toolNames(original));
    for (int i = 0; i < original.path("tools").size(); i++) {
      assertThat(result.at("/tools/" + i + "/function/parameters")).isEqualTo(original.at("/tools/" + i + "/function/parameters"));
    }
    assertThat(result.path("tool_choice")).isEqualTo(original.path("tool_choice"));
    assertThat(result.path("max_tokens").asInt()).isEqualTo(original.path("max_tokens").asInt());
  }

  /** Messages as comparable text: role, text, image URLs, tool-call ids with parsed arguments, tool results. */
  private static List<String> normalise(JsonNode messages) throws Exception {
    List<String> out = new ArrayList<>();
    for (JsonNode m : messages) {
      String role = m.path("role").asText();
      StringBuilder sb = new StringBuilder(role).append(':');
      JsonNode c = m.path("content");
      if (c.isTextual()) sb.append(c.asText());
      for (JsonNode p : c) {
        if (p.has("text")) sb.append(p.get("text").asText());
        if (p.has("image_url")) sb.append("[img ").append(p.at("/image_url/url").asText()).append(']');
      }
      for (JsonNode tc : m.path("tool_calls")) {
        sb.append(" call ").append(tc.path("id").asText()).append(' ').append(tc.at("/function/name").asText())
            .append(Json.MAPPER.readTree(tc.at("/function/arguments").asText()));
      }
      if (m.has("tool_call_id")) sb.append(" for ").append(m.path("tool_call_id").asText());
      out.add(sb.toString());
    }
    return out;
  }

  private static List<String> toolNames(JsonNode r) {
    List<String> names = new ArrayList<>();
    r.path("tools").forEach(t -> names.add(t.at("/function/name").asText()));
    return names;
  }

  // ------------------------------------------------------------------ generator

  private static final String[] WORDS = {"weather", "Paris", "tokens", "ünïcödé", "emoji 🚀", "quote \"x\"", "new\nline", "café", "42"};

  static ObjectNode randomRequest(Random r) {
    ObjectNode req = Json.MAPPER.createObjectNode();
    req.put("model", "gpt-4o");
    req.put("max_tokens", 1 + r.nextInt(4000));
    ArrayNode tools = Json.MAPPER.createArrayNode();
    int toolCount = r.nextInt(4);
    for (int i = 0; i < toolCount; i++) {
      ObjectNode f = tools.addObject().put("type", "function").putObject("function");
      f.put("name", "tool_" + i + "_" + r.nextInt(1000));
      f.put("description", words(r, 4));
      ObjectNode params = f.putObject("parameters").put("type", "object");
      ObjectNode props = params.putObject("properties");
      ArrayNode required = params.putArray("required");
      for (int k = 0; k < 1 + r.nextInt(3); k++) {
        String name = "p" + k;
        props.putObject(name).put("type", r.nextBoolean() ? "string" : "integer");
        if (r.nextBoolean()) required.add(name);
      }
    }
    if (toolCount > 0) {
      req.set("tools", tools);
      switch (r.nextInt(4)) {
        case 0 -> req.put("tool_choice", "auto");
        case 1 -> req.put("tool_choice", "required");
        case 2 -> req.put("tool_choice", "none");
        default -> req.putObject("tool_choice").put("type", "function").putObject("function")
            .put("name", tools.get(0).at("/function/name").asText());
      }
    }
    ArrayNode msgs = req.putArray("messages");
    if (r.nextBoolean()) msgs.addObject().put("role", "system").put("content", words(r, 6));
    int turns = 1 + r.nextInt(4);
    for (int t = 0; t < turns; t++) {
      userMessage(msgs, r);
      boolean last = t == turns - 1;
      if (last) break;
      ObjectNode a = msgs.addObject().put("role", "assistant");
      boolean calls = toolCount > 0 && r.nextBoolean();
      if (!calls || r.nextBoolean()) a.put("content", words(r, 5));
      else a.putNull("content");
      if (calls) {
        ArrayNode tcs = a.putArray("tool_calls");
        List<String> ids = new ArrayList<>();
        for (int k = 0; k < 1 + r.nextInt(3); k++) {
          String id = (r.nextBoolean() ? "call_" : "toolu_") + Long.toHexString(r.nextLong());
          ids.add(id);
          ObjectNode args = Json.MAPPER.createObjectNode().put("p0", words(r, 2));
          if (r.nextBoolean()) args.put("p1", r.nextInt(100));
          ObjectNode tc = tcs.addObject().put("id", id).put("type", "function");
          tc.putObject("function").put("name", tools.get(r.nextInt(toolCount)).at("/function/name").asText())
              .put("arguments", args.toString());
        }
        for (String id : ids) msgs.addObject().put("role", "tool").put("tool_call_id", id).put("content", words(r, 3));
      }
    }
    return req;
  }

  private static void userMessage(ArrayNode msgs, Random r) {
    ObjectNode u = msgs.addObject().put("role", "user");
    if (r.nextInt(3) > 0) {
      u.put("content", words(r, 5));
      return;
    }
    ArrayNode parts = u.putArray("content");
    parts.addObject().put("type", "text").put("text", words(r, 3));
    String url = r.nextBoolean() ? "https://example.com/img" + r.nextInt(100) + ".png"
        : "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB" + r.nextInt(1000);
    parts.addObject().put("type", "image_url").putObject("image_url").put("url", url);
  }

  private static String words(Random r, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 1 + r.nextInt(n); i++) {
      if (i > 0) sb.append(' ');
      sb.append(WORDS[r.nextInt(WORDS.length)]);
    }
    return sb.toString();
  }
}
