package io.wanapis.keys;

import java.math.BigDecimal;

/**
 * Per-key limits and budget. Stored and returned now; enforced by the limits and budgets issues.
 * Every field null = no limit.
 */
public record Limits(Integer rpm, Long tpm, BigDecimal maxBudget, String budgetPeriod) {
  public static final Limits NONE = new Limits(null, null, null, null);
}
