package io.wanapis.usage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.wanapis.json.Json;
import java.io.IOException;

/**
 * Reads the {@code usage} object of an OpenAI-shaped body (completion, chunk or embedding) with
 * the streaming parser, skipping everything else. Understands both the chat/completions names
 * ({@code prompt_tokens}, {@code completion_tokens}) and the details objects.
 */
public final class OpenAiUsageReader {
  private OpenAiUsageReader() {}

  /** Usage of the body, or {@link Usage#UNKNOWN} when it has none (or it is null). */
  public static Usage read(byte[] body, int off, int len) {
    try (JsonParser p = Json.FACTORY.createParser(body, off, len)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return Usage.UNKNOWN;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if ("usage".equals(name) && v == JsonToken.START_OBJECT) return readUsage(p);
        p.skipChildren();
      }
    } catch (IOException | RuntimeException e) {
      // A body we cannot read has no usage we can count; the caller logs it as unknown.
    }
    return Usage.UNKNOWN;
  }

  public static Usage read(String json) {
    byte[] b = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return read(b, 0, b.length);
  }

  private static Usage readUsage(JsonParser p) throws IOException {
    long in = -1, out = -1, cached = -1, reasoning = -1;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "prompt_tokens" -> in = number(p, v);
        case "completion_tokens" -> out = number(p, v);
        case "prompt_tokens_details" -> cached = detail(p, v, "cached_tokens");
        case "completion_tokens_details" -> reasoning = detail(p, v, "reasoning_tokens");
        default -> p.skipChildren();
      }
    }
    // Embeddings report only prompt_tokens: nothing is generated.
    if (in >= 0 && out < 0) out = 0;
    return new Usage(in, out, cached, reasoning, false);
  }

  private static long number(JsonParser p, JsonToken v) throws IOException {
    return v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
  }

  private static long detail(JsonParser p, JsonToken v, String field) throws IOException {
    if (v != JsonToken.START_OBJECT) {
      p.skipChildren();
      return -1;
    }
    long found = -1;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if (field.equals(name)) found = number(p, t);
      else p.skipChildren();
    }
    return found;
  }
}
