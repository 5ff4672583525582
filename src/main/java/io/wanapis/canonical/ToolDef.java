package io.wanapis.canonical;

import com.fasterxml.jackson.databind.JsonNode;

/** A function the model may call; {@code parameters} is a JSON schema. */
public record ToolDef(String name, String description, JsonNode parameters, Boolean strict, JsonNode cacheControl) {}
