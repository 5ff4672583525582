package io.wanapis.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Builds a plausible JSON value that satisfies a JSON schema, the way a model fills tool arguments:
 * {@code enum[0]} / {@code const} first, then a value of the declared type ({@code "sample"}, 1, true,
 * one array item). Deterministic, so the same request always gets the same arguments.
 */
final class JsonSchemaSampler {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final int MAX_DEPTH = 8;

  private final JsonNode root;
  private final boolean includeOptional;

  /**
   * @param includeOptional also fill properties that are not {@code required} (used for response
   *                        formats, where an empty object would say little; tool calls fill only the
   *                        required ones, like models mostly do)
   */
  private JsonSchemaSampler(JsonNode root, boolean includeOptional) {
    this.root = root;
    this.includeOptional = includeOptional;
  }

  static JsonNode sample(JsonNode schema, boolean includeOptional) {
    if (schema == null || schema.isNull() || schema.isMissingNode()) {
      return NODES.objectNode();
    }
    return new JsonSchemaSampler(schema, includeOptional).value(schema, 0);
  }

  private JsonNode value(JsonNode schema, int depth) {
    if (schema == null || !schema.isObject() || depth > MAX_DEPTH) {
      return NODES.nullNode();
    }
    if (schema.has("$ref")) {
      return value(resolve(schema.get("$ref").asText()), depth + 1);
    }
    if (schema.has("const")) {
      return schema.get("const");
    }
    if (schema.has("enum") && schema.get("enum").isArray() && !schema.get("enum").isEmpty()) {
      return schema.get("enum").get(0);
    }
    for (String alternative : new String[] {"anyOf", "oneOf"}) {
      JsonNode options = schema.get(alternative);
      if (options != null && options.isArray() && !options.isEmpty()) {
        return value(firstNonNullSchema(options), depth + 1);
      }
    }
    if (schema.has("allOf") && schema.get("allOf").isArray()) {
      return value(mergeAllOf(schema), depth + 1);
    }
    return switch (typeOf(schema)) {
      case "object" -> object(schema, depth);
      case "array" -> array(schema, depth);
      case "integer" -> NODES.numberNode(atLeast(schema, 1));
      case "number" -> NODES.numberNode(atLeast(schema, 1));
      case "boolean" -> NODES.booleanNode(true);
      case "null" -> NODES.nullNode();
      default -> NODES.textNode(string(schema));
    };
  }

  private JsonNode object(JsonNode schema, int depth) {
    ObjectNode out = NODES.objectNode();
    JsonNode properties = schema.get("properties");
    if (properties == null || !properties.isObject()) {
      return out;
    }
    Set<String> required = new HashSet<>();
    schema.path("required").forEach(r -> required.add(r.asText()));
    for (Map.Entry<String, JsonNode> field : properties.properties()) {
      if (includeOptional || required.contains(field.getKey())) {
        out.set(field.getKey(), value(field.getValue(), depth + 1));
      }
    }
    return out;
  }

  private JsonNode array(JsonNode schema, int depth) {
    ArrayNode out = NODES.arrayNode();
    int items = Math.max(1, schema.path("minItems").asInt(1));
    JsonNode itemSchema = schema.get("items");
    for (int i = 0; i < items; i++) {
      out.add(itemSchema == null ? NODES.textNode("sample") : value(itemSchema, depth + 1));
    }
    return out;
  }

  private static String typeOf(JsonNode schema) {
    JsonNode type = schema.get("type");
    if (type == null) {
      return schema.has("properties") ? "object" : schema.has("items") ? "array" : "string";
    }
    if (type.isArray()) { // e.g. ["string", "null"]: a model picks the useful one
      for (JsonNode t : type) {
        if (!"null".equals(t.asText())) {
          return t.asText();
        }
      }
      return "null";
    }
    return type.asText();
  }

  private static String string(JsonNode schema) {
    String format = schema.path("format").asText("");
    String value = switch (format) {
      case "date" -> "2024-01-01";
      case "date-time" -> "2024-01-01T12:00:00Z";
      case "time" -> "12:00:00";
      case "email" -> "user@example.com";
      case "uri", "url" -> "https://example.com";
      case "uuid" -> "00000000-0000-4000-8000-000000000000";
      default -> "sample";
    };
    int minLength = schema.path("minLength").asInt(0);
    return value.length() >= minLength ? value : value + "x".repeat(minLength - value.length());
  }

  private static long atLeast(JsonNode schema, long preferred) {
    if (schema.has("minimum")) {
      return Math.max(preferred, (long) Math.ceil(schema.get("minimum").asDouble()));
    }
    if (schema.has("maximum")) {
      return Math.min(preferred, (long) Math.floor(schema.get("maximum").asDouble()));
    }
    return preferred;
  }

  private static JsonNode firstNonNullSchema(JsonNode options) {
    for (JsonNode option : options) {
      if (!"null".equals(option.path("type").asText())) {
        return option;
      }
    }
    return options.get(0);
  }

  private static JsonNode mergeAllOf(JsonNode schema) {
    ObjectNode merged = NODES.objectNode();
    ObjectNode properties = NODES.objectNode();
    ArrayNode required = NODES.arrayNode();
    for (JsonNode part : schema.get("allOf")) {
      part.properties().forEach(f -> {
        switch (f.getKey()) {
          case "properties" -> {
            if (f.getValue().isObject()) {
              properties.setAll((ObjectNode) f.getValue());
            }
          }
          case "required" -> {
            if (f.getValue().isArray()) {
              required.addAll((ArrayNode) f.getValue());
            }
          }
          default -> merged.set(f.getKey(), f.getValue());
        }
      });
    }
    schema.properties().forEach(f -> {
      if (!f.getKey().equals("allOf")) {
        merged.set(f.getKey(), f.getValue());
      }
    });
    if (!properties.isEmpty()) {
      merged.set("properties", properties);
      merged.put("type", "object");
    }
    if (!required.isEmpty()) {
      merged.set("required", required);
    }
    return merged;
  }

  /** Only local references ({@code #/$defs/x}, {@code #/definitions/x}) exist in tool schemas. */
  private JsonNode resolve(String ref) {
    if (!ref.startsWith("#")) {
      return NODES.objectNode();
    }
    JsonNode target = root.at(ref.substring(1));
    return target.isMissingNode() ? NODES.objectNode() : target;
  }
}
