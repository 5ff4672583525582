package io.wanapis.routing;

import io.wanapis.config.Settings.DeploymentSpec;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Health and concurrency gates per deployment ({@code provider/upstream-model}), shared by all
 * routes that use the same deployment: its failures are the upstream's, whichever name the
 * client used. In memory today; shared through Redis with the quotas work.
 */
public final class DeploymentState {
  private final ConcurrentHashMap<String, DeploymentHealth> health = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ConcurrencyGate> gates = new ConcurrentHashMap<>();
  /** Told of each new gate with its deployment label (metrics); may be null. */
  private final BiConsumer<String, ConcurrencyGate> onNewGate;

  public DeploymentState() {
    this(null);
  }

  public DeploymentState(BiConsumer<String, ConcurrencyGate> onNewGate) {
    this.onNewGate = onNewGate;
  }

  public DeploymentHealth health(String label) {
    return health.computeIfAbsent(label, DeploymentHealth::new);
  }

  /** The gate for a deployment with a concurrency limit, else null. */
  public ConcurrencyGate gate(String label, DeploymentSpec spec) {
    if (spec.maxConcurrency() == null) return null;
    ConcurrencyGate g = gates.get(label);
    if (g != null) return g;
    ConcurrencyGate fresh = new ConcurrencyGate(spec.maxConcurrency(), spec.maxQueue(), spec.queueTimeoutMs());
    g = gates.putIfAbsent(label, fresh);
    if (g != null) return g;
    if (onNewGate != null) onNewGate.accept(label, fresh);
    return fresh;
  }
}
