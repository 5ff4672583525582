package io.wanapis.budget;

/**
 * Why a request was refused: the budget it would overspend and when that budget resets (Long.MAX_VALUE: never).
 * {@code storeUnavailable}: not over the budget, but the shared spend store cannot be reached and the
 * gateway is configured to refuse then (redis.on_failure: closed).
 */
public record BudgetRefusal(Budget budget, double spentUsd, double reservedUsd, double estimateUsd, long resetsAtMs,
    boolean storeUnavailable) {
  public BudgetRefusal(Budget budget, double spentUsd, double reservedUsd, double estimateUsd, long resetsAtMs) {
    this(budget, spentUsd, reservedUsd, estimateUsd, resetsAtMs, false);
  }
}
