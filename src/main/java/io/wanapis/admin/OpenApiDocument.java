package io.wanapis.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.wanapis.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The admin API's OpenAPI 3.0 document, kept as YAML next to this class (easier to read and
 * review) and served as JSON at {@code GET /admin/openapi.json}.
 */
public final class OpenApiDocument {
  private OpenApiDocument() {}

  public static byte[] json() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream("openapi.yaml")) {
      if (in == null) throw new IllegalStateException("openapi.yaml missing from the jar");
      return Json.MAPPER.writeValueAsBytes(new ObjectMapper(new YAMLFactory()).readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
