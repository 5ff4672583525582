package io.wanapis.canonical;

import com.fasterxml.jackson.databind.JsonNode;

/** Plain text, any JSON object, or JSON matching a schema. */
public record ResponseFormat(Kind kind, String name, JsonNode schema, Boolean strict) {
  public enum Kind { TEXT, JSON_OBJECT, JSON_SCHEMA }
}
