package io.wanapis.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Usage issue: checks and defaults the catalog, budgets, alerts, metrics and usage sections. */
final class UsageSettingsResolver {
  private UsageSettingsResolver() {}

  static UsageSettings resolve(GatewayConfig cfg, String source) {
    UsageSettings d = UsageSettings.DEFAULT;
    List<GatewayConfig.CatalogEntryConfig> catalog = cfg.catalog() == null ? List.of() : cfg.catalog();
    for (int i = 0; i < catalog.size(); i++) {
      var e = catalog.get(i);
      if (e == null || e.id() == null || e.id().isBlank()) throw new ConfigException(source + ": catalog[" + i + "].id is required");
      for (Double p : new Double[] {e.inputPerMtok(), e.outputPerMtok(), e.cachedInputPerMtok(), e.cacheWritePerMtok(), e.perImage(), e.perSecond()}) {
        if (p != null && p < 0) throw new ConfigException(source + ": catalog[" + i + "] (" + e.id() + "): prices cannot be negative");
      }
    }
    var alerts = cfg.alerts();
    String url = alerts == null ? null : blankToNull(alerts.webhookUrl());
    if (url != null) {
      try {
        URI u = URI.create(url);
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) throw new IllegalArgumentException();
      } catch (IllegalArgumentException e) {
        throw new ConfigException(source + ": alerts.webhook_url must be an http(s) URL, not '" + url + "'");
      }
    }
    List<Integer> thresholds = alerts != null && alerts.thresholds() != null ? alerts.thresholds() : d.defaultThresholds();
    checkThresholds(thresholds, source + ": alerts.thresholds");
    List<GatewayConfig.BudgetConfig> budgets = cfg.budgets() == null ? List.of() : cfg.budgets();
    Set<String> ids = new HashSet<>();
    List<GatewayConfig.BudgetConfig> checked = new ArrayList<>();
    for (int i = 0; i < budgets.size(); i++) {
      var b = budgets.get(i);
      String where = source + ": budgets[" + i + "]";
      int targets = (b.key() != null ? 1 : 0) + (b.team() != null ? 1 : 0) + (b.project() != null ? 1 : 0);
      if (targets != 1) throw new ConfigException(where + ": set exactly one of key, team or project");
      if (b.limitUsd() == null || b.limitUsd() <= 0) throw new ConfigException(where + ": limit_usd must be a number above 0");
      try {
        io.wanapis.budget.Period.parse(b.period() == null ? "month" : b.period());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(where + ": " + e.getMessage());
      }
      if (b.alertThresholds() != null) checkThresholds(b.alertThresholds(), where + ".alert_thresholds");
      String id = b.id() != null ? b.id() : "cfg-" + (b.key() != null ? "key-" + b.key() : b.team() != null ? "team-" + b.team() : "project-" + b.project())
          + "-" + (b.period() == null ? "month" : b.period());
      if (!ids.add(id)) throw new ConfigException(where + ": budget id '" + id + "' is used twice (give each an id)");
      checked.add(new GatewayConfig.BudgetConfig(id, b.key(), b.team(), b.project(), b.period() == null ? "month" : b.period(),
          b.limitUsd(), b.hard() == null || b.hard(), b.alertThresholds() != null ? b.alertThresholds() : thresholds));
    }
    var m = cfg.metrics();
    var u = cfg.usage();
    int capacity = u != null && u.queueCapacity() != null ? u.queueCapacity() : d.queueCapacity();
    int batch = u != null && u.batchSize() != null ? u.batchSize() : d.batchSize();
    int reserve = u != null && u.reserveOutputTokens() != null ? u.reserveOutputTokens() : d.reserveOutputTokens();
    if (capacity < 100) throw new ConfigException(source + ": usage.queue_capacity must be at least 100");
    if (batch < 1 || batch > 10_000) throw new ConfigException(source + ": usage.batch_size must be from 1 to 10000");
    if (reserve < 0) throw new ConfigException(source + ": usage.reserve_output_tokens cannot be negative");
    io.wanapis.store.LedgerFormat format = d.ledgerFormat();
    if (u != null && u.ledgerFormat() != null) {
      try {
        format = io.wanapis.store.LedgerFormat.parse(u.ledgerFormat());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(source + ": " + e.getMessage());
      }
    }
    return new UsageSettings(List.copyOf(catalog), List.copyOf(checked), url, alerts == null ? null : blankToNull(alerts.webhookSecret()),
        List.copyOf(thresholds), m == null || m.enabled() == null || m.enabled(), m != null && Boolean.TRUE.equals(m.keyLabels()),
        u == null || u.ledger() == null || u.ledger(), capacity, batch, reserve, format);
  }

  private static void checkThresholds(List<Integer> t, String where) {
    for (Integer p : t) if (p == null || p <= 0 || p > 1000) throw new ConfigException(where + ": thresholds are percentages from 1 to 1000");
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
