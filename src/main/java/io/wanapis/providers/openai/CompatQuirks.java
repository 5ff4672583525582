package io.wanapis.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanapis.config.ProviderType;
import io.wanapis.json.Json;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Known quirks of OpenAI-compatible servers, applied to a pass-through body only when the body
 * can contain what the quirk is about (a cheap byte search first; a tree only then):
 * <ul>
 *   <li>Mistral accepts only tool-call ids of 9 letters and digits: other ids (e.g. OpenAI's
 *       {@code call_…}) are mapped to 9 characters by a hash, the same way in the assistant's
 *       {@code tool_calls} and in the {@code tool} messages, so the conversation stays linked.
 *   <li>DeepSeek refuses {@code reasoning_content} in input messages (it returns it in answers,
 *       clients send it back): it is removed from the history.
 * </ul>
 */
final class CompatQuirks {
  private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private CompatQuirks() {}

  /** The body to send, or null when no quirk applies. */
  static Buffer apply(ProviderType type, Buffer body) {
    if (type == ProviderType.MISTRAL && contains(body, "tool_call")) return edit(body, CompatQuirks::mistralIds);
    if (type == ProviderType.DEEPSEEK && contains(body, "reasoning_content")) return edit(body, CompatQuirks::dropReasoning);
    return null;
  }

  private static boolean contains(Buffer b, String s) {
    return b.toString(StandardCharsets.UTF_8).contains(s);
  }

  private static Buffer edit(Buffer body, java.util.function.Consumer<JsonNode> change) {
    try {
      JsonNode root = Json.MAPPER.readTree(body.getBytes());
      change.accept(root);
      return Buffer.buffer(Json.MAPPER.writeValueAsBytes(root));
    } catch (Exception e) {
      return null; // the body was checked before; if it cannot be read now, send it as it is
    }
  }

  private static void mistralIds(JsonNode root) {
    for (JsonNode m : root.path("messages")) {
      for (JsonNode tc : m.path("tool_calls")) {
        if (tc.has("id")) ((ObjectNode) tc).put("id", mistralId(tc.get("id").asText()));
      }
      if (m.has("tool_call_id")) ((ObjectNode) m).put("tool_call_id", mistralId(m.get("tool_call_id").asText()));
    }
  }

  static String mistralId(String id) {
    if (id.length() == 9 && id.chars().allMatch(c -> ALNUM.indexOf(c) >= 0)) return id;
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder(9);
      for (int i = 0; i < 9; i++) sb.append(ALNUM.charAt((h[i] & 0xff) % ALNUM.length()));
      return sb.toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void dropReasoning(JsonNode root) {
    for (JsonNode m : root.path("messages")) if (m.isObject()) ((ObjectNode) m).remove("reasoning_content");
  }
}
