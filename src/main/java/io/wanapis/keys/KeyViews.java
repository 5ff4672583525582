package io.wanapis.keys;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanapis.json.Json;
import java.time.Instant;

/**
 * The JSON shapes of keys, teams and projects, for admin answers and audit entries alike. There
 * is no field for a secret or a hash here: a view cannot leak what it does not have.
 */
public final class KeyViews {
  private KeyViews() {}

  public static ObjectNode key(VirtualKey k, long now) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", k.id());
    o.put("object", "key");
    o.put("name", k.name());
    o.put("key_prefix", k.displayPrefix());
    o.put("role", k.role().id());
    o.put("team_id", k.teamId());
    o.put("project_id", k.projectId());
    o.put("owner", k.owner());
    o.set("models", Json.MAPPER.valueToTree(k.models()));
    o.set("endpoints", Json.MAPPER.valueToTree(k.endpoints().stream().sorted().toList()));
    o.put("status", k.status() == KeyStatus.REVOKED ? "revoked" : k.expired(now) ? "expired" : "active");
    o.put("expires_at", iso(k.expiresAt()));
    o.put("created_at", iso(k.createdAt()));
    o.put("updated_at", iso(k.updatedAt()));
    o.put("last_used_at", iso(k.lastUsedAt()));
    o.set("metadata", Json.MAPPER.valueToTree(k.metadata()));
    o.set("limits", LimitsJson.view(k.limits()));
    return o;
  }

  public static ObjectNode team(Team t) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", t.id());
    o.put("object", "team");
    o.put("name", t.name());
    o.set("metadata", Json.MAPPER.valueToTree(t.metadata()));
    o.put("created_at", iso(t.createdAt()));
    o.set("limits", teamLimits(t.limits()));
    return o;
  }

  public static ObjectNode project(Project p) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", p.id());
    o.put("object", "project");
    o.put("team_id", p.teamId());
    o.put("name", p.name());
    o.set("metadata", Json.MAPPER.valueToTree(p.metadata()));
    o.put("created_at", iso(p.createdAt()));
    o.set("limits", teamLimits(p.limits()));
    return o;
  }

  /** Teams and projects have no budget or per-model fields in their limits. */
  private static ObjectNode teamLimits(Limits l) {
    ObjectNode o = LimitsJson.view(l);
    o.remove("max_budget");
    o.remove("budget_period");
    o.remove("models");
    return o;
  }

  public static String iso(Long millis) {
    return millis == null ? null : Instant.ofEpochMilli(millis).toString();
  }
}
