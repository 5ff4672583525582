package io.wanapis.usage;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Aggregates ledger rows into groups: by any of key, team, project, model, provider, deployment,
 * tag, user, variant, endpoint and an hour/day/month bucket (UTC). Sums and percentiles are
 * computed here in Java rather than in SQL, because SQLite has no percentile function and the two
 * databases would otherwise answer differently. Feed rows with {@link #accept}; a row with several
 * tags counts once in each of its tags' groups (so by-tag sums can exceed the total).
 */
public final class UsageReport implements Consumer<RequestRecord> {
  public static final List<String> DIMENSIONS = List.of("key", "team", "project", "model", "routed_model", "provider",
      "deployment", "tag", "user", "variant", "endpoint", "hour", "day", "month");
  static final String NONE = "(none)";

  private final List<String> groupBy;
  private final Map<List<String>, Group> groups = new LinkedHashMap<>();
  private final Group total = new Group(List.of());

  /** One group's running sums and the latencies for its percentiles. */
  public static final class Group {
    public final List<String> key;
    public long requests, errors, estimated, tokensIn, tokensOut, tokensCached, tokensReasoning, tokensCacheWrite, unpriced;
    public double costUsd;
    private double[] latency = new double[16];
    private int nLatency;
    private double[] ttft = new double[16];
    private int nTtft;

    Group(List<String> key) {
      this.key = key;
    }

    void add(RequestRecord r) {
      requests++;
      if (r.error()) errors++;
      if (r.costEstimated()) estimated++;
      Usage u = r.usage();
      tokensIn += Math.max(0, u.inputTokens());
      tokensOut += Math.max(0, u.outputTokens());
      tokensCached += Math.max(0, u.cachedTokens());
      tokensReasoning += Math.max(0, u.reasoningTokens());
      tokensCacheWrite += Math.max(0, u.cacheWriteTokens());
      if (r.costUsd() >= 0) costUsd += r.costUsd();
      else if (u.known()) unpriced++;
      if (nLatency == latency.length) latency = Arrays.copyOf(latency, nLatency * 2);
      latency[nLatency++] = r.latencyMs();
      if (r.ttftMs() >= 0) {
        if (nTtft == ttft.length) ttft = Arrays.copyOf(ttft, nTtft * 2);
        ttft[nTtft++] = r.ttftMs();
      }
    }

    /** Nearest-rank percentile ({@code p} in 0..100) of the latencies, or -1 when there are none. */
    public double latencyPercentile(double p) {
      return percentile(latency, nLatency, p);
    }

    public double ttftPercentile(double p) {
      return percentile(ttft, nTtft, p);
    }

    private boolean sorted;

    private double percentile(double[] values, int n, double p) {
      if (n == 0) return -1;
      if (!sorted) {
        Arrays.sort(latency, 0, nLatency);
        Arrays.sort(ttft, 0, nTtft);
        sorted = true;
      }
      int rank = (int) Math.ceil(p / 100.0 * n);
      return values[Math.min(n, Math.max(1, rank)) - 1];
    }
  }

  public UsageReport(List<String> groupBy) {
    for (String g : groupBy) {
      if (!DIMENSIONS.contains(g)) throw new IllegalArgumentException("cannot group by '" + g + "' (use " + String.join(", ", DIMENSIONS) + ")");
    }
    this.groupBy = List.copyOf(groupBy);
  }

  public List<String> groupBy() { return groupBy; }

  @Override
  public void accept(RequestRecord r) {
    total.add(r);
    int tagIndex = groupBy.indexOf("tag");
    List<String> base = new ArrayList<>(groupBy.size());
    for (String d : groupBy) base.add(value(d, r));
    if (tagIndex < 0 || r.tags().size() <= 1) {
      groups.computeIfAbsent(base, Group::new).add(r);
      return;
    }
    for (String tag : r.tags()) {
      List<String> k = new ArrayList<>(base);
      k.set(tagIndex, tag);
      groups.computeIfAbsent(k, Group::new).add(r);
    }
  }

  private static String value(String dimension, RequestRecord r) {
    Function<String, String> n = v -> v == null ? NONE : v;
    return switch (dimension) {
      case "key" -> n.apply(r.keyId());
      case "team" -> n.apply(r.teamId());
      case "project" -> n.apply(r.projectId());
      case "model" -> n.apply(r.model());
      case "routed_model" -> n.apply(r.routedModel());
      case "provider" -> n.apply(r.provider());
      case "deployment" -> n.apply(r.deployment() == null ? null : (r.provider() == null ? "" : r.provider() + "/") + r.deployment());
      case "tag" -> r.tags().isEmpty() ? NONE : r.tags().get(0);
      case "user" -> n.apply(r.user());
      case "variant" -> n.apply(r.variant());
      case "endpoint" -> n.apply(r.endpoint());
      case "hour", "day", "month" -> bucket(dimension, r.timestampMs());
      default -> throw new IllegalArgumentException(dimension);
    };
  }

  static String bucket(String unit, long ms) {
    ZonedDateTime t = Instant.ofEpochMilli(ms).atZone(ZoneOffset.UTC);
    return switch (unit) {
      case "hour" -> t.truncatedTo(ChronoUnit.HOURS).toInstant().toString();
      case "day" -> t.toLocalDate().toString();
      default -> String.format(Locale.ROOT, "%04d-%02d", t.getYear(), t.getMonthValue());
    };
  }

  /** Groups in a stable order: by their key values. */
  public List<Group> groups() {
    List<Group> l = new ArrayList<>(groups.values());
    l.sort((a, b) -> {
      for (int i = 0; i < a.key.size(); i++) {
        int c = a.key.get(i).compareTo(b.key.get(i));
        if (c != 0) return c;
      }
      return 0;
    });
    return l;
  }

  public Group total() { return total; }
}
