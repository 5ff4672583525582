package io.wanapis.store;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An admin action to append to the audit log, in the same transaction as the change itself.
 * {@code before} and {@code after} are scrubbed of secrets here, so no caller can forget it.
 */
public record AuditEvent(Actor actor, String action, String targetType, String targetId, JsonNode before, JsonNode after) {
  public AuditEvent {
    before = AuditRedaction.scrub(before);
    after = AuditRedaction.scrub(after);
  }
}
