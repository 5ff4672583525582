package io.wanapis.admin;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.wanapis.json.Json;
import io.wanapis.keys.KeyDraft;
import io.wanapis.keys.KeyEndpoints;
import io.wanapis.keys.KeyPatch;
import io.wanapis.keys.KeyRole;
import io.wanapis.keys.Limits;
import io.wanapis.keys.ModelPatterns;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads admin request bodies; every refusal names the field and what to send instead. */
final class AdminBodies {
  private AdminBodies() {}

  static JsonNode parse(byte[] bytes, int length) {
    if (length == 0) return Json.MAPPER.createObjectNode();
    try {
      JsonNode n = Json.MAPPER.readTree(bytes, 0, length);
      if (n == null || !n.isObject()) throw AdminErrors.invalid("The body must be a JSON object");
      return n;
    } catch (java.io.IOException e) {
      throw AdminErrors.invalid("The body is not valid JSON");
    }
  }

  static String text(JsonNode o, String field, boolean required) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      if (required) throw AdminErrors.invalid("'" + field + "' is required");
      return null;
    }
    if (!v.isTextual() || v.asText().isBlank()) throw AdminErrors.invalid("'" + field + "' must be a non-empty string");
    if (v.asText().length() > 200) throw AdminErrors.invalid("'" + field + "' is longer than 200 characters");
    return v.asText();
  }

  static List<String> strings(JsonNode o, String field) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) return null;
    if (!v.isArray()) throw AdminErrors.invalid("'" + field + "' must be an array of strings");
    List<String> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isTextual()) throw AdminErrors.invalid("'" + field + "' must be an array of strings");
      out.add(e.asText());
    }
    return out;
  }

  static Long instant(JsonNode o, String field) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) return null;
    try {
      return Instant.parse(v.asText()).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw AdminErrors.invalid("'" + field + "' must be an ISO-8601 time like 2030-01-31T00:00:00Z");
    }
  }

  static Map<String, Object> metadata(JsonNode o) {
    JsonNode v = o.get("metadata");
    if (v == null || v.isNull()) return null;
    if (!v.isObject()) throw AdminErrors.invalid("'metadata' must be a JSON object");
    return Json.MAPPER.convertValue(v, new TypeReference<Map<String, Object>>() {});
  }

  static Limits limits(JsonNode o) {
    try {
      return io.wanapis.keys.LimitsJson.parse(o.get("limits"), "limits", true);
    } catch (IllegalArgumentException e) {
      throw AdminErrors.invalid(e.getMessage());
    }
  }

  private static JsonNode positive(JsonNode n, String field) {
    if (!n.isNumber() || n.decimalValue().signum() < 0) throw AdminErrors.invalid("'" + field + "' must be a number, 0 or more");
    return n;
  }

  static KeyRole role(JsonNode o) {
    String r = text(o, "role", false);
    if (r == null) return null;
    try {
      return KeyRole.parse(r);
    } catch (IllegalArgumentException e) {
      throw AdminErrors.invalid("'role' " + e.getMessage().substring("role ".length()));
    }
  }

  static List<String> models(JsonNode o) {
    List<String> m = strings(o, "models");
    if (m != null) {
      try {
        ModelPatterns.validate(m);
      } catch (IllegalArgumentException e) {
        throw AdminErrors.invalid(e.getMessage());
      }
    }
    return m;
  }

  static List<String> endpoints(JsonNode o) {
    List<String> e = strings(o, "endpoints");
    if (e != null) {
      try {
        KeyEndpoints.validate(e);
      } catch (IllegalArgumentException ex) {
        throw AdminErrors.invalid(ex.getMessage());
      }
    }
    return e;
  }

  /** Defaults: role app, every model ({@code *}), every endpoint, no expiry. */
  static KeyDraft draft(JsonNode o) {
    KeyRole role = role(o);
    List<String> models = models(o);
    List<String> endpoints = endpoints(o);
    return new KeyDraft(text(o, "name", true), role == null ? KeyRole.APP : role, text(o, "team", false), text(o, "project", false),
        text(o, "owner", false), models == null ? List.of("*") : models, endpoints == null ? KeyEndpoints.ALL : endpoints,
        instant(o, "expires_at"), metadata(o), limits(o));
  }

  static KeyPatch patch(JsonNode o) {
    if (o.has("team")) throw AdminErrors.invalid("A key cannot move to another team; create a new key in that team");
    return new KeyPatch(text(o, "name", false), role(o), text(o, "owner", false), o.has("owner"), text(o, "project", false),
        o.has("project"), models(o), endpoints(o), instant(o, "expires_at"), o.has("expires_at"), metadata(o), limits(o));
  }
}
