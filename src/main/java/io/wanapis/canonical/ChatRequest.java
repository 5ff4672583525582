package io.wanapis.canonical;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A chat request in the gateway's canonical form: the superset of OpenAI chat, Anthropic
 * Messages and Gemini generateContent that translation goes through. Null means "not set"
 * (the upstream's default applies). Only cross-protocol requests are decoded into it.
 */
public record ChatRequest(
    String model,
    List<Part> system,
    List<Message> messages,
    List<ToolDef> tools,
    ToolChoice toolChoice,
    Boolean parallelToolCalls,
    Integer maxTokens,
    Double temperature,
    Double topP,
    Integer topK,
    List<String> stop,
    ResponseFormat responseFormat,
    Reasoning reasoning,
    boolean stream,
    boolean includeUsage,
    String user,
    Integer n,
    Long seed,
    JsonNode metadata,
    java.util.Map<String, JsonNode> unmapped) {

  /**
   * Request fields the canonical model does not carry (e.g. {@code logit_bias}); an adapter that
   * cannot honour one refuses the request with a 400 naming it, or drops it when configured to
   * ({@link io.wanapis.providers.UnsupportedParams}).
   */
  public java.util.Map<String, JsonNode> unmapped() {
    return unmapped == null ? java.util.Map.of() : unmapped;
  }

  public ChatRequest withModel(String m) {
    return new ChatRequest(m, system, messages, tools, toolChoice, parallelToolCalls, maxTokens, temperature, topP, topK,
        stop, responseFormat, reasoning, stream, includeUsage, user, n, seed, metadata, unmapped);
  }

  public String systemText() {
    if (system == null) return null;
    StringBuilder sb = new StringBuilder();
    for (Part p : system) {
      if (p instanceof Part.Text t) {
        if (sb.length() > 0) sb.append("\n\n");
        sb.append(t.text());
      }
    }
    return sb.toString();
  }
}
