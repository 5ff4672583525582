package io.wanapis.keys;

import java.util.Map;

/**
 * A grouping of keys inside a team (an application, an environment, ...).
 *
 * @param limits the project's plan and quota overrides, counted over all its keys together (docs/quotas.md)
 */
public record Project(String id, String teamId, String name, Map<String, Object> metadata, long createdAt, Limits limits) {
  public Project {
    limits = limits == null ? Limits.NONE : limits;
  }

  public Project(String id, String teamId, String name, Map<String, Object> metadata, long createdAt) {
    this(id, teamId, name, metadata, createdAt, Limits.NONE);
  }

  public Project withLimits(Limits l) {
    return new Project(id, teamId, name, metadata, createdAt, l);
  }
}
