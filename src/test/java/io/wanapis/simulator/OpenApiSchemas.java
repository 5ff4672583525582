package io.wanapis.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates JSON bodies against component schemas of OpenAI's OpenAPI 3.1 spec.
 *
 * <p>The spec's schemas are JSON Schema 2020-12, so they are checked with networknt's 2020-12 validator
 * (the swagger request validator targets OpenAPI 3.0 schemas). One wrinkle: the spec still carries OpenAPI 3.0's
 * {@code nullable: true} in about a hundred places, which 2020-12 ignores; the real API then sends
 * {@code null} there (e.g. a chunk's {@code finish_reason}), so each such schema is rewritten to the 3.1
 * form {@code anyOf: [<schema>, {type: "null"}]} before loading. The OpenAPI-only annotations
 * ({@code x-...} extensions, {@code discriminator}) are dropped as well: they never constrain a value, and
 * the 2020-12 dialect would warn about each as an unknown keyword.
 */
final class OpenApiSchemas {

  private static final String SPEC_URI = "https://wanapis.test/openai/openapi.json";

  private final SchemaRegistry registry;
  private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

  private OpenApiSchemas(String specJson) {
    this.registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
        builder -> builder.schemas(Map.of(SPEC_URI, specJson)));
  }

  static OpenApiSchemas load(Path openapiYaml) {
    try {
      JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree(openapiYaml.toFile());
      return new OpenApiSchemas(Json.MAPPER.writeValueAsString(toJsonSchema2020(spec)));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Validation errors of {@code json} against {@code #/components/schemas/<component>}; empty when valid. */
  List<String> errors(String component, String json) {
    Schema schema = schemas.computeIfAbsent(component, name ->
        registry.getSchema(SchemaLocation.of(SPEC_URI + "#/components/schemas/" + name)));
    return schema.validate(json, InputFormat.JSON).stream().map(Error::toString).toList();
  }

  /** Rewrites OpenAPI 3.0 {@code nullable: true} schemas to their JSON Schema 2020-12 equivalent. */
  static JsonNode toJsonSchema2020(JsonNode node) {
    if (node.isArray()) {
      ArrayNode out = Json.array();
      node.forEach(item -> out.add(toJsonSchema2020(item)));
      return out;
    }
    if (!node.isObject()) {
      return node;
    }
    ObjectNode out = Json.object();
    node.properties().forEach(f -> {
      if (!isOpenApiOnly(f.getKey(), f.getValue())) {
        out.set(f.getKey(), toJsonSchema2020(f.getValue()));
      }
    });
    if (node.path("nullable").asBoolean(false)) {
      ObjectNode wrapper = Json.object();
      ArrayNode anyOf = wrapper.putArray("anyOf");
      anyOf.add(out);
      anyOf.addObject().put("type", "null");
      return wrapper;
    }
    return out;
  }

  private static boolean isOpenApiOnly(String key, JsonNode value) {
    return (key.equals("nullable") && value.isBoolean())
        || key.startsWith("x-")
        || (key.equals("discriminator") && value.has("propertyName"));
  }
}
