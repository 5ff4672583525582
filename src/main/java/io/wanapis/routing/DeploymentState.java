package io.wanapis.routing;

import io.wanapis.config.Settings.DeploymentSpec;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Health and concurrency gates per deployment ({@code provider/upstream-model}), shared by all
 * routes that use the same deployment: its failures are the upstream's, whichever name the
 * client used. In memory; with Redis, cooldowns are announced to the other instances
 * ({@link #announceCooldowns}, docs/shared-state.md).
 */
public final class DeploymentState {
  /** Where this instance's cooldowns go (Redis pub/sub with several instances). */
  public interface CooldownSink {
    void opened(String label, long millis, String code, boolean byRetryAfter);
  }

  private final ConcurrentHashMap<String, DeploymentHealth> health = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ConcurrencyGate> gates = new ConcurrentHashMap<>();
  private volatile CooldownSink sink;
  /** Told of each new gate with its deployment label (metrics); may be null. */
  private final BiConsumer<String, ConcurrencyGate> onNewGate;

  public DeploymentState() {
    this(null);
  }

  public DeploymentState(BiConsumer<String, ConcurrencyGate> onNewGate) {
    this.onNewGate = onNewGate;
  }

  public DeploymentHealth health(String label) {
    return health.computeIfAbsent(label, l -> new DeploymentHealth(l, this));
  }

  /** Shared state (issue 8): from now on every breaker that opens here is told to {@code s}. */
  public void announceCooldowns(CooldownSink s) {
    this.sink = s;
  }

  void opened(String label, long millis, String code, boolean byRetryAfter) {
    CooldownSink s = sink;
    if (s == null) return;
    try {
      s.opened(label, millis, code, byRetryAfter);
    } catch (RuntimeException e) {
      // sharing is best effort: this instance's own breaker is already open
    }
  }

  /** Shared state (issue 8): another instance put {@code label} in cooldown for {@code millis}. */
  public void cooldownElsewhere(String label, long millis, String code, boolean byRetryAfter) {
    health(label).openedElsewhere(System.nanoTime(), millis, code, byRetryAfter);
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
