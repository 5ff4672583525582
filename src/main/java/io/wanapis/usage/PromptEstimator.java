package io.wanapis.usage;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanapis.json.Json;

/**
 * Counts a request's prompt tokens where the upstream reported none, with o200k_base and OpenAI's
 * published chat framing: 3 tokens of reply priming, and per message 3 + tokens(role) +
 * tokens(text). Exact for plain-text chat on current OpenAI models; an estimate for images,
 * tools and other vendors' tokenizers (docs/usage.md). Runs only on that rare path.
 */
public final class PromptEstimator {
  private PromptEstimator() {}

  public static long count(byte[] body, int len) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body, 0, len);
    } catch (Exception e) {
      return len / 4; // not JSON we can read: the usual 4 bytes per token
    }
    long n = 0;
    if (root.path("messages").isArray()) {
      n += 3;
      if (root.has("system")) n += 3 + TokenCounter.count("system") + TokenCounter.count(text(root.get("system")));
      for (JsonNode m : root.get("messages")) {
        n += 3 + TokenCounter.count(m.path("role").asText("")) + TokenCounter.count(text(m.path("content")));
        if (m.hasNonNull("name")) n += 1 + TokenCounter.count(m.get("name").asText());
      }
      return n;
    }
    if (root.has("prompt")) return TokenCounter.count(text(root.get("prompt")));
    if (root.has("input")) return TokenCounter.count(text(root.get("input")));
    return len / 4;
  }

  /** The text of a content value: a string, or the text parts of an array (strings or {type:text} blocks). */
  static String text(JsonNode c) {
    if (c == null || c.isNull() || c.isMissingNode()) return "";
    if (c.isTextual()) return c.asText();
    StringBuilder sb = new StringBuilder();
    if (c.isArray()) {
      for (JsonNode p : c) {
        if (p.isTextual()) sb.append(p.asText());
        else if (p.has("text")) sb.append(p.path("text").asText());
      }
    }
    return sb.toString();
  }

  /**
   * Output tokens of an answer the gateway relayed but the upstream did not count, from the bytes
   * written to the client. A stream carries about one event per token, each in an envelope of
   * roughly constant size, so {@code tokens ≈ (bytes − fixed) / bytes per event}; a whole answer
   * is its text at ~4.3 bytes per token plus a fixed envelope. The constants were fitted to the
   * simulator's wire format (which copies OpenAI's and Anthropic's, envelope fields included);
   * the tolerance measured is in docs/usage.md.
   */
  public static long outputFromBytes(long bytes, boolean stream, boolean anthropic) {
    if (bytes <= 0) return 0;
    double perToken = stream ? (anthropic ? 130 : 320) : 4.3;
    long fixed = stream ? 630 : anthropic ? 300 : 570;
    return Math.max(0, Math.round((bytes - fixed) / perToken));
  }
}
