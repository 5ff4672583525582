package io.wanapis.config;

import java.util.List;

/**
 * Usage issue: the resolved {@code catalog:}, {@code budgets:}, {@code alerts:}, {@code metrics:}
 * and {@code usage:} sections (docs/configuration.md). Lists are never null.
 *
 * @param ledger false turns the usage ledger off (nothing written to the store; budgets then start empty)
 * @param reserveOutputTokens output tokens reserved for a budgeted request that sets no max_tokens
 * @param ledgerFormat chunks (a row per batch, the default) or rows (a row per request), docs/usage.md
 */
public record UsageSettings(
    List<GatewayConfig.CatalogEntryConfig> catalog,
    List<GatewayConfig.BudgetConfig> budgets,
    String webhookUrl,
    String webhookSecret,
    List<Integer> defaultThresholds,
    boolean metricsEnabled,
    boolean metricsKeyLabels,
    boolean ledger,
    int queueCapacity,
    int batchSize,
    int reserveOutputTokens,
    io.wanapis.store.LedgerFormat ledgerFormat) {

  public static final UsageSettings DEFAULT = new UsageSettings(List.of(), List.of(), null, null, List.of(50, 80, 100), true, false,
      true, 100_000, 500, 1024, io.wanapis.store.LedgerFormat.CHUNKS);
}
