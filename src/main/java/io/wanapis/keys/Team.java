package io.wanapis.keys;

import java.util.Map;

/**
 * A tenant: keys and projects belong to a team; a team admin key manages one team.
 *
 * @param limits the team's plan and quota overrides, counted over all its keys together (docs/quotas.md)
 */
public record Team(String id, String name, Map<String, Object> metadata, long createdAt, Limits limits) {
  public Team {
    limits = limits == null ? Limits.NONE : limits;
  }

  public Team(String id, String name, Map<String, Object> metadata, long createdAt) {
    this(id, name, metadata, createdAt, Limits.NONE);
  }

  public Team withLimits(Limits l) {
    return new Team(id, name, metadata, createdAt, l);
  }
}
