package io.wanapis.simulator;

import com.fasterxml.jackson.databind.JsonNode;

/** Best-effort facts about a request that a fault answers without reading it properly. */
final class FaultedRequest {

  private FaultedRequest() {}

  /** The requested model, for messages such as "Rate limit reached for gpt-4o"; a placeholder if unreadable. */
  static String model(String body) {
    return model(body, "gpt-4o");
  }

  /** The requested model, or {@code fallback} if unreadable. */
  static String model(String body, String fallback) {
    try {
      JsonNode node = Json.MAPPER.readTree(body);
      if (node != null && node.path("model").isTextual()) {
        return node.get("model").asText();
      }
    } catch (java.io.IOException | RuntimeException ignored) {
      // a fault answers whatever was sent
    }
    return fallback;
  }

  /** Rough prompt size (tokens of the raw body), for the context-length error. */
  static int tokenEstimate(String body) {
    return Tokenizer.count(body);
  }
}
