package io.wanapis.config;

import io.wanapis.config.GatewayConfig.DeploymentConfig;
import io.wanapis.config.GatewayConfig.ModelConfig;
import io.wanapis.config.GatewayConfig.ProviderConfig;
import io.wanapis.config.Settings.DeploymentSpec;
import io.wanapis.config.Settings.ModelSpec;
import io.wanapis.config.Settings.ProviderSpec;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns a parsed config (or none) plus the environment and command-line overrides into
 * {@link Settings}, checking every cross-reference. With no config file it builds the embedded
 * default: the in-process simulator for a handful of familiar model names, plus every preset
 * provider whose standard key variable is set.
 */
public final class SettingsResolver {
  /** Model names the default config serves from the simulator (chat first: newcomers pick it). */
  static final List<String> SIMULATED_MODELS = List.of(
      "gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "gpt-4.1", "o3-mini", "gpt-3.5-turbo-instruct",
      "text-embedding-3-small", "text-embedding-3-large");

  /** Claude names the default serves from the simulator's Anthropic protocol (or Anthropic with a key). */
  static final List<String> SIMULATED_CLAUDE_MODELS = List.of("claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1");

  private final Function<String, String> env;

  public SettingsResolver(Function<String, String> env) {
    this.env = env;
  }

  /** Quotas issue: the config's plans, validated like the admin API's, and the default plan. */
  static Settings.QuotaSettings quotas(GatewayConfig cfg, String source) {
    List<io.wanapis.limits.Plan> plans = new ArrayList<>();
    java.util.Set<String> names = new java.util.HashSet<>();
    List<GatewayConfig.PlanConfig> list = cfg.plans() == null ? List.of() : cfg.plans();
    for (int i = 0; i < list.size(); i++) {
      GatewayConfig.PlanConfig pc = list.get(i);
      if (pc == null || pc.name() == null) throw new ConfigException(source + ": plans[" + i + "].name is required");
      try {
        var o = io.wanapis.json.Json.MAPPER.createObjectNode();
        o.put("rpm", pc.rpm()).put("tpm", pc.tpm()).put("rpd", pc.rpd()).put("tpd", pc.tpd()).put("max_concurrent", pc.maxConcurrent())
            .put("max_tokens", pc.maxTokens()).put("burst", pc.burst()).put("weight", pc.weight()).put("description", pc.description());
        plans.add(io.wanapis.limits.Plan.parse(pc.name(), o));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(source + ": plans[" + i + "] (" + pc.name() + "): " + e.getMessage());
      }
      if (!names.add(pc.name())) throw new ConfigException(source + ": plan name '" + pc.name() + "' is used twice");
    }
    String def = cfg.quotas() == null ? null : cfg.quotas().defaultPlan();
    if (def != null && !names.contains(def)) {
      throw new ConfigException(source + ": quotas.default_plan '" + def + "' is not one of the plans defined under plans:" + names);
    }
    // fast by default: the reservation is settled with the real usage anyway, and tokenizing every
    // new question cost ~3 µs of event loop per limited request (docs/quotas.md, docs/benchmarks.md)
    String estimate = cfg.quotas() == null || cfg.quotas().tokenEstimate() == null ? "fast" : cfg.quotas().tokenEstimate();
    if (!estimate.equals("tokenizer") && !estimate.equals("fast")) {
      throw new ConfigException(source + ": quotas.token_estimate must be 'tokenizer' or 'fast', not '" + estimate + "'");
    }
    return new Settings.QuotaSettings(List.copyOf(plans), def, estimate.equals("fast"));
  }

  public Settings resolve(GatewayConfig cfg, String source, Integer portFlag, String hostFlag) {
    return resolve(cfg, source, portFlag, hostFlag, null);
  }

  /** @param databaseUrlFlag {@code --database-url}; beats {@code WANAPIS_DATABASE_URL}, which beats {@code database_url} */
  public Settings resolve(GatewayConfig cfg, String source, Integer portFlag, String hostFlag, String databaseUrlFlag) {
    return resolve(cfg, source, portFlag, hostFlag, databaseUrlFlag, null);
  }

