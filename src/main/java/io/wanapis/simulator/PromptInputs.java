package io.wanapis.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code prompt} of {@code /v1/completions} and the {@code input} of {@code /v1/embeddings}: a string,
 * an array of strings, an array of token ids, or an array of token-id arrays.
 */
final class PromptInputs {

  /** One input: its text (token ids are decoded with o200k_base) and how many tokens it has. */
  record Input(String text, int tokens) {}

  private PromptInputs() {}

  static List<Input> parse(JsonNode value, String param) {
    if (value == null || value.isNull()) {
      throw new ApiException(OpenAiError.missingParameter(param));
    }
    if (value.isTextual()) {
      return List.of(fromText(value.asText()));
    }
    if (!value.isArray()) {
      throw new ApiException(OpenAiError.invalidType(param, "a string or an array", RequestFields.jsonType(value)));
    }
    if (value.isEmpty()) {
      throw new ApiException(OpenAiError.invalidRequest(
          "Invalid '" + param + "': empty array. Expected an array with minimum length 1, but got an empty array"
              + " instead.",
          param, "empty_array"));
    }
    if (value.get(0).isIntegralNumber()) {
      return List.of(fromTokens(value, param));
    }
    List<Input> inputs = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      JsonNode item = value.get(i);
      if (item.isTextual()) {
        inputs.add(fromText(item.asText()));
      } else if (item.isArray()) {
        inputs.add(fromTokens(item, param + "[" + i + "]"));
      } else {
        throw new ApiException(OpenAiError.invalidType(
            param + "[" + i + "]", "a string or an array of integers", RequestFields.jsonType(item)));
      }
    }
    return inputs;
  }

  private static Input fromText(String text) {
    return new Input(text, Tokenizer.count(text));
  }

  private static Input fromTokens(JsonNode tokens, String param) {
    List<Integer> ids = new ArrayList<>(tokens.size());
    for (JsonNode t : tokens) {
      if (!t.isIntegralNumber()) {
        throw new ApiException(OpenAiError.invalidType(param, "an array of integers", "an array containing "
            + RequestFields.jsonType(t)));
      }
      ids.add(t.asInt());
    }
    return new Input(Tokenizer.decode(ids), ids.size());
  }
}
