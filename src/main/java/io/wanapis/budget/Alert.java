package io.wanapis.budget;

/** A budget crossed one of its thresholds: sent once per budget, period and threshold. */
public record Alert(String budgetId, String scope, String targetId, String period, long periodStartMs, long periodEndMs,
    int thresholdPercent, double spentUsd, double limitUsd, boolean hard, long atMs) {}
