package io.wanapis.json;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.wanapis.errors.ApiError;
import java.io.IOException;

/**
 * Scans a JSON request body once with Jackson's streaming parser: reads the few top-level fields
 * routing needs and validates the rest by skipping it. Much cheaper than a tree, and the original
 * bytes can then be forwarded with only the model value spliced (see {@link BodySplicer}).
 */
public final class RequestPeeker {
  private RequestPeeker() {}

  public static RequestPeek peek(byte[] body, int length) {
    try (JsonParser p = Json.FACTORY.createParser(body, 0, length)) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw ApiError.invalidJson(first == null ? "the body is empty" : "the body must be a JSON object, not " + describe(first));
      }
      int objectStart = (int) p.currentTokenLocation().getByteOffset();
      String model = null;
      int modelStart = -1, modelEnd = -1, soStart = -1, soEnd = -1;
      boolean stream = false, usageRequested = false, messages = false, prompt = false, input = false, maxTokens = false;
      String user = null;
      int maxTokenValue = 0;
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        switch (name) {
          case "model" -> {
            if (v != JsonToken.VALUE_STRING) throw ApiError.invalidParameter("model", "'model' must be a string, not " + describe(v) + ".");
            modelStart = (int) p.currentTokenLocation().getByteOffset();
            model = p.getText();
            modelEnd = (int) p.currentLocation().getByteOffset();
          }
          case "stream" -> {
            if (v == JsonToken.VALUE_TRUE) stream = true;
            else if (v == JsonToken.VALUE_FALSE || v == JsonToken.VALUE_NULL) stream = false;
            else throw ApiError.invalidParameter("stream", "'stream' must be a boolean, not " + describe(v) + ".");
          }
          case "stream_options" -> {
            soStart = (int) p.currentTokenLocation().getByteOffset();
            if (v == JsonToken.START_OBJECT) {
              usageRequested = scanStreamOptions(p);
            } else if (v != JsonToken.VALUE_NULL) {
              throw ApiError.invalidParameter("stream_options", "'stream_options' must be an object, not " + describe(v) + ".");
            }
            soEnd = (int) p.currentLocation().getByteOffset();
          }
          case "messages" -> {
            messages = v == JsonToken.START_ARRAY;
            p.skipChildren();
          }
          case "prompt" -> {
            prompt = v != JsonToken.VALUE_NULL;
            p.skipChildren();
          }
          case "input" -> {
            input = v != JsonToken.VALUE_NULL;
            p.skipChildren();
          }
          case "max_tokens", "max_completion_tokens" -> {
            if (name.equals("max_tokens")) maxTokens = v != JsonToken.VALUE_NULL;
            if (v == JsonToken.VALUE_NUMBER_INT) maxTokenValue = p.getIntValue();
            p.skipChildren();
          }
          case "user" -> {
            if (v == JsonToken.VALUE_STRING) user = p.getText();
          }
          default -> p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT) throw ApiError.invalidJson("unexpected " + describe(t));
      if (p.nextToken() != null) throw ApiError.invalidJson("unexpected content after the JSON object");
      return new RequestPeek(model, modelStart, modelEnd, stream, usageRequested, soStart, soEnd, objectStart,
          messages, prompt, input, maxTokens, user, maxTokenValue);
    } catch (JsonParseException e) {
      var loc = e.getLocation();
      String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      throw ApiError.invalidJson(e.getOriginalMessage().split("\n")[0] + where);
    } catch (IOException e) {
      throw ApiError.invalidJson(e.getMessage());
    }
  }

  /** Reads {@code stream_options} (parser on its START_OBJECT); true when include_usage is true. */
  private static boolean scanStreamOptions(JsonParser p) throws IOException {
    boolean include = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if ("include_usage".equals(name)) include = v == JsonToken.VALUE_TRUE;
      else p.skipChildren();
    }
    return include;
  }

  private static String describe(JsonToken t) {
    if (t == null) return "the end of the body";
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.name();
    };
  }
}
