package io.wanapis.usage;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanapis.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Usage reports and records as JSON and CSV, the same columns in both (docs/usage.md). */
public final class UsageViews {
  public static final List<String> METRICS = List.of("requests", "errors", "estimated", "tokens_in", "tokens_out", "tokens_cached",
      "tokens_reasoning", "tokens_cache_write", "cost_usd", "unpriced", "latency_ms_p50", "latency_ms_p95", "latency_ms_p99",
      "ttft_ms_p50", "ttft_ms_p95", "ttft_ms_p99");

  private UsageViews() {}

  public static ObjectNode report(UsageReport rep, long from, long to) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("object", "usage_report");
    root.put("from", Instant.ofEpochMilli(from).toString());
    root.put("to", to == Long.MAX_VALUE ? null : Instant.ofEpochMilli(to).toString());
    ArrayNode gb = root.putArray("group_by");
    rep.groupBy().forEach(gb::add);
    root.set("total", group(rep.total(), List.of()));
    ArrayNode data = root.putArray("data");
    for (UsageReport.Group g : rep.groups()) data.add(group(g, rep.groupBy()));
    return root;
  }

  static ObjectNode group(UsageReport.Group g, List<String> dims) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    for (int i = 0; i < dims.size(); i++) o.put(dims.get(i), g.key.get(i));
    List<Object> v = values(g);
    for (int i = 0; i < METRICS.size(); i++) {
      Object x = v.get(i);
      if (x instanceof Long l) o.put(METRICS.get(i), l);
      else if (x == null) o.putNull(METRICS.get(i));
      else o.put(METRICS.get(i), (Double) x);
    }
    return o;
  }

  private static List<Object> values(UsageReport.Group g) {
    List<Object> v = new ArrayList<>();
    v.add(g.requests);
    v.add(g.errors);
    v.add(g.estimated);
    v.add(g.tokensIn);
    v.add(g.tokensOut);
    v.add(g.tokensCached);
    v.add(g.tokensReasoning);
    v.add(g.tokensCacheWrite);
    v.add(Math.round(g.costUsd * 1e9) / 1e9);
    v.add(g.unpriced);
    for (double p : new double[] {50, 95, 99}) v.add(ms(g.latencyPercentile(p)));
    for (double p : new double[] {50, 95, 99}) v.add(ms(g.ttftPercentile(p)));
    return v;
  }

  private static Double ms(double v) {
    return v < 0 ? null : Math.round(v * 1000.0) / 1000.0;
  }

  public static String csv(UsageReport rep) {
    StringBuilder sb = new StringBuilder();
    List<String> header = new ArrayList<>(rep.groupBy());
    header.addAll(METRICS);
    sb.append(String.join(",", header)).append("\r\n");
    for (UsageReport.Group g : rep.groups()) {
      List<String> cells = new ArrayList<>();
      for (String k : g.key) cells.add(cell(k));
      for (Object x : values(g)) cells.add(x == null ? "" : x instanceof Double d ? String.format(Locale.ROOT, "%s", d) : x.toString());
      sb.append(String.join(",", cells)).append("\r\n");
    }
    return sb.toString();
  }

  /** RFC 4180 quoting; a leading =, +, - or @ is prefixed with ' so spreadsheets do not run it as a formula. */
  static String cell(String s) {
    if (!s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0) s = "'" + s;
    if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
      return '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }

  public static ObjectNode record(RequestRecord r) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", r.requestId());
    o.put("ts", Instant.ofEpochMilli(r.timestampMs()).toString());
    o.put("key", r.keyId());
    o.put("team", r.teamId());
    o.put("project", r.projectId());
    o.put("endpoint", r.endpoint());
    o.put("model", r.model());
    o.put("routed_model", r.routedModel());
    o.put("provider", r.provider());
    o.put("deployment", r.deployment());
    o.put("variant", r.variant());
    o.put("user", r.user());
    ArrayNode tags = o.putArray("tags");
    r.tags().forEach(tags::add);
    o.put("status", r.status());
    o.put("error", r.errorCode());
    o.put("stream", r.stream());
    o.put("cache_hit", r.cacheHit());
    Usage u = r.usage();
    o.put("tokens_in", u.inputTokens());
    o.put("tokens_out", u.outputTokens());
    o.put("tokens_cached", u.cachedTokens());
    o.put("tokens_reasoning", u.reasoningTokens());
    o.put("tokens_cache_write", u.cacheWriteTokens());
    o.put("estimated", r.costEstimated());
    if (r.costUsd() >= 0) o.put("cost_usd", r.costUsd());
    else o.putNull("cost_usd");
    o.put("latency_ms", r.latencyMs());
    if (r.ttftMs() >= 0) o.put("ttft_ms", r.ttftMs());
    o.put("attempts", r.attempts());
    return o;
  }
}
