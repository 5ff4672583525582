package io.wanapis.config;

import java.util.List;

/**
 * The whole configuration file. Field names are the YAML keys in snake_case; every field is
 * optional and {@link ConfigDefaults} fills what is missing. See docs/configuration.md.
 */
public record GatewayConfig(
    String masterKey,
    String dataDir,
    ServerConfig server,
    TimeoutConfig timeouts,
    List<ProviderConfig> providers,
    List<ModelConfig> models,
    AccessLogConfig accessLog,
    String databaseUrl) {

  public record ServerConfig(String host, Integer port, Long maxBodyBytes, Integer eventLoops) {}

  /** Upstream timeouts in milliseconds; 0 disables one. */
  public record TimeoutConfig(Long connectMs, Long firstByteMs, Long idleMs, Long totalMs) {}

  public record ProviderConfig(
      String name,
      String type,
      String baseUrl,
      String apiKey,
      java.util.Map<String, String> headers,
      List<String> forwardHeaders,
      TimeoutConfig timeouts,
      Integer maxConnections,
      Boolean streamUsage) {}

  public record ModelConfig(String name, List<DeploymentConfig> deployments, TimeoutConfig timeouts) {}

  public record DeploymentConfig(String provider, String model, Integer weight) {}

  /** {@code path}: "stdout" (default), "off", or a file path. */
  public record AccessLogConfig(String path) {}
}