  /** @param redisUrlFlag {@code --redis-url}; beats {@code WANAPIS_REDIS_URL}, which beats {@code redis.url} */
  public Settings resolve(GatewayConfig cfg, String source, Integer portFlag, String hostFlag, String databaseUrlFlag,
      String redisUrlFlag) {
    boolean embedded = cfg == null;
    if (cfg == null) cfg = defaultConfig();
    var server = cfg.server() != null ? cfg.server() : new GatewayConfig.ServerConfig(null, null, null, null);
    int port = portFlag != null ? portFlag
        : env.apply("WANAPIS_PORT") != null ? parsePort(env.apply("WANAPIS_PORT"), "WANAPIS_PORT")
        : server.port() != null ? server.port() : 4000;
    String host = hostFlag != null ? hostFlag : server.host() != null ? server.host() : "127.0.0.1";
    long maxBody = server.maxBodyBytes() != null ? server.maxBodyBytes() : Settings.DEFAULT_MAX_BODY_BYTES;
    if (maxBody < 1024) throw new ConfigException(source + ": server.max_body_bytes must be at least 1024");
    int loops = server.eventLoops() != null ? server.eventLoops() : Math.max(1, Runtime.getRuntime().availableProcessors());

    Timeouts timeouts = Timeouts.DEFAULT.with(cfg.timeouts());
    List<ProviderSpec> providers = providers(cfg.providers(), timeouts, source, Boolean.TRUE.equals(cfg.dropParams()));
    Map<String, ProviderSpec> byName = new LinkedHashMap<>();
    for (ProviderSpec p : providers) {
      if (byName.put(p.name(), p) != null) throw new ConfigException(source + ": provider name '" + p.name() + "' is used twice");
    }
    List<ModelSpec> models = models(cfg.models(), byName, source);

    String masterKey = cfg.masterKey();
    if (masterKey != null && masterKey.isBlank()) masterKey = null;
    if (masterKey == null && env.apply("WANAPIS_MASTER_KEY") != null && !env.apply("WANAPIS_MASTER_KEY").isBlank()) {
      masterKey = env.apply("WANAPIS_MASTER_KEY");
    }
    Path dataDir = cfg.dataDir() != null ? Path.of(cfg.dataDir())
        : env.apply("WANAPIS_DATA_DIR") != null ? Path.of(env.apply("WANAPIS_DATA_DIR"))
        : Path.of(env.apply("HOME") != null ? env.apply("HOME") : ".", ".wanapis");
    String accessLog = cfg.accessLog() != null && cfg.accessLog().path() != null ? cfg.accessLog().path() : "stdout";
    long cacheBytes = cfg.cache() != null && cfg.cache().maxBytes() != null ? cfg.cache().maxBytes() : 64L * 1024 * 1024;
    String databaseUrl = databaseUrlFlag != null && !databaseUrlFlag.isBlank() ? databaseUrlFlag
        : env.apply("WANAPIS_DATABASE_URL") != null && !env.apply("WANAPIS_DATABASE_URL").isBlank() ? env.apply("WANAPIS_DATABASE_URL")
        : cfg.databaseUrl() != null && !cfg.databaseUrl().isBlank() ? cfg.databaseUrl() : null; // null: <data_dir>/wanapis.db
    return new Settings(host, port, maxBody, loops, dataDir, masterKey, timeouts, providers, models, accessLog,
        embedded ? "embedded default" : source, cacheBytes, databaseUrl, UsageSettingsResolver.resolve(cfg, source),
        quotas(cfg, source), RedisSettings.resolve(cfg.redis(), redisUrlFlag, env.apply("WANAPIS_REDIS_URL"), source));
  }

