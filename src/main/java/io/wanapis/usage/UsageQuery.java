package io.wanapis.usage;

/**
 * Which ledger rows a usage report reads: {@code [fromMs, toMs)} and, when not null, one key,
 * team or project. A team admin's queries always carry its team.
 */
public record UsageQuery(long fromMs, long toMs, String keyId, String teamId, String projectId) {
  public static UsageQuery all() {
    return new UsageQuery(0, Long.MAX_VALUE, null, null, null);
  }
}
