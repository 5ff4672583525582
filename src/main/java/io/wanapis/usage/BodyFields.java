package io.wanapis.usage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.wanapis.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The few top-level request fields metering needs that the ingress does not peek: the output cap
 * ({@code max_tokens}, {@code max_completion_tokens}, {@code max_output_tokens}) and the
 * {@code metadata} object (string values become {@code key:value} tags; Anthropic's
 * {@code metadata.user_id} names the end user). Read with the streaming parser, skipping
 * everything else, and only when asked: nothing is parsed for requests no budget or tag needs.
 */
public record BodyFields(long maxTokens, List<String> metadataTags, String metadataUser) {
  public static final BodyFields NONE = new BodyFields(-1, List.of(), null);
  private static final byte[] METADATA = "\"metadata\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** Cheap pre-check so the common request without metadata is never parsed for tags. */
  public static boolean mentionsMetadata(byte[] body, int len) {
    outer:
    for (int i = 0; i + METADATA.length <= len; i++) {
      for (int j = 0; j < METADATA.length; j++) if (body[i + j] != METADATA[j]) continue outer;
      return true;
    }
    return false;
  }

  public static BodyFields read(byte[] body, int len) {
    long max = -1;
    List<String> tags = new ArrayList<>();
    String user = null;
    try (JsonParser p = Json.FACTORY.createParser(body, 0, len)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return NONE;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        switch (name) {
          case "max_tokens", "max_completion_tokens", "max_output_tokens" -> {
            if (v == JsonToken.VALUE_NUMBER_INT) max = Math.max(max, p.getLongValue());
          }
          case "metadata" -> {
            if (v != JsonToken.START_OBJECT) {
              p.skipChildren();
              break;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String k = p.currentName();
              JsonToken t = p.nextToken();
              if (t == JsonToken.VALUE_STRING) {
                if ("user_id".equals(k)) user = p.getText();
                else tags.add(Tags.clean(k + ":" + p.getText()));
              } else {
                p.skipChildren();
              }
            }
          }
          default -> p.skipChildren();
        }
      }
    } catch (IOException | RuntimeException e) {
      // the ingress already accepted the body; a field we cannot read is simply not used
    }
    return new BodyFields(max, tags, user);
  }
}
