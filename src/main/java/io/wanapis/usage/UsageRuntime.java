package io.wanapis.usage;

import io.wanapis.budget.BudgetGate;
import io.wanapis.metrics.GatewayMetrics;

/**
 * Usage issue: what the request path needs from metering, in one place hung on the
 * {@code GatewayRuntime}: the record completer, the budget gate and the metrics (null when off).
 */
public record UsageRuntime(Metering metering, BudgetGate budgets, GatewayMetrics metrics) {}
