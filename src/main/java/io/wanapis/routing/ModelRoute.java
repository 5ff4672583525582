package io.wanapis.routing;

import io.wanapis.config.GatewayConfig.TimeoutConfig;
import io.wanapis.config.Timeouts;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A model name clients can call, with the deployments that serve it. Picks targets by smooth
 * weighted round robin; the others follow as fallbacks for retryable failures. (Strategies,
 * health and cooldowns arrive with the routing issue.)
 */
public final class ModelRoute {
  private final String name;
  private final List<Target> targets;
  private final TimeoutConfig timeouts;
  private final int totalWeight;
  private final AtomicLong counter = new AtomicLong();

  public ModelRoute(String name, List<Target> targets, TimeoutConfig timeouts) {
    this.name = name;
    this.targets = List.copyOf(targets);
    this.timeouts = timeouts;
    this.totalWeight = targets.stream().mapToInt(Target::weight).sum();
  }

  public String name() { return name; }
  public List<Target> targets() { return targets; }
  /** Timeouts for a target of this model: the provider's, with this model's overrides. */
  public Timeouts timeoutsFor(Target t) {
    return t.provider().spec().timeouts().with(timeouts);
  }

  /** Targets in the order to try them: the weighted pick first, then the rest in config order. */
  public List<Target> attemptOrder() {
    if (targets.size() == 1) return targets;
    Target first = pick();
    java.util.ArrayList<Target> order = new java.util.ArrayList<>(targets.size());
    order.add(first);
    for (Target t : targets) if (t != first && t.weight() > 0) order.add(t);
    return order;
  }

  private Target pick() {
    if (totalWeight <= 0) return targets.get(0);
    long slot = Math.floorMod(counter.getAndIncrement(), (long) totalWeight);
    for (Target t : targets) {
      slot -= t.weight();
      if (slot < 0) return t;
    }
    return targets.get(0);
  }

  /** The same route for a concrete name matched by a wildcard ('*' in upstream names replaced). */
  ModelRoute specialise(String concreteName, String matched) {
    List<Target> concrete = targets.stream()
        .map(t -> new Target(t.provider(), t.upstreamModel().replace("*", matched), t.weight()))
        .toList();
    return new ModelRoute(concreteName, concrete, timeouts);
  }
}
