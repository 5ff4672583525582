package io.wanapis.config;

/**
 * Upstream timeouts in milliseconds (0 = none): connecting, waiting for the response head,
 * silence between chunks of a response, and the whole exchange.
 */
public record Timeouts(long connectMs, long firstByteMs, long idleMs, long totalMs) {
  /** Generous defaults: reasoning models can think for minutes before the first byte. */
  public static final Timeouts DEFAULT = new Timeouts(10_000, 600_000, 300_000, 1_800_000);

  /** This with every field the override sets replaced. */
  public Timeouts with(GatewayConfig.TimeoutConfig o) {
    if (o == null) return this;
    return new Timeouts(
        o.connectMs() != null ? o.connectMs() : connectMs,
        o.firstByteMs() != null ? o.firstByteMs() : firstByteMs,
        o.idleMs() != null ? o.idleMs() : idleMs,
        o.totalMs() != null ? o.totalMs() : totalMs);
  }

  public Timeouts withTotal(long totalMs) {
    return new Timeouts(connectMs, firstByteMs, idleMs, totalMs);
  }
}
