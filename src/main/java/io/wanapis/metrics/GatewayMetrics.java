package io.wanapis.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.wanapis.usage.RequestRecord;
import io.wanapis.usage.Usage;
import io.wanapis.usage.UsageListener;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Prometheus metrics from the finished-request records: requests, errors, tokens, cost, latency
 * and time-to-first-token, labelled by model (the configured route that answered, never the raw
 * string a client sent, so unknown names cannot explode the label set), provider, endpoint and
 * status class. A per-key label is off by default ({@code metrics.key_labels}).
 *
 * <p>Meters are looked up once per label combination and cached, so a request costs a map
 * lookup and a few atomic adds. Latency and TTFT are distribution summaries in seconds with fixed
 * buckets (Prometheus histograms, aggregatable across instances).
 */
public final class GatewayMetrics implements UsageListener {
  private static final double[] SECONDS_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final boolean keyLabels;
  private final Map<Labels, Meters> meters = new ConcurrentHashMap<>();
  private final Counter budgetRefusals;

  private record Labels(String model, String provider, String endpoint, String statusClass, String key) {}

  private record Meters(Counter requests, Counter errors, Counter tokensIn, Counter tokensOut, Counter tokensCached,
      Counter tokensReasoning, Counter cost, DistributionSummary latency, DistributionSummary ttft) {}

  public GatewayMetrics(boolean keyLabels) {
    this.keyLabels = keyLabels;
    this.budgetRefusals = Counter.builder("wanapis_budget_refusals").description("Requests refused by a hard budget").register(registry);
  }

  /** Exposes a number owned elsewhere (ledger queue, spill counts) as a gauge. */
  public void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(registry);
  }

  /** A gauge with labels, e.g. one per deployment. */
  public void gauge(String name, String description, Tags tags, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).tags(tags).register(registry);
  }

  public void budgetRefused() {
    budgetRefusals.increment();
  }

  @Override
  public void onRequest(RequestRecord r) {
    String model = r.routedModel() != null ? r.routedModel() : "none";
    Labels l = new Labels(model, r.provider() == null ? "none" : r.provider(), r.endpoint() == null ? "none" : r.endpoint(),
        (r.status() / 100) + "xx", keyLabels ? (r.keyId() == null ? "none" : r.keyId()) : null);
    Meters m = meters.computeIfAbsent(l, this::create);
    m.requests.increment();
    if (r.error()) m.errors.increment();
    Usage u = r.usage();
    if (u.inputTokens() > 0) m.tokensIn.increment(u.inputTokens());
    if (u.outputTokens() > 0) m.tokensOut.increment(u.outputTokens());
    if (u.cachedTokens() > 0) m.tokensCached.increment(u.cachedTokens());
    if (u.reasoningTokens() > 0) m.tokensReasoning.increment(u.reasoningTokens());
    if (r.costUsd() > 0) m.cost.increment(r.costUsd());
    m.latency.record(r.latencyMs() / 1000.0);
    if (r.ttftMs() >= 0) m.ttft.record(r.ttftMs() / 1000.0);
  }

  private Meters create(Labels l) {
    Tags t = Tags.of("model", l.model(), "provider", l.provider(), "endpoint", l.endpoint(), "status", l.statusClass());
    if (l.key() != null) t = t.and("key", l.key());
    Tags tokenTags = t;
    return new Meters(
        Counter.builder("wanapis_requests").description("Finished requests").tags(t).register(registry),
        Counter.builder("wanapis_request_errors").description("Requests that ended in an error").tags(t).register(registry),
        Counter.builder("wanapis_tokens").description("Tokens by type").tags(tokenTags.and("type", "input")).register(registry),
        Counter.builder("wanapis_tokens").description("Tokens by type").tags(tokenTags.and("type", "output")).register(registry),
        Counter.builder("wanapis_tokens").description("Tokens by type").tags(tokenTags.and("type", "cached")).register(registry),
        Counter.builder("wanapis_tokens").description("Tokens by type").tags(tokenTags.and("type", "reasoning")).register(registry),
        Counter.builder("wanapis_cost_usd").description("Cost in USD priced from the catalog").tags(t).register(registry),
        DistributionSummary.builder("wanapis_request_latency_seconds").description("Request latency").baseUnit(null).tags(t)
            .serviceLevelObjectives(SECONDS_BUCKETS).register(registry),
        DistributionSummary.builder("wanapis_ttft_seconds").description("Time to first token of streams").tags(t)
            .serviceLevelObjectives(SECONDS_BUCKETS).register(registry));
  }

  /** The Prometheus text exposition format. */
  public String scrape() {
    return registry.scrape();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }
}
