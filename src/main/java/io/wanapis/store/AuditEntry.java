package io.wanapis.store;

/**
 * One stored audit entry. {@code hash} = SHA-256 over {@code prevHash} and every other field (see
 * {@link AuditChain}), so changing, removing or reordering entries breaks the chain.
 */
public record AuditEntry(
    long seq,
    long at,
    String actor,
    String actorRole,
    String action,
    String targetType,
    String targetId,
    String sourceIp,
    String requestId,
    String beforeJson,
    String afterJson,
    String prevHash,
    String hash) {}
