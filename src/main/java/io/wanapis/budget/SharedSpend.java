package io.wanapis.budget;

/**
 * How a {@link BudgetBook}'s spend is shared with other gateway instances (docs/shared-state.md).
 * Without one, the book counts this instance's spend only. Every method is called on the hot path
 * or under the book's lock: none may block.
 */
public interface SharedSpend {
  /** True while the shared store answers; false: decide without it ({@link #failOpen()}). */
  boolean available();

  /** While unavailable: true = count locally (fail-open), false = refuse hard-budgeted requests. */
  boolean failOpen();

  /** Counts one decision made without the shared store (metrics). */
  void decided();

  /** Sends {@code alert} through {@code local} unless another instance already sent it (once per budget, period, threshold). */
  void alert(Alert alert, AlertSink local);
}
