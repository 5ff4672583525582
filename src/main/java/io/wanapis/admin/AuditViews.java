package io.wanapis.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanapis.json.Json;
import io.wanapis.keys.KeyViews;
import io.wanapis.store.AuditChain;
import io.wanapis.store.AuditEntry;

/** JSON of audit entries and of a chain verification. */
final class AuditViews {
  private AuditViews() {}

  static ObjectNode entry(AuditEntry e) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("seq", e.seq());
    o.put("object", "audit_entry");
    o.put("at", KeyViews.iso(e.at()));
    o.put("actor", e.actor());
    o.put("actor_role", e.actorRole());
    o.put("action", e.action());
    o.put("target_type", e.targetType());
    o.put("target_id", e.targetId());
    o.put("source_ip", e.sourceIp());
    o.put("request_id", e.requestId());
    o.set("before", parse(e.beforeJson()));
    o.set("after", parse(e.afterJson()));
    o.put("prev_hash", e.prevHash());
    o.put("hash", e.hash());
    return o;
  }

  static ObjectNode result(AuditChain.Result r) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("ok", r.ok());
    o.put("entries_checked", r.checked());
    o.put("first_bad_seq", r.firstBadSeq());
    o.put("problem", r.problem());
    return o;
  }

  private static JsonNode parse(String s) {
    if (s == null) return null;
    try {
      return Json.MAPPER.readTree(s);
    } catch (java.io.IOException e) {
      return Json.MAPPER.getNodeFactory().textNode(s); // tampered text is shown as it is
    }
  }
}
