package io.wanapis.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * {@code GET /v1/models} lists a handful of well-known OpenAI models; {@code GET /v1/models/{id}} answers
 * for any id, because the simulator accepts any model name everywhere else too.
 */
final class ModelsEndpoint implements Endpoint {

  private record Model(String id, long created, String ownedBy) {}

  private static final List<Model> MODELS = List.of(
      new Model("gpt-4o", 1715367049, "system"),
      new Model("gpt-4o-mini", 1721172741, "system"),
      new Model("gpt-4.1", 1744316542, "system"),
      new Model("gpt-4.1-mini", 1744318173, "system"),
      new Model("o3-mini", 1737146383, "system"),
      new Model("gpt-3.5-turbo", 1677610602, "openai"),
      new Model("gpt-3.5-turbo-instruct", 1692901427, "system"),
      new Model("text-embedding-3-small", 1705948997, "system"),
      new Model("text-embedding-3-large", 1705953180, "system"),
      new Model("text-embedding-ada-002", 1671217299, "openai-internal"));

  private static final long UNKNOWN_MODEL_CREATED = 1700000000;

  /** {@code null} lists all models, otherwise the one to retrieve. */
  private final String modelId;

  private ModelsEndpoint(String modelId) {
    this.modelId = modelId;
  }

  static ModelsEndpoint list() {
    return new ModelsEndpoint(null);
  }

  static ModelsEndpoint retrieve(String id) {
    return new ModelsEndpoint(id);
  }

  @Override
  public void handle(Exchange exchange, String body) {
    exchange.sendJson(200, modelId == null ? listBody() : json(find(modelId)));
  }

  private static ObjectNode listBody() {
    ObjectNode root = Json.object();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    MODELS.forEach(m -> data.add(json(m)));
    return root;
  }

  private static Model find(String id) {
    return MODELS.stream().filter(m -> m.id().equals(id)).findFirst()
        .orElse(new Model(id, UNKNOWN_MODEL_CREATED, "system"));
  }

  private static ObjectNode json(Model model) {
    ObjectNode node = Json.object();
    node.put("id", model.id());
    node.put("object", "model");
    node.put("created", model.created());
    node.put("owned_by", model.ownedBy());
    return node;
  }
}
