package io.wanapis.routing;

import io.wanapis.errors.ApiError;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One request's way through a model's deployments and, when they fail, its fallbacks. The
 * exchange asks {@link #next(ApiError)} after each failure; the session decides:
 * <ul>
 *   <li>a retryable failure (connection, timeout, 429, 5xx) → the model's next deployment, then
 *       the model's {@code fallbacks} in order;
 *   <li>{@code context_length_exceeded} → the {@code context_window_fallbacks} (the other
 *       deployments of the same model have the same window);
 *   <li>a content-policy refusal → the {@code content_policy_fallbacks};
 *   <li>no deployment available at all (breakers open, queues full) → {@code degrade.to} if
 *       configured for "overloaded", else the fallbacks;
 *   <li>anything else → nothing more (the client gets the error).
 * </ul>
 */
public final class RoutingSession {
  static final int MAX_ATTEMPTS = 10;

  private final ModelRegistry registry;
  private ModelRoute route;
  private List<Target> order;
  private int index;
  private int attempts;
  private final Set<String> visited = new HashSet<>();
  private final Deque<String> pendingFallbacks = new ArrayDeque<>();
  private String fallbackReason;
  private String degradedReason;
  private boolean lastResortUsed;

  public RoutingSession(ModelRegistry registry, ModelRoute route) {
    this.registry = registry;
    enter(route);
  }

  private void enter(ModelRoute r) {
    route = r;
    visited.add(r.name());
    order = r.attemptOrder(System.nanoTime());
    index = 0;
  }

  public ModelRoute route() { return route; }
  /** Why the answering model is not the one asked for ("error", "context_window", "content_policy", "overloaded"), or null. */
  public String fallbackReason() { return fallbackReason; }
  /** Set when the request was deliberately routed to a cheaper model. */
  public String degradedReason() { return degradedReason; }
  public int attempts() { return attempts; }
  /** The current target is tried although its breaker is open (nothing else was left). */
  public boolean inLastResort() { return lastResortUsed && index > 0; }

  /** The next target to try, or null when nothing is left. {@code failure} is null for the first call. */
  public Target next(ApiError failure) {
    if (attempts >= MAX_ATTEMPTS) return null;
    if (failure != null) {
      if (isContextLength(failure)) return switchTo(route.routing().contextWindowFallbacks(), "context_window");
      if (isContentPolicy(failure)) return switchTo(route.routing().contentPolicyFallbacks(), "content_policy");
      if (!failure.retryable()) return null;
    }
    if (index < order.size()) {
      attempts++;
      return order.get(index++);
    }
    boolean nothingTried = index == 0;
    if (nothingTried || isSaturation(failure)) {
      var degrade = route.routing().degrade();
      if (degrade != null && (degrade.when() == null || degrade.when().isEmpty() || degrade.when().contains("overloaded"))
          && !visited.contains(degrade.to())) {
        ModelRoute to = registry.resolve(degrade.to());
        if (to != null && !to.isVirtual()) {
          degradedReason = "overloaded";
          enter(to);
          return next(null);
        }
      }
    }
    Target fallback = switchTo(route.routing().fallbacks(), nothingTried ? "overloaded" : "error");
    if (fallback == null && nothingTried && !lastResortUsed) {
      lastResortUsed = true;
      order = route.lastResort(System.nanoTime());
      index = 0;
      if (!order.isEmpty()) {
        attempts++;
        return order.get(index++);
      }
    }
    return fallback;
  }

  private Target switchTo(List<String> candidates, String reason) {
    pendingFallbacks.clear();
    for (String c : candidates) if (!visited.contains(c)) pendingFallbacks.add(c);
    while (!pendingFallbacks.isEmpty()) {
      ModelRoute r = registry.resolve(pendingFallbacks.poll());
      if (r == null || r.isVirtual()) continue;
      fallbackReason = reason;
      // the fallback's own fallbacks are not followed: one level, as configured, keeps it predictable
      List<String> rest = List.copyOf(pendingFallbacks);
      enter(r);
      Target t = next(null);
      if (t != null) {
        return t;
      }
      pendingFallbacks.clear();
      for (String c : rest) if (!visited.contains(c)) pendingFallbacks.add(c);
    }
    return null;
  }

  /** The error for a request that found no deployment available at all. */
  public ApiError unavailable() {
    long nanos = route.soonestRecoveryNanos(System.nanoTime());
    long seconds = Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    boolean rateLimited = route.targets().stream().allMatch(t -> t.health().openByRetryAfter());
    String last = route.targets().isEmpty() ? null : route.targets().get(0).health().lastFailure();
    return new ApiError(rateLimited ? 429 : 503, rateLimited ? "rate_limit_error" : "upstream_error",
        rateLimited ? "rate_limit_exceeded" : "deployments_unavailable",
        "No deployment of model '" + route.name() + "' can take requests now ("
            + (rateLimited ? "the provider asked the gateway to wait" : "cooling down after " + (last == null ? "failures" : last))
            + "). Retry after " + seconds + " s.", null, Long.toString(seconds));
  }

  static boolean isContextLength(ApiError e) {
    return "context_length_exceeded".equals(e.code());
  }

  static boolean isContentPolicy(ApiError e) {
    return "content_filter".equals(e.code()) || "content_policy_violation".equals(e.code());
  }

  static boolean isSaturation(ApiError e) {
    return e != null && ("deployment_queue_full".equals(e.code()) || "deployment_queue_timeout".equals(e.code()));
  }
}
