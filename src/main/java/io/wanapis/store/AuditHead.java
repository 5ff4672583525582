package io.wanapis.store;

/** Sequence number and hash of the newest audit entry (seq 0 and {@link AuditChain#GENESIS} when empty). */
public record AuditHead(long seq, String hash) {}
