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
    long cacheMaxBytes,
    String databaseUrl,
    UsageSettings usage, // usage issue
    QuotaSettings quotas, // quotas issue
    RedisSettings redis) { // shared state (issue 8): RedisSettings.NONE when no Redis is configured

  /** Quotas issue: the plans defined in the config and the plan of keys that name none. */
  public record QuotaSettings(List<io.wanapis.limits.Plan> plans, String defaultPlan, boolean fastTokenEstimate) {
    public static final QuotaSettings NONE = new QuotaSettings(List.of(), null, true);
  }

  public static final long DEFAULT_MAX_BODY_BYTES = 8L * 1024 * 1024;


  /**
   * @param baseUrl null when {@code simulated}: the in-process simulator serves this provider in
   *     its protocol (its port is known only once it listens)
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
      boolean streamUsage,
      boolean simulated,
      String apiVersion,
      boolean dropParams,
      String region,
      AwsCredentials aws) {}

  /** Static AWS credentials for Bedrock's SigV4 signing (session token optional). */
  public record AwsCredentials(String accessKeyId, String secretAccessKey, String sessionToken) {
    @Override
    public String toString() {
      return "AwsCredentials[" + accessKeyId + ", secret hidden]";
    }
  }

  /**
   * A model clients can name; a name ending in '/*' matches any suffix (see docs/configuration.md).
   * {@code timeouts} overrides the provider's timeouts field by field (null: none).
   */
  public record ModelSpec(String name, List<DeploymentSpec> deployments, GatewayConfig.TimeoutConfig timeouts, RoutingSpec routing) {}

  /**
   * {@code model} may contain '*', replaced by what the client's name matched. Limits are null
   * when unset; costs are USD per million tokens (for the lowest_cost strategy).
   */
  public record DeploymentSpec(String provider, String model, int weight, Integer rpm, Integer tpm, Integer maxConcurrency,
      int maxQueue, long queueTimeoutMs, Double inputCostPerMtok, Double outputCostPerMtok) {}

  /** How a model's traffic is routed (docs/routing.md). Lists are never null. */
  public record RoutingSpec(
      String strategy,
      List<String> fallbacks,
      List<String> contextWindowFallbacks,
      List<String> contentPolicyFallbacks,
      GatewayConfig.DegradeConfig degrade,
      List<GatewayConfig.SplitConfig> split,
      String sticky,
      GatewayConfig.AutoConfig auto,
      GatewayConfig.CacheConfig cache,
      int cooldownFailures,
      int cooldownSeconds,
      Integer contextWindow,
      List<String> capabilities,
      Double inputCostPerMtok,
      Double outputCostPerMtok) {}
}
