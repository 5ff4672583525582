package io.wanapis.simulator;

import com.fasterxml.jackson.databind.JsonNode;

/** Checks and reads request fields that several endpoints share, failing with OpenAI's own error texts. */
final class RequestFields {

  private RequestFields() {}

  /** Parses a request body; anything but a JSON object is OpenAI's "could not parse" error. */
  static JsonNode parseBody(String body) {
    JsonNode node;
    try {
      node = body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
    } catch (java.io.IOException e) {
      throw new ApiException(OpenAiError.unparsableJson());
    }
    if (node == null || !node.isObject()) {
      throw new ApiException(OpenAiError.unparsableJson());
    }
    return node;
  }

  static void requireObject(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new ApiException(OpenAiError.invalidType("body", "an object", body == null ? "nothing" : jsonType(body)));
    }
  }

  static String requireModel(JsonNode body) {
    JsonNode model = body.get("model");
    if (model == null || model.isNull() || (model.isTextual() && model.asText().isEmpty())) {
      throw new ApiException(OpenAiError.missingModel());
    }
    if (!model.isTextual()) {
      throw new ApiException(OpenAiError.invalidType("model", "a string", jsonType(model)));
    }
    return model.asText();
  }

  /** {@code n}: 1 to 128 choices. */
  static int choiceCount(JsonNode body) {
    JsonNode n = body.get("n");
    if (n == null || n.isNull()) {
      return 1;
    }
    if (!n.canConvertToInt() || !n.isIntegralNumber()) {
      throw new ApiException(OpenAiError.invalidType("n", "an integer", jsonType(n)));
    }
    int value = n.asInt();
    if (value < 1) {
      throw new ApiException(OpenAiError.invalidRequest(
          "Invalid 'n': integer below minimum value. Expected a value >= 1, but got " + value + " instead.",
          "n", "integer_below_min_value"));
    }
    if (value > 128) {
      throw new ApiException(OpenAiError.invalidRequest(
          "Invalid 'n': integer above maximum value. Expected a value <= 128, but got " + value + " instead.",
          "n", "integer_above_max_value"));
    }
    return value;
  }

  /** The first of the given token-limit fields that is set, else {@link ChatRequest#UNLIMITED}. */
  static int maxTokens(JsonNode body, String... fields) {
    for (String field : fields) {
      JsonNode v = body.get(field);
      if (v != null && !v.isNull()) {
        if (!v.isIntegralNumber()) {
          throw new ApiException(OpenAiError.invalidType(field, "an integer", jsonType(v)));
        }
        if (v.asLong() < 1) {
          throw new ApiException(OpenAiError.invalidRequest(
              "Invalid '" + field + "': integer below minimum value. Expected a value >= 1, but got "
                  + v.asLong() + " instead.",
              field, "integer_below_min_value"));
        }
        return (int) Math.min(Integer.MAX_VALUE, v.asLong());
      }
    }
    return ChatRequest.UNLIMITED;
  }

  /** JSON type names as OpenAI writes them in "expected X, but got Y" messages. */
  static String jsonType(JsonNode node) {
    if (node.isObject()) {
      return "an object";
    }
    if (node.isArray()) {
      return "an array";
    }
    if (node.isTextual()) {
      return "a string";
    }
    if (node.isIntegralNumber()) {
      return "an integer";
    }
    if (node.isNumber()) {
      return "a decimal";
    }
    if (node.isBoolean()) {
      return "a boolean";
    }
    return "null";
  }
}
