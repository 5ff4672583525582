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
    Boolean dropParams,
    CacheSettingsConfig cache,
    String databaseUrl,
    // usage issue
    List<CatalogEntryConfig> catalog,
    List<BudgetConfig> budgets,
    AlertsConfig alerts,
    MetricsConfig metrics,
    UsageConfig usage,
    // quotas issue
    List<PlanConfig> plans,
    QuotasConfig quotas,
    RedisConfig redis) { // shared state (issue 8)

  /**
   * Shared state between instances (docs/shared-state.md): {@code url} (redis://host:port[/db],
   * rediss:// for TLS), {@code on_failure} "open" (default: local limits while Redis is down) or
   * "closed" (refuse what needs Redis), {@code timeout_ms} per command (default 250).
   */
  public record RedisConfig(String url, String onFailure, Long timeoutMs) {}

  /** Quotas issue: a plan (tier); see docs/quotas.md. */
  public record PlanConfig(String name, Long rpm, Long tpm, Long rpd, Long tpd, Integer maxConcurrent, Integer maxTokens, Double burst,
      Integer weight, String description) {}

  /**
   * Quotas issue: {@code default_plan} applies to keys that name no plan; {@code token_estimate}
   * is how TPM reservations count a prompt: "fast" (default) or "tokenizer" (docs/quotas.md).
   */
  public record QuotasConfig(String defaultPlan, String tokenEstimate) {}

  /** Usage issue: a catalog entry to add, or the fields to change on a built-in one (docs/catalog.md). */
  public record CatalogEntryConfig(String id, String provider, String mode, Integer contextWindow, Integer maxOutput,
      List<String> capabilities, Double inputPerMtok, Double outputPerMtok, Double cachedInputPerMtok, Double cacheWritePerMtok,
      Double perImage, Double perSecond) {}

  /** Usage issue: a USD budget on exactly one of key (id), team or project (id or name); docs/budgets.md. */
  public record BudgetConfig(String id, String key, String team, String project, String period, Double limitUsd, Boolean hard,
      List<Integer> alertThresholds) {}

  /** Usage issue: where budget alerts go (besides the log). */
  public record AlertsConfig(String webhookUrl, String webhookSecret, List<Integer> thresholds) {}

  /** Usage issue: {@code GET /metrics}; {@code key_labels} adds a per-key label (mind the cardinality). */
  public record MetricsConfig(Boolean enabled, Boolean keyLabels) {}

  /** Usage issue: the ledger's queue and batches, and the budget reservation default. */
  public record UsageConfig(Boolean ledger, Integer queueCapacity, Integer batchSize, Integer reserveOutputTokens, String ledgerFormat) {}

  /** Size of the in-memory response cache (models opt in with their own {@code cache}). */
  public record CacheSettingsConfig(Long maxBytes) {}

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
      Boolean streamUsage,
      Boolean simulated,
      String apiVersion,
      Boolean dropParams,
      String region,
      String awsAccessKeyId,
      String awsSecretAccessKey,
      String awsSessionToken) {

    /** The few fields the embedded default sets. */
    public static ProviderConfig of(String name, String type, String apiKey, List<String> forwardHeaders, Boolean simulated) {
      return new ProviderConfig(name, type, null, apiKey, null, forwardHeaders, null, null, null, simulated, null, null, null,
          null, null, null);
    }
  }

  /**
   * A model name clients call. Either {@code deployments}, or {@code split} (A/B test across
   * other models), or {@code auto} (cheapest capable model among candidates). See
   * docs/routing.md for every field.
   */
  public record ModelConfig(
      String name,
      List<DeploymentConfig> deployments,
      TimeoutConfig timeouts,
      String strategy,
      List<String> fallbacks,
      List<String> contextWindowFallbacks,
      List<String> contentPolicyFallbacks,
      DegradeConfig degrade,
      List<SplitConfig> split,
      String sticky,
      AutoConfig auto,
      CacheConfig cache,
      CooldownConfig cooldown,
      Integer contextWindow,
      List<String> capabilities,
      Double inputCostPerMtok,
      Double outputCostPerMtok) {

    public static ModelConfig simple(String name, List<DeploymentConfig> deployments) {
      return new ModelConfig(name, deployments, null, null, null, null, null, null, null, null, null, null, null, null, null,
          null, null);
    }
  }

  public record DeploymentConfig(
      String provider,
      String model,
      Integer weight,
      Integer rpm,
      Integer tpm,
      Integer maxConcurrency,
      Integer maxQueue,
      Long queueTimeoutMs,
      Double inputCostPerMtok,
      Double outputCostPerMtok) {

    public static DeploymentConfig of(String provider, String model) {
      return new DeploymentConfig(provider, model, null, null, null, null, null, null, null, null);
    }
  }

  /** Route to {@code to} instead of failing when the model is overloaded (all deployments cooling down or queues full). */
  public record DegradeConfig(String to, List<String> when) {}

  public record SplitConfig(String model, Integer weight) {}

  /**
   * The cheapest candidate that meets the request's needs; with {@code small}/{@code large}
   * lists, a request is "large" when its prompt is over {@code large_prompt_tokens} or it asks
   * for reasoning.
   */
  public record AutoConfig(List<String> candidates, List<String> small, List<String> large, Integer largePromptTokens) {}

  /** Exact-match response cache: {@code scope} "key" (default) or "shared". */
  public record CacheConfig(Integer ttlSeconds, String scope) {}

  /** Circuit breaker: after {@code failures} consecutive failures, no traffic for {@code seconds}, then one probe. */
  public record CooldownConfig(Integer failures, Integer seconds) {}

  /** {@code path}: "stdout" (default), "off", or a file path. */
  public record AccessLogConfig(String path) {}
}
