package io.wanapis.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanapis.json.Json;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The JSON shape of {@link Limits} (snake_case), for admin bodies and answers and for the store.
 * Parsing validates and names the offending field; a null or absent field is "not set".
 */
public final class LimitsJson {
  private static final Set<String> FIELDS = Set.of("rpm", "tpm", "rpd", "tpd", "max_concurrent", "max_tokens", "plan", "models",
      "max_budget", "budget_period");
  private static final Set<String> MODEL_FIELDS = Set.of("rpm", "tpm", "rpd", "tpd", "max_concurrent");

  private LimitsJson() {}

  public static ObjectNode view(Limits l) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    if (l == null) l = Limits.NONE;
    o.put("plan", l.plan());
    o.put("rpm", l.rpm());
    o.put("tpm", l.tpm());
    o.put("rpd", l.rpd());
    o.put("tpd", l.tpd());
    o.put("max_concurrent", l.maxConcurrent());
    o.put("max_tokens", l.maxTokens());
    o.put("max_budget", l.maxBudget());
    o.put("budget_period", l.budgetPeriod());
    ObjectNode models = o.putObject("models");
    l.models().forEach((m, ml) -> {
      ObjectNode x = models.putObject(m);
      if (ml.rpm() != null) x.put("rpm", ml.rpm());
      if (ml.tpm() != null) x.put("tpm", ml.tpm());
      if (ml.rpd() != null) x.put("rpd", ml.rpd());
      if (ml.tpd() != null) x.put("tpd", ml.tpd());
      if (ml.maxConcurrent() != null) x.put("max_concurrent", ml.maxConcurrent());
    });
    return o;
  }

  public static String write(Limits l) {
    return view(l).toString();
  }

  /** Reads what {@link #write} wrote (null or blank text: nothing set). */
  public static Limits read(String text) {
    if (text == null || text.isBlank()) return Limits.NONE;
    try {
      return parse(Json.MAPPER.readTree(text), "limits", true);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("stored limits are not JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Parses and validates a limits object.
   *
   * @param where the field's name in messages ("limits")
   * @param budget whether max_budget / budget_period may appear (keys only)
   * @throws IllegalArgumentException naming the field that is wrong
   */
  public static Limits parse(JsonNode v, String where, boolean budget) {
    if (v == null || v.isNull()) return null;
    if (!v.isObject()) throw new IllegalArgumentException("'" + where + "' must be an object with plan, rpm, tpm, rpd, tpd, max_concurrent, "
        + "max_tokens, models" + (budget ? ", max_budget, budget_period" : ""));
    for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f) || (!budget && (f.equals("max_budget") || f.equals("budget_period")))) {
        throw new IllegalArgumentException("'" + where + "." + f + "' is not a limit; known: plan, rpm, tpm, rpd, tpd, max_concurrent, max_tokens, models"
            + (budget ? ", max_budget, budget_period" : " (budgets of teams and projects are set with /admin/budgets)"));
      }
    }
    Long rpm = whole(v, "rpm", where);
    if (rpm != null && rpm > Integer.MAX_VALUE) throw new IllegalArgumentException("'" + where + ".rpm' is too large");
    BigDecimal maxBudget = null;
    if (v.hasNonNull("max_budget")) {
      JsonNode n = v.get("max_budget");
      if (!n.isNumber() || n.decimalValue().signum() < 0) throw new IllegalArgumentException("'" + where + ".max_budget' must be a number, 0 or more");
      maxBudget = n.decimalValue();
    }
    String period = v.hasNonNull("budget_period") ? v.get("budget_period").asText() : null;
    String plan = null;
    if (v.hasNonNull("plan")) {
      if (!v.get("plan").isTextual() || v.get("plan").asText().isBlank()) throw new IllegalArgumentException("'" + where + ".plan' must be a plan's name");
      plan = v.get("plan").asText();
    }
    Long conc = whole(v, "max_concurrent", where);
    Long maxTokens = whole(v, "max_tokens", where);
    Map<String, Limits> models = new LinkedHashMap<>();
    JsonNode m = v.get("models");
    if (m != null && !m.isNull()) {
      if (!m.isObject()) throw new IllegalArgumentException("'" + where + ".models' must map model names (or globs) to limits, e.g. {\"gpt-4o\": {\"rpm\": 10}}");
      for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
        var e = it.next();
        String w = where + ".models." + e.getKey();
        if (!e.getValue().isObject()) throw new IllegalArgumentException("'" + w + "' must be an object with rpm, tpm, rpd, tpd, max_concurrent");
        for (Iterator<String> fs = e.getValue().fieldNames(); fs.hasNext(); ) {
          String f = fs.next();
          if (!MODEL_FIELDS.contains(f)) throw new IllegalArgumentException("'" + w + "." + f + "' is not a per-model limit; known: rpm, tpm, rpd, tpd, max_concurrent");
        }
        Long mrpm = whole(e.getValue(), "rpm", w);
        Long mconc = whole(e.getValue(), "max_concurrent", w);
        models.put(e.getKey(), new Limits(mrpm == null ? null : mrpm.intValue(), whole(e.getValue(), "tpm", w), null, null, null,
            whole(e.getValue(), "rpd", w), whole(e.getValue(), "tpd", w), mconc == null ? null : mconc.intValue(), null, Map.of()));
      }
    }
    return new Limits(rpm == null ? null : rpm.intValue(), whole(v, "tpm", where), maxBudget, period, plan, whole(v, "rpd", where),
        whole(v, "tpd", where), conc == null ? null : conc.intValue(), maxTokens == null ? null : maxTokens.intValue(), models);
  }

  private static Long whole(JsonNode v, String field, String where) {
    JsonNode n = v.get(field);
    if (n == null || n.isNull()) return null;
    if (!n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < 0) {
      throw new IllegalArgumentException("'" + where + "." + field + "' must be a whole number, 0 or more");
    }
    return n.asLong();
  }
}
