package io.wanapis.simulator;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads a chat message's {@code content}, which is either a string or an array of typed parts. */
final class MessageContent {

  private MessageContent() {}

  /** All text of the message: the string, or the {@code text} (and {@code refusal}) parts joined. */
  static String text(JsonNode message) {
    JsonNode content = message.get("content");
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    var sb = new StringBuilder();
    for (JsonNode part : content) {
      String piece = part.isTextual() ? part.asText() : part.path("text").asText(part.path("refusal").asText(""));
      if (!piece.isEmpty()) {
        if (sb.length() > 0) {
          sb.append('\n');
        }
        sb.append(piece);
      }
    }
    return sb.toString();
  }

  static int imageCount(JsonNode message) {
    JsonNode content = message.get("content");
    int images = 0;
    if (content != null && content.isArray()) {
      for (JsonNode part : content) {
        if ("image_url".equals(part.path("type").asText())) {
          images++;
        }
      }
    }
    return images;
  }

  static String role(JsonNode message) {
    return message.path("role").asText();
  }
}
