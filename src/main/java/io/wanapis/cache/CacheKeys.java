package io.wanapis.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanapis.json.Json;
import io.wanapis.providers.InboundCall;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * The cache key of a request: a hash of its normalised body (keys sorted at every level, fields
 * that cannot change the answer removed) plus the protocol, endpoint, whether it streams, the
 * model and, for per-key caches, the key. Two requests that differ in any field that could change
 * the answer (a message, a temperature, a tool) get different keys.
 */
public final class CacheKeys {
  /** Fields that identify or format the request but do not change what the model says. */
  private static final Set<String> IRRELEVANT = Set.of("user", "metadata", "stream_options", "store", "service_tier");
  private static final ObjectMapper SORTED = Json.MAPPER.copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private CacheKeys() {}

  public static String of(InboundCall call, String model, String scopeKey) {
    try {
      JsonNode tree = Json.MAPPER.readTree(call.body(), 0, call.bodyLength());
      if (tree instanceof ObjectNode o) {
        IRRELEVANT.forEach(o::remove);
        o.put("model", model);
      }
      byte[] normal = SORTED.writeValueAsBytes(Json.MAPPER.convertValue(tree, Map.class));
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update((call.protocol() + "|" + call.endpoint() + "|" + call.peek().stream() + "|" + (scopeKey == null ? "" : scopeKey) + "|")
          .getBytes(StandardCharsets.UTF_8));
      d.update(normal);
      return HexFormat.of().formatHex(d.digest());
    } catch (Exception e) {
      return null; // a body we cannot normalise is simply not cached
    }
  }
}
