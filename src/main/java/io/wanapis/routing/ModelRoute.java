package io.wanapis.routing;

import io.wanapis.config.GatewayConfig.TimeoutConfig;
import io.wanapis.config.Settings.RoutingSpec;
import io.wanapis.config.Timeouts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A model name clients can call: its deployments and how traffic is spread over them
 * ({@link RoutingSpec#strategy()}), which deployments are healthy, and what to do when none is.
 */
public final class ModelRoute {
  private final String name;
  private final List<Target> targets;
  private final TimeoutConfig timeouts;
  private final RoutingSpec routing;
  private final AtomicLong counter = new AtomicLong();

  public ModelRoute(String name, List<Target> targets, TimeoutConfig timeouts, RoutingSpec routing) {
    this.name = name;
    this.targets = List.copyOf(targets);
    this.timeouts = timeouts;
    this.routing = routing;
  }

  public String name() { return name; }
  public List<Target> targets() { return targets; }
  public RoutingSpec routing() { return routing; }
  public TimeoutConfig timeoutOverrides() { return timeouts; }

  /** A virtual model (A/B split or auto) has no deployments of its own. */
  public boolean isVirtual() {
    return targets.isEmpty();
  }

  /** Timeouts for a target of this model: the provider's, with this model's overrides. */
  public Timeouts timeoutsFor(Target t) {
    return t.provider().spec().timeouts().with(timeouts);
  }

  /**
   * Targets in the order to try them, by the model's strategy, leaving out deployments whose
   * circuit breaker is open or that are at their own RPM/TPM limit. Weight-0 deployments come
   * last (fallback only). Empty when nothing is available.
   */
  public List<Target> attemptOrder(long now) {
    List<Target> available = new ArrayList<>(targets.size());
    List<Target> standby = new ArrayList<>(1);
    for (Target t : targets) {
      if (!t.health().looksAvailable(now)) continue;
      if ("usage_based".equals(routing.strategy()) && t.health().utilization(t.spec().rpm(), t.spec().tpm()) >= 1.0) continue;
      (t.weight() > 0 ? available : standby).add(t);
    }
    if (available.size() > 1) order(available);
    available.addAll(standby);
    return available;
  }

  private void order(List<Target> list) {
    switch (routing.strategy()) {
      case "least_inflight" -> {
        rotate(list);
        list.sort(Comparator.comparingInt(t -> t.health().inFlight()));
      }
      case "lowest_latency" -> {
        rotate(list);
        list.sort(Comparator.comparingDouble(t -> t.health().latencyMs())); // unknown (-1) first: explore
      }
      case "lowest_ttft" -> {
        rotate(list);
        list.sort(Comparator.comparingDouble(t -> t.health().ttftMs()));
      }
      case "lowest_cost" -> {
        rotate(list);
        list.sort(Comparator.comparingDouble(Target::unitCost));
      }
      case "usage_based" -> {
        rotate(list);
        list.sort(Comparator.comparingDouble(t -> t.health().utilization(t.spec().rpm(), t.spec().tpm())));
      }
      default -> weighted(list);
    }
  }

  /** Round-robin start so ties spread evenly (sorts are stable). */
  private void rotate(List<Target> list) {
    int shift = (int) Math.floorMod(counter.getAndIncrement(), (long) list.size());
    java.util.Collections.rotate(list, -shift);
  }

  /** Weighted round robin: the pick first, then the rest by weight. */
  private void weighted(List<Target> list) {
    int total = 0;
    for (Target t : list) total += t.weight();
    long slot = Math.floorMod(counter.getAndIncrement(), (long) Math.max(total, 1));
    Target first = list.get(0);
    for (Target t : list) {
      slot -= t.weight();
      if (slot < 0) {
        first = t;
        break;
      }
    }
    list.remove(first);
    list.sort(Comparator.comparingInt(Target::weight).reversed());
    list.add(0, first);
  }

  /**
   * When every deployment's breaker is open and nothing else is configured: the ones opened by a
   * failure count (not by the upstream's retry-after) are tried anyway; a best-effort attempt is
   * better than a certain error, and if it succeeds it closes the breaker.
   */
  public List<Target> lastResort(long now) {
    List<Target> out = new ArrayList<>();
    for (Target t : targets) if (t.weight() > 0 && !t.health().openByRetryAfter()) out.add(t);
    return out;
  }

  /** Nanoseconds until the first deployment's breaker lets a probe through (for retry-after). */
  public long soonestRecoveryNanos(long now) {
    long best = Long.MAX_VALUE;
    for (Target t : targets) best = Math.min(best, t.health().remainingCooldownNanos(now));
    return best == Long.MAX_VALUE ? 0 : best;
  }

  /** The same route for a concrete name matched by a wildcard ('*' in upstream names replaced). */
  ModelRoute specialise(String concreteName, String matched, DeploymentState state) {
    List<Target> concrete = new ArrayList<>();
    for (Target t : targets) {
      String model = t.upstreamModel().replace("*", matched);
      String label = t.provider().name() + "/" + model;
      concrete.add(new Target(t.provider(), model, t.spec(), state.health(label), state.gate(label, t.spec())));
    }
    return new ModelRoute(concreteName, concrete, timeouts, routing);
  }
}
