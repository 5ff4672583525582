package io.wanapis.routing;

import io.wanapis.config.Settings.DeploymentSpec;
import io.wanapis.providers.Provider;

/**
 * One concrete place a request can go: a provider and the model name that provider knows, with
 * its deployment settings, its shared health and (when it has a concurrency limit) its gate.
 */
public record Target(Provider provider, String upstreamModel, DeploymentSpec spec, DeploymentHealth health, ConcurrencyGate gate) {
  public String label() {
    return provider.name() + "/" + upstreamModel;
  }

  public int weight() {
    return spec.weight();
  }

  /** USD per million input + output tokens, or +∞ when unknown (for the lowest_cost strategy). */
  public double unitCost() {
    if (spec.inputCostPerMtok() == null && spec.outputCostPerMtok() == null) return Double.POSITIVE_INFINITY;
    return (spec.inputCostPerMtok() == null ? 0 : spec.inputCostPerMtok()) + (spec.outputCostPerMtok() == null ? 0 : spec.outputCostPerMtok());
  }
}
