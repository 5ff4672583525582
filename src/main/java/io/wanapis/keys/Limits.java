package io.wanapis.keys;

import java.math.BigDecimal;
import java.util.Map;

/**
 * The limits set on a key, a team or a project (every field null = none set there). A key's
 * {@code maxBudget}/{@code budgetPeriod} are its budget (docs/budgets.md); the rest are quotas
 * (docs/quotas.md): {@code plan} names a plan whose numbers apply where this object sets none,
 * {@code models} holds per-model limits inside a key (model name or glob → limits; only rpm, tpm,
 * rpd, tpd and maxConcurrent are read there).
 */
public record Limits(
    Integer rpm,
    Long tpm,
    BigDecimal maxBudget,
    String budgetPeriod,
    String plan,
    Long rpd,
    Long tpd,
    Integer maxConcurrent,
    Integer maxTokens,
    Map<String, Limits> models) {

  public static final Limits NONE = new Limits(null, null, null, null);

  public Limits {
    models = models == null ? Map.of() : Map.copyOf(models);
  }

  /** Rate and budget only (what keys had before plans). */
  public Limits(Integer rpm, Long tpm, BigDecimal maxBudget, String budgetPeriod) {
    this(rpm, tpm, maxBudget, budgetPeriod, null, null, null, null, null, Map.of());
  }

  /** Nothing set at all. */
  public boolean isEmpty() {
    return rpm == null && tpm == null && maxBudget == null && budgetPeriod == null && plan == null && rpd == null && tpd == null
        && maxConcurrent == null && maxTokens == null && models.isEmpty();
  }
}
