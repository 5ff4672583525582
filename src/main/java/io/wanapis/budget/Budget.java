package io.wanapis.budget;

import java.util.List;

/**
 * A USD budget on a key, team or project for one period. {@code hard}: requests that would go
 * past the limit are refused; otherwise the budget only alerts. {@code thresholds} are percentages
 * of the limit at which an alert is sent once per period.
 *
 * @param source "config" or "admin" (only admin budgets live in the store and can be deleted)
 */
public record Budget(String id, Scope scope, String targetId, Period period, double limitUsd, boolean hard,
    List<Integer> thresholds, String source) {

  public enum Scope {
    KEY, TEAM, PROJECT;

    public String id() { return name().toLowerCase(java.util.Locale.ROOT); }

    public static Scope parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("budget scope must be key, team or project, not '" + s + "'");
      }
    }
  }

  public Budget {
    thresholds = thresholds == null ? List.of() : thresholds.stream().distinct().sorted().toList();
    if (!(limitUsd > 0)) throw new IllegalArgumentException("budget " + id + ": limit_usd must be more than 0");
    for (int t : thresholds) if (t <= 0 || t > 1000) throw new IllegalArgumentException("budget " + id + ": thresholds are percentages from 1 to 1000");
  }

  public String describe() {
    return scope.id() + " " + targetId + " " + period.id() + " budget of $" + String.format(java.util.Locale.ROOT, "%.2f", limitUsd)
        + " (" + id + ")";
  }
}
