package io.wanapis.budget;

/** Why a request was refused: the budget it would overspend and when that budget resets (Long.MAX_VALUE: never). */
public record BudgetRefusal(Budget budget, double spentUsd, double reservedUsd, double estimateUsd, long resetsAtMs) {}
