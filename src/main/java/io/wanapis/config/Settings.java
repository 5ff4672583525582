package io.wanapis.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The validated configuration the gateway runs with: every default filled, every reference checked. */
public record Settings(
    String host,
    int port,
    long maxBodyBytes,
    int eventLoops,
    Path dataDir,
    String masterKey,
    Timeouts timeouts,
    List<ProviderSpec> providers,
    List<ModelSpec> models,
    String accessLog,
    String source,
    String databaseUrl) {

  public static final long DEFAULT_MAX_BODY_BYTES = 8L * 1024 * 1024;

  /** Before the database URL existed (keys issue): the embedded SQLite default. */
  public Settings(String host, int port, long maxBodyBytes, int eventLoops, Path dataDir, String masterKey, Timeouts timeouts,
      List<ProviderSpec> providers, List<ModelSpec> models, String accessLog, String source) {
    this(host, port, maxBodyBytes, eventLoops, dataDir, masterKey, timeouts, providers, models, accessLog, source, null);
  }

  /**
   * @param baseUrl null for the in-process simulator (its port is known only once it listens)
   * @param forwardHeaders client header names (lower case, a trailing '*' matches a prefix)
   *     copied to this upstream; nothing else from the client is forwarded
   */
  public record ProviderSpec(
      String name,
      ProviderType type,
      URI baseUrl,
      String apiKey,
      Map<String, String> headers,
      List<String> forwardHeaders,
      Timeouts timeouts,
      int maxConnections,
      boolean streamUsage) {}

  /**
   * A model clients can name; a name ending in '/*' matches any suffix (see docs/configuration.md).
   * {@code timeouts} overrides the provider's timeouts field by field (null: none).
   */
  public record ModelSpec(String name, List<DeploymentSpec> deployments, GatewayConfig.TimeoutConfig timeouts) {}

  /** {@code model} may contain '*', replaced by what the client's name matched. */
  public record DeploymentSpec(String provider, String model, int weight) {}
}
