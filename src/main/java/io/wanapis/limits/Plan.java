package io.wanapis.limits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanapis.json.Json;
import java.util.Iterator;
import java.util.Set;

/**
 * A plan (tier), e.g. free / pro / enterprise: the limits a team, project or key gets when it is
 * assigned the plan and sets no value of its own. Every number null = no limit of that kind.
 *
 * @param rpm requests per minute; {@code tpm} tokens (input + output) per minute
 * @param rpd requests per UTC day; {@code tpd} tokens per UTC day
 * @param maxConcurrent requests in flight at once
 * @param maxTokens the largest {@code max_tokens} a request may ask for
 * @param burst how much a per-minute bucket holds, as a multiple of the per-minute limit (≥ 1;
 *     default 1: an idle tenant may send one minute's worth at once, then runs at its rate)
 * @param weight the tenant's share when requests queue at a saturated deployment (≥ 1; default 1)
 */
public record Plan(String name, Long rpm, Long tpm, Long rpd, Long tpd, Integer maxConcurrent, Integer maxTokens, Double burst,
    Integer weight, String description) {

  private static final Set<String> FIELDS = Set.of("name", "rpm", "tpm", "rpd", "tpd", "max_concurrent", "max_tokens", "burst", "weight",
      "description");

  public ObjectNode view() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("name", name);
    o.put("object", "plan");
    o.put("description", description);
    o.put("rpm", rpm);
    o.put("tpm", tpm);
    o.put("rpd", rpd);
    o.put("tpd", tpd);
    o.put("max_concurrent", maxConcurrent);
    o.put("max_tokens", maxTokens);
    o.put("burst", burst);
    o.put("weight", weight);
    return o;
  }

  public String write() {
    return view().toString();
  }

  public static Plan read(String json) {
    try {
      JsonNode n = Json.MAPPER.readTree(json);
      ObjectNode o = (ObjectNode) n;
      o.remove("object");
      return parse(n.get("name").asText(), o);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("stored plan is not JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Validates a plan body (admin API); names the field that is wrong.
   *
   * @throws IllegalArgumentException on an unknown field or a value out of range
   */
  public static Plan parse(String name, JsonNode v) {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
      throw new IllegalArgumentException("A plan's name is 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    if (v == null || !v.isObject()) throw new IllegalArgumentException("A plan is a JSON object with rpm, tpm, rpd, tpd, max_concurrent, max_tokens, burst, weight");
    for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) throw new IllegalArgumentException("'" + f + "' is not a plan field; known: rpm, tpm, rpd, tpd, max_concurrent, max_tokens, burst, weight, description");
    }
    if (v.hasNonNull("name") && !name.equals(v.get("name").asText())) throw new IllegalArgumentException("'name' in the body differs from the plan's name in the URL");
    Double burst = null;
    if (v.hasNonNull("burst")) {
      if (!v.get("burst").isNumber() || v.get("burst").asDouble() < 1.0) throw new IllegalArgumentException("'burst' must be a number, 1 or more (a multiple of the per-minute limit)");
      burst = v.get("burst").asDouble();
    }
    Long weight = whole(v, "weight");
    if (weight != null && (weight < 1 || weight > 1000)) throw new IllegalArgumentException("'weight' must be a whole number from 1 to 1000");
    Long conc = whole(v, "max_concurrent");
    Long maxTokens = whole(v, "max_tokens");
    return new Plan(name, whole(v, "rpm"), whole(v, "tpm"), whole(v, "rpd"), whole(v, "tpd"), conc == null ? null : Math.toIntExact(conc),
        maxTokens == null ? null : Math.toIntExact(maxTokens), burst, weight == null ? null : weight.intValue(),
        v.hasNonNull("description") ? v.get("description").asText() : null);
  }

  private static Long whole(JsonNode v, String f) {
    JsonNode n = v.get(f);
    if (n == null || n.isNull()) return null;
    if (!n.isIntegralNumber() || !n.canConvertToInt() && (f.equals("max_concurrent") || f.equals("max_tokens")) || n.asLong() < 0) {
      throw new IllegalArgumentException("'" + f + "' must be a whole number, 0 or more");
    }
    return n.asLong();
  }
}
