package io.wanapis.routing;

import io.wanapis.providers.Provider;

/** One concrete place a request can go: a provider and the model name that provider knows. */
public record Target(Provider provider, String upstreamModel, int weight) {
  public String label() {
    return provider.name() + "/" + upstreamModel;
  }
}
