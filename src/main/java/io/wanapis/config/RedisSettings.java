package io.wanapis.config;

import java.net.URI;

/**
 * Shared state between instances (issue 8, docs/shared-state.md): where Redis is and what to do
 * when it cannot answer. {@link #NONE} (no url): one instance, everything in memory.
 *
 * @param url redis://[user:password@]host:port[/db] or rediss:// (TLS); null = no Redis
 * @param failOpen true: while Redis is down, limits are counted in this instance's memory;
 *     false: requests that need a shared counter are refused with 503
 * @param timeoutMs how long any Redis command (and a connect) may take before it counts as failed
 */
public record RedisSettings(String url, boolean failOpen, long timeoutMs) {
  public static final long DEFAULT_TIMEOUT_MS = 250;
  public static final RedisSettings NONE = new RedisSettings(null, true, DEFAULT_TIMEOUT_MS);

  public boolean enabled() {
    return url != null;
  }

  /** The url without a password, for logs. */
  public String redactedUrl() {
    if (url == null) return "none";
    try {
      URI u = URI.create(url);
      if (u.getUserInfo() == null) return url;
      return u.getScheme() + "://***@" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort()) + (u.getPath() == null ? "" : u.getPath());
    } catch (IllegalArgumentException e) {
      return "(unparsable url)";
    }
  }

  @Override
  public String toString() {
    return "RedisSettings[" + redactedUrl() + ", failOpen=" + failOpen + ", timeoutMs=" + timeoutMs + "]";
  }

  /** Flag beats env beats file; checks the url's scheme and the other fields. */
  static RedisSettings resolve(GatewayConfig.RedisConfig cfg, String flag, String env, String source) {
    String url = blankToNull(flag);
    if (url == null) url = blankToNull(env);
    if (url == null && cfg != null) url = blankToNull(cfg.url());
    String onFailure = cfg == null || cfg.onFailure() == null ? "open" : cfg.onFailure().trim().toLowerCase(java.util.Locale.ROOT);
    if (!onFailure.equals("open") && !onFailure.equals("closed")) {
      throw new ConfigException(source + ": redis.on_failure must be 'open' or 'closed', not '" + cfg.onFailure() + "'");
    }
    long timeout = cfg == null || cfg.timeoutMs() == null ? DEFAULT_TIMEOUT_MS : cfg.timeoutMs();
    if (timeout < 10 || timeout > 60_000) throw new ConfigException(source + ": redis.timeout_ms must be from 10 to 60000");
    if (url != null) {
      URI u;
      try {
        u = URI.create(url);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(source + ": redis url is not a URL: " + e.getMessage());
      }
      if (!"redis".equals(u.getScheme()) && !"rediss".equals(u.getScheme()) || u.getHost() == null) {
        throw new ConfigException(source + ": the redis url must look like redis://host:6379 (or rediss:// for TLS)");
      }
    }
    return new RedisSettings(url, onFailure.equals("open"), timeout);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
