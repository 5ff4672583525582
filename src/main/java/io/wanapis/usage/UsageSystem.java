package io.wanapis.usage;

import io.vertx.core.Vertx;
import io.wanapis.budget.Budget;
import io.wanapis.budget.BudgetBook;
import io.wanapis.budget.BudgetGate;
import io.wanapis.budget.Period;
import io.wanapis.budget.WebhookAlerts;
import io.wanapis.catalog.Catalog;
import io.wanapis.catalog.ModelInfo;
import io.wanapis.config.GatewayConfig;
import io.wanapis.config.Settings;
import io.wanapis.config.UsageSettings;
import io.wanapis.keys.KeyCache;
import io.wanapis.keys.KeysRuntime;
import io.wanapis.keys.VirtualKey;
import io.wanapis.metrics.GatewayMetrics;
import io.wanapis.store.Store;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Usage issue: builds metering for one gateway — catalog (built-in, config, store), budgets
 * (config, store, keys' own {@code max_budget}) with their spend rebuilt from the ledger, the
 * ledger writer, alerts and metrics — and closes it in the right order. {@link #open} blocks
 * (store reads): call it off the event loop, after the store is open and before serving.
 */
public final class UsageSystem {
  private static final Logger log = LoggerFactory.getLogger(UsageSystem.class);

  private final Store store;
  private final Catalog catalog;
  private final BudgetBook book;
  private final Ledger ledger;
  private final GatewayMetrics metrics;
  private final UsageRuntime runtime;
  private final UsageSettings settings;

  private UsageSystem(Store store, Catalog catalog, BudgetBook book, Ledger ledger, GatewayMetrics metrics, UsageRuntime runtime,
      UsageSettings settings) {
    this.store = store;
    this.catalog = catalog;
    this.book = book;
    this.ledger = ledger;
    this.metrics = metrics;
    this.runtime = runtime;
    this.settings = settings;
  }

  public static UsageSystem open(Vertx vertx, Settings s, KeysRuntime keys) {
    UsageSettings us = s.usage();
    Store store = keys.store();
    Catalog catalog = Catalog.withConfig(us.catalog().stream().map(UsageSystem::entry).toList());
    catalog.setAdminEntries(store.listCatalogEntries());
    KeyCache cache = keys.cache();
    Metering metering = new Metering(catalog, keyId -> {
      KeyCache.Entry e = cache.get(keyId);
      return e == null ? null : new Attribution(e.key().teamId(), e.key().projectId());
    });
    WebhookAlerts alerts = new WebhookAlerts(vertx, us.webhookUrl() == null ? null : URI.create(us.webhookUrl()), us.webhookSecret());
    BudgetBook book = new BudgetBook(System::currentTimeMillis, alerts);
    long now = System.currentTimeMillis();
    for (Budget b : budgets(us, store, cache)) book.put(b, store.sumCost(b.scope(), b.targetId(), b.period().start(now)));
    Ledger ledger = null;
    if (us.ledger()) {
      io.wanapis.store.LedgerFormat format = us.ledgerFormat();
      ledger = new Ledger(batch -> store.insertUsage(batch, format), s.dataDir().resolve("ledger-spill.jsonl"), us.queueCapacity(), us.batchSize()).start();
    }
    GatewayMetrics metrics = us.metricsEnabled() ? new GatewayMetrics(us.metricsKeyLabels()) : null;
    if (metrics != null && ledger != null) {
      Ledger l = ledger;
      metrics.gauge("wanapis_ledger_queued", "Usage records waiting to be written", l::queued);
      metrics.gauge("wanapis_ledger_spilled", "Usage records written to the spill file since start", l::spilled);
      metrics.gauge("wanapis_ledger_written", "Usage records written to the store since start", l::written);
    }
    if (metrics != null) metrics.gauge("wanapis_budget_reservations", "Requests holding a budget reservation", book::inFlight);
    BudgetGate gate = new BudgetGate(book, metering, us.reserveOutputTokens());
    log.info("usage: catalog of {} models (prices as of {}), {} budgets, ledger {}, metrics {}", catalog.all().size(),
        catalog.pricesAsOf(), book.views().size(), ledger == null ? "off" : "on (" + us.ledgerFormat().id() + ")", metrics == null ? "off" : "on");
    return new UsageSystem(store, catalog, book, ledger, metrics, new UsageRuntime(metering, gate, metrics), us);
  }

  /** Config budgets (team and project names resolved to ids), admin budgets, and keys' own max_budget. */
  private static List<Budget> budgets(UsageSettings us, Store store, KeyCache cache) {
    List<Budget> out = new ArrayList<>();
    for (GatewayConfig.BudgetConfig c : us.budgets()) {
      Budget.Scope scope = c.key() != null ? Budget.Scope.KEY : c.team() != null ? Budget.Scope.TEAM : Budget.Scope.PROJECT;
      String target = c.key() != null ? c.key() : c.team() != null
          ? store.findTeam(c.team()).map(t -> t.id()).orElse(c.team())
          : store.findProject(c.project(), null).map(p -> p.id()).orElse(c.project());
      out.add(new Budget(c.id(), scope, target, Period.parse(c.period()), c.limitUsd(), Boolean.TRUE.equals(c.hard()),
          c.alertThresholds(), "config"));
    }
    out.addAll(store.listBudgets());
    for (VirtualKey k : store.listKeys(null)) {
      if (k.limits() == null || k.limits().maxBudget() == null || k.limits().maxBudget().signum() <= 0) continue;
      String period = k.limits().budgetPeriod() == null ? "total" : k.limits().budgetPeriod();
      try {
        out.add(new Budget("key-limit-" + k.id(), Budget.Scope.KEY, k.id(), Period.parse(period), k.limits().maxBudget().doubleValue(),
            true, us.defaultThresholds(), "key"));
      } catch (IllegalArgumentException e) {
        log.warn("key {}: budget_period '{}' is not day, week, month or total; its max_budget is not enforced", k.id(), period);
      }
    }
    return out;
  }

  private static ModelInfo entry(GatewayConfig.CatalogEntryConfig c) {
    return new ModelInfo(c.id(), c.provider(), c.mode(), c.contextWindow(), c.maxOutput(), c.capabilities(), c.inputPerMtok(),
        c.outputPerMtok(), c.cachedInputPerMtok(), c.cacheWritePerMtok(), c.perImage(), c.perSecond());
  }

  /** The listeners every finished request goes to, in order: budgets settle first, then ledger and metrics. */
  public List<UsageListener> listeners() {
    List<UsageListener> l = new ArrayList<>();
    l.add(book);
    if (ledger != null) l.add(ledger);
    if (metrics != null) l.add(metrics);
    return l;
  }

  public UsageRuntime runtime() { return runtime; }
  public Catalog catalog() { return catalog; }
  public BudgetBook budgets() { return book; }
  public Ledger ledger() { return ledger; }
  public GatewayMetrics metrics() { return metrics; }
  public Store store() { return store; }
  public UsageSettings settings() { return settings; }

  /** Drains the ledger into the store (or the spill file); blocking, call it before the store closes. */
  public void close() {
    if (ledger != null) ledger.close(15_000);
  }
}
