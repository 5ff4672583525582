package io.wanapis.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Removes secrets from the before/after documents of audit entries. The views written there never
 * contain secrets in the first place; this is the second line, in case a future view does.
 */
public final class AuditRedaction {
  private static final Set<String> SECRET_FIELDS = Set.of(
      "key", "secret", "api_key", "secret_hash", "hash", "ciphertext", "nonce", "password", "token", "authorization");
  static final String REDACTED = "[redacted]";

  private AuditRedaction() {}

  public static JsonNode scrub(JsonNode node) {
    if (node == null || node.isNull()) return node;
    JsonNode copy = node.deepCopy();
    scrubInPlace(copy);
    return copy;
  }

  private static void scrubInPlace(JsonNode node) {
    if (node instanceof ObjectNode o) {
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        JsonNode v = o.get(name);
        if (SECRET_FIELDS.contains(name.toLowerCase(Locale.ROOT)) && !v.isNull()) o.set(name, TextNode.valueOf(REDACTED));
        else if (v.isTextual() && looksSecret(v.asText())) o.set(name, TextNode.valueOf(REDACTED));
        else scrubInPlace(v);
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        if (a.get(i).isTextual() && looksSecret(a.get(i).asText())) a.set(i, TextNode.valueOf(REDACTED));
        else scrubInPlace(a.get(i));
      }
    }
  }

  /** Provider and gateway keys start with "sk-"; display prefixes end in "…" and are fine. */
  private static boolean looksSecret(String s) {
    return s.startsWith("sk-") && s.length() > 20 && !s.endsWith("…");
  }
}
