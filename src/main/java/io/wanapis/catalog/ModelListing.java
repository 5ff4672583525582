package io.wanapis.catalog;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanapis.routing.ModelRoute;
import io.wanapis.routing.Target;
import io.wanapis.usage.Metering;

/**
 * The catalog's fields on a {@code /v1/models} entry, as extensions OpenAI's SDKs ignore:
 * {@code mode}, {@code context_window}, {@code max_output_tokens}, {@code capabilities} and
 * {@code pricing} of the first deployment, and per deployment its provider, upstream model and
 * prices (the price the gateway charges usage at, deployment overrides included).
 */
public final class ModelListing {
  private ModelListing() {}

  public static void describe(ObjectNode m, ModelRoute route, Metering metering) {
    if (route.targets().isEmpty()) return;
    ArrayNode deployments = null;
    boolean first = true;
    for (Target t : route.targets()) {
      ModelInfo info = metering.price(t.spec(), t.upstreamModel());
      if (first) {
        first = false;
        if (info != null) {
          if (info.mode() != null) m.put("mode", info.mode());
          if (info.contextWindow() != null) m.put("context_window", info.contextWindow());
          if (info.maxOutput() != null) m.put("max_output_tokens", info.maxOutput());
          ArrayNode caps = m.putArray("capabilities");
          info.capabilities().forEach(caps::add);
          m.set("pricing", pricing(info));
        }
        deployments = m.putArray("deployments");
      }
      ObjectNode d = deployments.addObject();
      d.put("provider", t.provider().name());
      d.put("model", t.upstreamModel());
      if (info != null) d.set("pricing", pricing(info));
    }
  }

  static ObjectNode pricing(ModelInfo i) {
    ObjectNode p = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    p.put("currency", "USD");
    put(p, "input_per_mtok", i.inputPerMtok());
    put(p, "output_per_mtok", i.outputPerMtok());
    put(p, "cached_input_per_mtok", i.cachedInputPerMtok());
    put(p, "cache_write_per_mtok", i.cacheWritePerMtok());
    put(p, "per_image", i.perImage());
    put(p, "per_second", i.perSecond());
    return p;
  }

  private static void put(ObjectNode o, String k, Double v) {
    if (v != null) o.put(k, v);
  }
}
