package io.wanapis.usage;

/** The team and project a key belongs to (both null for the master key and team-less keys). */
public record Attribution(String teamId, String projectId) {
  public static final Attribution NONE = new Attribution(null, null);

  /** Looks a key id up (from the in-memory key cache: no I/O). */
  @FunctionalInterface
  public interface Resolver {
    Attribution of(String keyId);
  }
}