  /** The embedded default, as if written in YAML (see docs/configuration.md for its listing). */
  GatewayConfig defaultConfig() {
    List<ProviderConfig> providers = new ArrayList<>();
    List<ModelConfig> models = new ArrayList<>();
    providers.add(ProviderConfig.of("simulator", "simulator", null, List.of("x-sim-*"), null));
    providers.add(ProviderConfig.of("simulator-anthropic", "anthropic", null, List.of("x-sim-*"), true));
    ProviderType openAiLike = null;
    for (ProviderType t : ProviderType.values()) {
      String key = t.keyEnvVar() == null ? null : env.apply(t.keyEnvVar());
      if (key == null || key.isBlank()) continue;
      if (t == ProviderType.AZURE) {
        // Azure needs its resource endpoint too (the variable its SDKs read).
        String endpoint = env.apply("AZURE_OPENAI_ENDPOINT");
        if (endpoint == null || endpoint.isBlank()) continue;
        providers.add(new ProviderConfig(t.id(), t.id(), endpoint, key, null, null, null, null, null, null, null, null, null,
            null, null, null));
      } else {
        providers.add(ProviderConfig.of(t.id(), t.id(), key, null, null));
      }
      models.add(ModelConfig.simple(t.id() + "/*", List.of(DeploymentConfig.of(t.id(), "*"))));
      if (t == ProviderType.OPENAI) openAiLike = t;
    }
    // With a real OpenAI key the familiar names go to OpenAI; the simulator stays reachable as sim/<name>.
    String familiarProvider = openAiLike != null ? openAiLike.id() : "simulator";
    for (String name : SIMULATED_MODELS) {
      models.add(ModelConfig.simple(name, List.of(DeploymentConfig.of(familiarProvider, name))));
    }
    boolean anthropicKey = providers.stream().anyMatch(p -> p.name().equals("anthropic"));
    for (String name : SIMULATED_CLAUDE_MODELS) {
      models.add(ModelConfig.simple(name, List.of(DeploymentConfig.of(anthropicKey ? "anthropic" : "simulator-anthropic", name))));
    }
    models.add(ModelConfig.simple("sim/*", List.of(DeploymentConfig.of("simulator", "*"))));
    models.add(ModelConfig.simple("sim-claude/*", List.of(DeploymentConfig.of("simulator-anthropic", "*"))));
    return new GatewayConfig(null, null, null, null, providers, models, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  private List<ProviderSpec> providers(List<ProviderConfig> list, Timeouts defaults, String source, boolean dropParamsGlobally) {
    List<ProviderSpec> out = new ArrayList<>();
    if (list == null) return out;
    for (int i = 0; i < list.size(); i++) {
      ProviderConfig p = list.get(i);
      String at = source + ": providers[" + i + "]";
      if (p == null) throw new ConfigException(at + " is empty");
      if (p.name() == null || p.name().isBlank()) throw new ConfigException(at + ".name is required");
      if (p.type() == null) throw new ConfigException(at + " ('" + p.name() + "'): type is required (one of: " + ProviderType.knownIds() + ")");
      ProviderType type = ProviderType.byId(p.type()).orElseThrow(() -> new ConfigException(
          at + " ('" + p.name() + "'): unknown type '" + p.type() + "' (known: " + ProviderType.knownIds() + ")"));
      boolean simulated = type == ProviderType.SIMULATOR || Boolean.TRUE.equals(p.simulated());
      URI baseUrl = null;
      if (!simulated) {
        String url = p.baseUrl() != null ? p.baseUrl() : type.defaultBaseUrl();
        if (url == null && type == ProviderType.BEDROCK) {
          String region = p.region() != null ? p.region() : regionFromEnv(type);
          if (region == null) throw new ConfigException(at + " ('" + p.name() + "'): bedrock needs region (or AWS_REGION) or base_url");
          url = "https://bedrock-runtime." + region + ".amazonaws.com";
        }
        if (url == null) throw new ConfigException(at + " ('" + p.name() + "'): base_url is required for type " + type.id());
        baseUrl = parseUrl(url, at + ".base_url");
      }
      String apiKey = p.apiKey();
      if (apiKey == null && type.keyEnvVar() != null) apiKey = env.apply(type.keyEnvVar());
      Map<String, String> headers = p.headers() == null ? Map.of() : Map.copyOf(p.headers());
      List<String> forward = new ArrayList<>();
      if (p.forwardHeaders() != null) for (String h : p.forwardHeaders()) forward.add(h.toLowerCase(Locale.ROOT));
      int maxConn = p.maxConnections() != null ? p.maxConnections() : 1000;
      if (maxConn < 1) throw new ConfigException(at + ".max_connections must be at least 1");
      out.add(new ProviderSpec(p.name(), type, baseUrl, apiKey, headers, List.copyOf(forward),
          defaults.with(p.timeouts()), maxConn, p.streamUsage() == null || p.streamUsage(), simulated,
          p.apiVersion() != null ? p.apiVersion() : type.defaultApiVersion(),
          p.dropParams() != null ? p.dropParams() : dropParamsGlobally,
          p.region() != null ? p.region() : regionFromEnv(type),
          awsCredentials(type, p, at)));
    }
    return out;
  }

  /** Strategies a model may name (see docs/routing.md). */
  public static final List<String> STRATEGIES = List.of("weighted", "least_inflight", "lowest_latency", "lowest_ttft",
      "lowest_cost", "usage_based");

  private List<ModelSpec> models(List<ModelConfig> list, Map<String, ProviderSpec> providers, String source) {
    List<ModelSpec> out = new ArrayList<>();
    if (list == null) return out;
    Set<String> names = new HashSet<>();
    for (ModelConfig m : list) if (m != null && m.name() != null) names.add(m.name());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      ModelConfig m = list.get(i);
      String at = source + ": models[" + i + "]";
      if (m == null || m.name() == null || m.name().isBlank()) throw new ConfigException(at + ".name is required");
      if (!seen.add(m.name())) throw new ConfigException(at + ": model name '" + m.name() + "' is used twice");
      if (m.name().contains("*") && !m.name().endsWith("/*")) {
        throw new ConfigException(at + ": '" + m.name() + "': a wildcard is only allowed as a final '/*' (e.g. 'openai/*')");
      }
      boolean virtual = (m.split() != null && !m.split().isEmpty()) || m.auto() != null;
      if (!virtual && (m.deployments() == null || m.deployments().isEmpty())) {
        throw new ConfigException(at + " ('" + m.name() + "'): needs at least one deployment (or a split, or auto)");
      }
      List<DeploymentSpec> deps = new ArrayList<>();
      if (m.deployments() != null) {
        for (int j = 0; j < m.deployments().size(); j++) {
          DeploymentConfig d = m.deployments().get(j);
          String dat = at + ".deployments[" + j + "]";
          if (d == null || d.provider() == null) throw new ConfigException(dat + ".provider is required");
          if (!providers.containsKey(d.provider())) {
            throw new ConfigException(dat + ": unknown provider '" + d.provider() + "' (configured: "
                + String.join(", ", providers.keySet()) + ")");
          }
          String upstream = d.model() != null ? d.model() : m.name();
          int weight = d.weight() != null ? d.weight() : 1;
          if (weight < 0) throw new ConfigException(dat + ".weight must not be negative");
          if (d.maxConcurrency() != null && d.maxConcurrency() < 1) throw new ConfigException(dat + ".max_concurrency must be at least 1");
          deps.add(new DeploymentSpec(d.provider(), upstream, weight, d.rpm(), d.tpm(), d.maxConcurrency(),
              d.maxQueue() != null ? d.maxQueue() : 100, d.queueTimeoutMs() != null ? d.queueTimeoutMs() : 30_000,
              d.inputCostPerMtok() != null ? d.inputCostPerMtok() : m.inputCostPerMtok(),
              d.outputCostPerMtok() != null ? d.outputCostPerMtok() : m.outputCostPerMtok()));
        }
      }
      String strategy = m.strategy() != null ? m.strategy() : "weighted";
      if (!STRATEGIES.contains(strategy)) {
        throw new ConfigException(at + " ('" + m.name() + "'): unknown strategy '" + strategy + "' (known: " + String.join(", ", STRATEGIES) + ")");
      }
      List<String> refs = new ArrayList<>();
      refs.addAll(nn(m.fallbacks()));
      refs.addAll(nn(m.contextWindowFallbacks()));
      refs.addAll(nn(m.contentPolicyFallbacks()));
      if (m.degrade() != null) {
        if (m.degrade().to() == null) throw new ConfigException(at + ".degrade.to is required");
        refs.add(m.degrade().to());
      }
      if (m.split() != null) for (var sp : m.split()) {
        if (sp.model() == null) throw new ConfigException(at + ".split: every entry needs a model");
        refs.add(sp.model());
      }
      if (m.auto() != null) {
        refs.addAll(nn(m.auto().candidates()));
        refs.addAll(nn(m.auto().small()));
        refs.addAll(nn(m.auto().large()));
        if (nn(m.auto().candidates()).isEmpty() && nn(m.auto().small()).isEmpty() && nn(m.auto().large()).isEmpty()) {
          throw new ConfigException(at + ".auto needs candidates (or small and large)");
        }
      }
      for (String ref : refs) {
        if (!names.contains(ref)) {
          throw new ConfigException(at + " ('" + m.name() + "'): refers to model '" + ref + "', which is not configured");
        }
        if (ref.equals(m.name())) throw new ConfigException(at + " ('" + m.name() + "'): refers to itself");
      }
      if (m.sticky() != null && !List.of("user", "key", "none").contains(m.sticky())) {
        throw new ConfigException(at + ".sticky must be user, key or none");
      }
      if (m.cache() != null && m.cache().scope() != null && !List.of("key", "shared").contains(m.cache().scope())) {
        throw new ConfigException(at + ".cache.scope must be key or shared");
      }
      var cd = m.cooldown();
      Settings.RoutingSpec routing = new Settings.RoutingSpec(strategy, nn(m.fallbacks()), nn(m.contextWindowFallbacks()),
          nn(m.contentPolicyFallbacks()), m.degrade(), m.split() == null ? List.of() : List.copyOf(m.split()),
          m.sticky() != null ? m.sticky() : "user", m.auto(), m.cache(),
          cd != null && cd.failures() != null ? cd.failures() : 3, cd != null && cd.seconds() != null ? cd.seconds() : 30,
          m.contextWindow(), nn(m.capabilities()), m.inputCostPerMtok(), m.outputCostPerMtok());
      out.add(new ModelSpec(m.name(), List.copyOf(deps), m.timeouts(), routing));
    }
    return out;
  }

  private static <T> List<T> nn(List<T> l) {
    return l == null ? List.of() : l;
  }

  private String regionFromEnv(ProviderType type) {
    if (type != ProviderType.BEDROCK) return null;
    String r = env.apply("AWS_REGION");
    return r != null ? r : env.apply("AWS_DEFAULT_REGION");
  }

  private Settings.AwsCredentials awsCredentials(ProviderType type, ProviderConfig p, String at) {
    if (type != ProviderType.BEDROCK) return null;
    String id = p.awsAccessKeyId() != null ? p.awsAccessKeyId() : env.apply("AWS_ACCESS_KEY_ID");
    String secret = p.awsSecretAccessKey() != null ? p.awsSecretAccessKey() : env.apply("AWS_SECRET_ACCESS_KEY");
    String token = p.awsSessionToken() != null ? p.awsSessionToken() : env.apply("AWS_SESSION_TOKEN");
    if (id == null || secret == null) return null; // a simulated or key-less (Bedrock API key) provider
    return new Settings.AwsCredentials(id, secret, token);
  }

  private static URI parseUrl(String url, String at) {
    try {
      URI u = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
        throw new ConfigException(at + ": '" + url + "' must be an http:// or https:// URL");
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(at + ": '" + url + "' is not a valid URL");
    }
  }

  private static int parsePort(String v, String what) {
    try {
      int p = Integer.parseInt(v.trim());
      if (p < 0 || p > 65535) throw new NumberFormatException();
      return p;
    } catch (NumberFormatException e) {
      throw new ConfigException(what + ": '" + v + "' is not a port number");
    }
  }
}
