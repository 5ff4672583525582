package io.wanapis.canonical;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanapis.errors.ApiError;
import io.wanapis.json.Json;
import java.util.ArrayList;
import java.util.List;

/** Small helpers for reading optional fields of JSON trees in the codecs. */
public final class Nodes {
  private Nodes() {}

  public static String text(JsonNode n, String field) {
    JsonNode v = n == null ? null : n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  public static Integer integer(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asInt();
  }

  public static Long longValue(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asLong();
  }

  public static Double number(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asDouble();
  }

  public static Boolean bool(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asBoolean();
  }

  public static JsonNode node(JsonNode n, String field) {
    JsonNode v = n == null ? null : n.get(field);
    return v == null || v.isNull() || v.isMissingNode() ? null : v;
  }

  /** A string or array of strings as a list (OpenAI's {@code stop}). */
  public static List<String> strings(JsonNode v) {
    if (v == null || v.isNull()) return null;
    List<String> out = new ArrayList<>();
    if (v.isArray()) v.forEach(e -> out.add(e.asText()));
    else out.add(v.asText());
    return out;
  }

  /** Parses tool-call arguments; invalid JSON (a model's truncated output) is kept as a string field. */
  public static JsonNode parseArguments(String json) {
    if (json == null || json.isBlank()) return Json.MAPPER.createObjectNode();
    try {
      JsonNode n = Json.MAPPER.readTree(json);
      return n == null ? Json.MAPPER.createObjectNode() : n;
    } catch (Exception e) {
      ObjectNode o = Json.MAPPER.createObjectNode();
      o.put("_raw_arguments", json);
      return o;
    }
  }

  public static JsonNode parse(byte[] body, int off, int len) {
    try {
      return Json.MAPPER.readTree(body, off, len);
    } catch (Exception e) {
      throw ApiError.invalidJson(e.getMessage() == null ? "unreadable" : e.getMessage().split("\n")[0]);
    }
  }

  public static byte[] bytes(JsonNode n) {
    try {
      return Json.MAPPER.writeValueAsBytes(n);
    } catch (Exception e) {
      throw ApiError.internal("writing JSON");
    }
  }

  public static String string(JsonNode n) {
    try {
      return Json.MAPPER.writeValueAsString(n);
    } catch (Exception e) {
      throw ApiError.internal("writing JSON");
    }
  }
}
