package io.wanapis.routing;

import io.wanapis.config.Settings.DeploymentSpec;
import io.wanapis.config.Settings.ModelSpec;
import io.wanapis.providers.Provider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Model names clients may send, resolved from memory. Exact names first; then prefix patterns
 * like {@code openai/*}, whose concrete routes are cached so every name keeps its own
 * round-robin state.
 */
public final class ModelRegistry {
  private final Map<String, ModelRoute> exact = new LinkedHashMap<>();
  private final List<Map.Entry<String, ModelRoute>> prefixes = new ArrayList<>();
  /** Bounded: clients choose these names, so they must not be able to grow memory without limit. */
  private final Cache<String, ModelRoute> specialised = Caffeine.newBuilder().maximumSize(10_000).build();

  private final DeploymentState state;

  public ModelRegistry(List<ModelSpec> models, Map<String, Provider> providers, DeploymentState state) {
    this.state = state;
    for (ModelSpec m : models) {
      List<Target> targets = new ArrayList<>();
      for (DeploymentSpec d : m.deployments()) {
        String label = d.provider() + "/" + d.model();
        targets.add(new Target(providers.get(d.provider()), d.model(), d, state.health(label), state.gate(label, d)));
      }
      ModelRoute route = new ModelRoute(m.name(), targets, m.timeouts(), m.routing());
      if (m.name().endsWith("/*")) prefixes.add(Map.entry(m.name().substring(0, m.name().length() - 1), route));
      else exact.put(m.name(), route);
    }
    // Longest prefix wins when patterns overlap.
    prefixes.sort((a, b) -> b.getKey().length() - a.getKey().length());
  }

  /** The route for a client's model name, or null when the name is unknown. */
  public ModelRoute resolve(String name) {
    ModelRoute r = exact.get(name);
    if (r != null) return r;
    for (Map.Entry<String, ModelRoute> p : prefixes) {
      if (name.startsWith(p.getKey()) && name.length() > p.getKey().length()) {
        String matched = name.substring(p.getKey().length());
        return specialised.get(name, n -> p.getValue().specialise(n, matched, state));
      }
    }
    return null;
  }

  /** Names to list in /v1/models: exact names, then patterns as written (e.g. "sim/*"). */
  public List<String> listedNames() {
    List<String> names = new ArrayList<>(exact.keySet());
    for (Map.Entry<String, ModelRoute> p : prefixes) names.add(p.getValue().name());
    return names;
  }

  public List<String> exactNames() {
    return List.copyOf(exact.keySet());
  }
}
