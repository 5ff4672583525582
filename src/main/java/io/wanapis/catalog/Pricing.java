package io.wanapis.catalog;

import io.wanapis.usage.Usage;

/**
 * The cost of one request from its usage and a price. Input is split the way providers bill it:
 * cache reads at the cached price, cache writes at the cache-write price, the rest at the input
 * price (the gateway's {@code inputTokens} counts all three, see {@link Usage}).
 */
public final class Pricing {
  private Pricing() {}

  /** USD, or -1 when the model has no token price or the usage is unknown. */
  public static double cost(Usage u, ModelInfo m) {
    if (m == null || !m.tokenPriced() || !u.known()) return -1;
    double in = nz(m.inputPerMtok()), out = nz(m.outputPerMtok());
    double cachedPrice = m.cachedInputPerMtok() != null ? m.cachedInputPerMtok() : in;
    double writePrice = m.cacheWritePerMtok() != null ? m.cacheWritePerMtok() : in;
    long cached = Math.max(u.cachedTokens(), 0), written = Math.max(u.cacheWriteTokens(), 0);
    long plain = Math.max(Math.max(u.inputTokens(), 0) - cached - written, 0);
    double micro = plain * in + cached * cachedPrice + written * writePrice + Math.max(u.outputTokens(), 0) * out;
    return micro / 1_000_000.0;
  }

  /** An upper estimate before the call: every prompt token at the full input price. */
  public static double estimate(long promptTokens, long outputTokens, ModelInfo m) {
    if (m == null || !m.tokenPriced()) return 0;
    return (promptTokens * nz(m.inputPerMtok()) + outputTokens * nz(m.outputPerMtok())) / 1_000_000.0;
  }

  private static double nz(Double d) {
    return d == null ? 0 : d;
  }
}
