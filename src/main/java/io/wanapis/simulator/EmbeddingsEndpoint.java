package io.wanapis.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** {@code POST /v1/embeddings}: one deterministic unit vector per input. */
final class EmbeddingsEndpoint implements Endpoint {

  @Override
  public void handle(Exchange exchange, String rawBody) {
    JsonNode body = RequestFields.parseBody(rawBody);
    String model = RequestFields.requireModel(body);
    List<PromptInputs.Input> inputs = PromptInputs.parse(body.get("input"), "input");
    int dimensions = dimensions(body, model);
    boolean base64 = encodingIsBase64(body);

    ObjectNode root = Json.object();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    int promptTokens = 0;
    for (int i = 0; i < inputs.size(); i++) {
      PromptInputs.Input input = inputs.get(i);
      promptTokens += input.tokens();
      float[] vector = EmbeddingVectors.of(input.text(), dimensions);
      ObjectNode item = data.addObject();
      item.put("object", "embedding");
      item.put("index", i);
      if (base64) {
        item.put("embedding", EmbeddingVectors.base64(vector));
      } else {
        ArrayNode values = item.putArray("embedding");
        for (float v : vector) {
          values.add(v);
        }
      }
    }
    root.put("model", model);
    root.set("usage", Usage.embeddings(promptTokens));
    exchange.tokensRequested(promptTokens);
    exchange.after(exchange.fault().effectiveTtftMs(exchange.options()), () -> exchange.sendJson(200, root));
  }

  /** 3072 for text-embedding-3-large, 1536 otherwise; {@code dimensions} may ask for fewer. */
  static int dimensions(JsonNode body, String model) {
    int native_ = model.contains("3-large") ? 3072 : 1536;
    JsonNode requested = body.get("dimensions");
    if (requested == null || requested.isNull()) {
      return native_;
    }
    if (!requested.isIntegralNumber()) {
      throw new ApiException(OpenAiError.invalidType("dimensions", "an integer", RequestFields.jsonType(requested)));
    }
    int value = requested.asInt();
    if (value < 1) {
      throw new ApiException(OpenAiError.invalidRequest(
          "Invalid 'dimensions': integer below minimum value. Expected a value >= 1, but got " + value
              + " instead.", "dimensions", "integer_below_min_value"));
    }
    return value;
  }

  private static boolean encodingIsBase64(JsonNode body) {
    String format = body.path("encoding_format").asText("float");
    return switch (format) {
      case "float" -> false;
      case "base64" -> true;
      default -> throw new ApiException(OpenAiError.invalidRequest(
          "Invalid value for 'encoding_format': '" + format + "'. Supported values are: 'float' and 'base64'.",
          "encoding_format", "invalid_value"));
    };
  }
}
