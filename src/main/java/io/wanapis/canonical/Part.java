package io.wanapis.canonical;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One piece of message content, the superset of what OpenAI, Anthropic and Gemini carry.
 * {@code cacheControl} keeps Anthropic's cache marker (a small JSON object) where a protocol has it.
 */
public sealed interface Part {
  record Text(String text, JsonNode cacheControl) implements Part {
    public Text(String text) {
      this(text, null);
    }
  }

  /**
   * An image by URL or inline data. For inline data {@code url} is null and {@code mediaType}
   * and {@code base64} are set; {@code detail} is OpenAI's low/high/auto hint.
   */
  record Image(String url, String mediaType, String base64, String detail, JsonNode cacheControl) implements Part {
    public static Image fromDataOrUrl(String urlOrData, String detail) {
      if (urlOrData != null && urlOrData.startsWith("data:")) {
        int semi = urlOrData.indexOf(';');
        int comma = urlOrData.indexOf(',');
        if (semi > 5 && comma > semi && urlOrData.substring(semi, comma).contains("base64")) {
          return new Image(null, urlOrData.substring(5, semi), urlOrData.substring(comma + 1), detail, null);
        }
      }
      return new Image(urlOrData, null, null, detail, null);
    }

    public String asDataUrlOrUrl() {
      return url != null ? url : "data:" + mediaType + ";base64," + base64;
    }
  }

  /** A call the assistant makes; {@code arguments} is the JSON text of the input object. */
  record ToolCall(String id, String name, String arguments) implements Part {}

  /** The answer to a tool call. */
  record ToolResult(String toolCallId, List<Part> content, boolean isError, JsonNode cacheControl) implements Part {}

  /** Visible reasoning, with the provider's signature where it has one (Anthropic, Gemini). */
  record Thinking(String text, String signature) implements Part {}

  /** Reasoning the provider keeps encrypted; only to be sent back to the same provider. */
  record RedactedThinking(String data) implements Part {}
}
