package io.wanapis.limits;

import io.wanapis.keys.Limits;
import io.wanapis.keys.Project;
import io.wanapis.keys.Team;
import io.wanapis.store.Store;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the quota checks read on the hot path, from memory: the plans (the config's, replaced or
 * joined by those defined over the admin API) and the limits of every team and project. Reloaded
 * from the store every second off the event loop, and at once after an admin change on this
 * instance, so a plan or limit changed on any instance applies everywhere within a second.
 */
public final class QuotaBook {
  private static final Logger log = LoggerFactory.getLogger(QuotaBook.class);

  /** One consistent view; {@code version} changes whenever anything in it does. */
  public record Snapshot(long version, Map<String, Plan> plans, java.util.Set<String> storedPlans, Map<String, Limits> teams,
      Map<String, String> teamNames, Map<String, Limits> projects) {}

  private final Map<String, Plan> configPlans;
  private final String defaultPlan;
  private volatile Snapshot snapshot;
  private volatile boolean loadFailedLogged;

  private final boolean fastTokenEstimate;

  public QuotaBook(List<Plan> configPlans, String defaultPlan) {
    this(configPlans, defaultPlan, true);
  }

  /** @param fastTokenEstimate config {@code quotas.token_estimate: fast}, the default; false for {@code tokenizer} (see {@link PromptTokens}) */
  public QuotaBook(List<Plan> configPlans, String defaultPlan, boolean fastTokenEstimate) {
    this.fastTokenEstimate = fastTokenEstimate;
    Map<String, Plan> m = new LinkedHashMap<>();
    for (Plan p : configPlans) m.put(p.name(), p);
    this.configPlans = Map.copyOf(m);
    this.defaultPlan = defaultPlan;
    this.snapshot = new Snapshot(0, this.configPlans, java.util.Set.of(), Map.of(), Map.of(), Map.of());
  }

  public Snapshot snapshot() { return snapshot; }

  public boolean fastTokenEstimate() { return fastTokenEstimate; }

  /** The plan of keys that name none (config {@code quotas.default_plan}), or null. */
  public String defaultPlan() { return defaultPlan; }

  /** Whether a plan of this name exists now (config or admin). */
  public boolean hasPlan(String name) {
    return snapshot.plans().containsKey(name);
  }

  public boolean isConfigPlan(String name) {
    return configPlans.containsKey(name);
  }

  /** Reads plans, teams and projects from the store (blocking: call it on a worker). A store error keeps the last view. */
  public synchronized void reload(Store store) {
    try {
      Map<String, Plan> plans = new LinkedHashMap<>(configPlans);
      java.util.Set<String> stored = new java.util.HashSet<>();
      for (Plan p : store.listPlans()) {
        plans.put(p.name(), p); // a plan set over the admin API wins over the config's
        stored.add(p.name());
      }
      Map<String, Limits> teams = new HashMap<>();
      Map<String, String> teamNames = new HashMap<>();
      for (Team t : store.listTeams()) {
        teamNames.put(t.id(), t.name());
        if (!t.limits().isEmpty()) teams.put(t.id(), t.limits());
      }
      Map<String, Limits> projects = new HashMap<>();
      for (Project p : store.listProjects(null)) if (!p.limits().isEmpty()) projects.put(p.id(), p.limits());
      Snapshot old = snapshot;
      if (old.plans().equals(plans) && old.storedPlans().equals(stored) && old.teams().equals(teams) && old.projects().equals(projects)
          && old.teamNames().equals(teamNames)) {
        loadFailedLogged = false;
        return;
      }
      snapshot = new Snapshot(old.version() + 1, java.util.Collections.unmodifiableMap(plans), java.util.Set.copyOf(stored), Map.copyOf(teams), Map.copyOf(teamNames), Map.copyOf(projects));
      loadFailedLogged = false;
    } catch (RuntimeException e) {
      if (!loadFailedLogged) log.warn("quotas: cannot reload plans and team limits from the store, keeping the last ones: {}", e.getMessage());
      loadFailedLogged = true;
    }
  }
}
