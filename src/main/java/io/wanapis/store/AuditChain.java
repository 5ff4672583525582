package io.wanapis.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The audit log's hash chain. Each field is written with its length before it, so no two
 * different entries can produce the same input by moving text between fields.
 */
public final class AuditChain {
  public static final String GENESIS = "0".repeat(64);

  /** Outcome of a verification: ok, or the first entry that does not fit and why. */
  public record Result(boolean ok, long checked, Long firstBadSeq, String problem) {
    static Result good(long checked) { return new Result(true, checked, null, null); }
    static Result bad(long checked, long seq, String problem) { return new Result(false, checked, seq, problem); }
  }

  private AuditChain() {}

  public static String hash(String prevHash, long seq, long at, String actor, String actorRole, String action,
      String targetType, String targetId, String sourceIp, String requestId, String beforeJson, String afterJson) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (String f : new String[] {prevHash, Long.toString(seq), Long.toString(at), actor, actorRole, action, targetType,
        targetId, sourceIp, requestId, beforeJson, afterJson}) {
      if (f == null) {
        md.update((byte) 0xff); // distinct from the empty string
        continue;
      }
      byte[] b = f.getBytes(StandardCharsets.UTF_8);
      md.update((b.length + ":").getBytes(StandardCharsets.US_ASCII));
      md.update(b);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  public static String hashOf(AuditEntry e) {
    return hash(e.prevHash(), e.seq(), e.at(), e.actor(), e.actorRole(), e.action(), e.targetType(), e.targetId(),
        e.sourceIp(), e.requestId(), e.beforeJson(), e.afterJson());
  }

  /**
   * Checks entries that must start at seq 1 and be in order. With {@code headSeq}/{@code headHash}
   * (the chain head the store keeps; null to skip) also detects entries removed from the end.
   */
  public static Result verify(List<AuditEntry> entries, Long headSeq, String headHash) {
    String prev = GENESIS;
    long expected = 1;
    for (AuditEntry e : entries) {
      if (e.seq() != expected) return Result.bad(expected - 1, expected, "entry " + expected + " is missing (found " + e.seq() + ")");
      if (!e.prevHash().equals(prev)) return Result.bad(expected - 1, e.seq(), "entry " + e.seq() + " does not point to the entry before it");
      if (!hashOf(e).equals(e.hash())) return Result.bad(expected - 1, e.seq(), "entry " + e.seq() + " was changed after it was written");
      prev = e.hash();
      expected++;
    }
    long checked = expected - 1;
    if (headSeq != null && headSeq != checked) {
      return Result.bad(checked, checked + 1, "the log ends at entry " + checked + " but the chain head says " + headSeq);
    }
    if (headHash != null && !headHash.equals(prev)) {
      return Result.bad(checked, checked, "the last entry's hash differs from the chain head");
    }
    return Result.good(checked);
  }
}
