package io.wanapis.pipeline;

import io.wanapis.auth.Authenticator;
import io.wanapis.config.Settings;
import io.wanapis.routing.ModelRegistry;
import io.wanapis.usage.RequestRecord;
import io.wanapis.usage.UsageListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What every request handler shares: settings, keys, models and the usage listeners. Immutable except listeners. */
public final class GatewayRuntime {
  private final Settings settings;
  private final Authenticator authenticator;
  private final ModelRegistry models;
  private final io.wanapis.routing.Router router;
  private final io.wanapis.cache.ResponseCache cache;
  private volatile io.wanapis.limits.QuotaCounters quotaCounters = new io.wanapis.limits.LocalQuotaCounters();
  private volatile io.wanapis.limits.QuotaEnforcer quotas = new io.wanapis.limits.QuotaEnforcer(
      new io.wanapis.limits.QuotaBook(java.util.List.of(), null), id -> null, this::quotaCounters);
  private final List<UsageListener> listeners = new CopyOnWriteArrayList<>();
  private volatile io.wanapis.usage.UsageRuntime usage; // usage issue

  public GatewayRuntime(Settings settings, Authenticator authenticator, ModelRegistry models) {
    this.settings = settings;
    this.authenticator = authenticator;
    this.models = models;
    this.router = new io.wanapis.routing.Router(models);
    this.cache = new io.wanapis.cache.ResponseCache(settings.cacheMaxBytes());
  }

  public io.wanapis.cache.ResponseCache cache() { return cache; }
  /** Quotas issue: plans and limits of keys, projects and teams. */
  public io.wanapis.limits.QuotaEnforcer quotas() { return quotas; }
  public void quotas(io.wanapis.limits.QuotaEnforcer q) { this.quotas = q; }

  /** Where quota counts live: in memory, or shared (Redis) when several instances run. */
  public io.wanapis.limits.QuotaCounters quotaCounters() { return quotaCounters; }
  public void quotaCounters(io.wanapis.limits.QuotaCounters c) { this.quotaCounters = c; }

  public io.wanapis.routing.Router router() { return router; }

  public Settings settings() { return settings; }
  public Authenticator authenticator() { return authenticator; }
  public ModelRegistry models() { return models; }

  /** Usage issue: metering, budgets and metrics; null when the gateway runs without them. */
  public io.wanapis.usage.UsageRuntime usage() { return usage; }

  public void setUsage(io.wanapis.usage.UsageRuntime u) { this.usage = u; }

  public void addUsageListener(UsageListener l) {
    listeners.add(l);
  }

  void publish(RequestRecord r) {
    for (UsageListener l : listeners) {
      try {
        l.onRequest(r);
      } catch (RuntimeException e) {
        // a faulty listener must not break the request that is already answered
        org.slf4j.LoggerFactory.getLogger(GatewayRuntime.class).warn("usage listener failed", e);
      }
    }
  }
}
