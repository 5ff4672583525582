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

  private final Function<String, String> env;

  public SettingsResolver(Function<String, String> env) {
    this.env = env;
  }

  public Settings resolve(GatewayConfig cfg, String source, Integer portFlag, String hostFlag) {
    return resolve(cfg, source, portFlag, hostFlag, null);
  }

  /** @param databaseUrlFlag {@code --database-url}; beats {@code WANAPIS_DATABASE_URL}, which beats {@code database_url} */
  public Settings resolve(GatewayConfig cfg, String source, Integer portFlag, String hostFlag, String databaseUrlFlag) {
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
    List<ProviderSpec> providers = providers(cfg.providers(), timeouts, source);
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
    String databaseUrl = databaseUrlFlag != null && !databaseUrlFlag.isBlank() ? databaseUrlFlag
        : env.apply("WANAPIS_DATABASE_URL") != null && !env.apply("WANAPIS_DATABASE_URL").isBlank() ? env.apply("WANAPIS_DATABASE_URL")
        : cfg.databaseUrl() != null && !cfg.databaseUrl().isBlank() ? cfg.databaseUrl() : null; // null: <data_dir>/wanapis.db
    return new Settings(host, port, maxBody, loops, dataDir, masterKey, timeouts, providers, models, accessLog,
        embedded ? "embedded default" : source, databaseUrl);
  }

  /** The embedded default, as if written in YAML (see docs/configuration.md for its listing). */
  GatewayConfig defaultConfig() {
    List<ProviderConfig> providers = new ArrayList<>();
    List<ModelConfig> models = new ArrayList<>();
    providers.add(new ProviderConfig("simulator", "simulator", null, null, null, List.of("x-sim-*"), null, null, null));
    ProviderType openAiLike = null;
    for (ProviderType t : ProviderType.values()) {
      String key = t.keyEnvVar() == null ? null : env.apply(t.keyEnvVar());
      if (key == null || key.isBlank()) continue;
      providers.add(new ProviderConfig(t.id(), t.id(), null, key, null, null, null, null, null));
      models.add(new ModelConfig(t.id() + "/*", List.of(new DeploymentConfig(t.id(), "*", null)), null));
      if (t == ProviderType.OPENAI) openAiLike = t;
    }
    // With a real OpenAI key the familiar names go to OpenAI; the simulator stays reachable as sim/<name>.
    String familiarProvider = openAiLike != null ? openAiLike.id() : "simulator";
    for (String name : SIMULATED_MODELS) {
      models.add(new ModelConfig(name, List.of(new DeploymentConfig(familiarProvider, name, null)), null));
    }
    models.add(new ModelConfig("sim/*", List.of(new DeploymentConfig("simulator", "*", null)), null));
    return new GatewayConfig(null, null, null, null, providers, models, null, null);
  }

  private List<ProviderSpec> providers(List<ProviderConfig> list, Timeouts defaults, String source) {
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
      URI baseUrl = null;
      if (type != ProviderType.SIMULATOR) {
        String url = p.baseUrl() != null ? p.baseUrl() : type.defaultBaseUrl();
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
          defaults.with(p.timeouts()), maxConn, p.streamUsage() == null || p.streamUsage()));
    }
    return out;
  }

  private List<ModelSpec> models(List<ModelConfig> list, Map<String, ProviderSpec> providers, String source) {
    List<ModelSpec> out = new ArrayList<>();
    if (list == null) return out;
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      ModelConfig m = list.get(i);
      String at = source + ": models[" + i + "]";
      if (m == null || m.name() == null || m.name().isBlank()) throw new ConfigException(at + ".name is required");
      if (!names.add(m.name())) throw new ConfigException(at + ": model name '" + m.name() + "' is used twice");
      if (m.name().contains("*") && !m.name().endsWith("/*")) {
        throw new ConfigException(at + ": '" + m.name() + "': a wildcard is only allowed as a final '/*' (e.g. 'openai/*')");
      }
      if (m.deployments() == null || m.deployments().isEmpty()) {
        throw new ConfigException(at + " ('" + m.name() + "'): needs at least one deployment");
      }
      List<DeploymentSpec> deps = new ArrayList<>();
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
        deps.add(new DeploymentSpec(d.provider(), upstream, weight));
      }
      out.add(new ModelSpec(m.name(), List.copyOf(deps), m.timeouts()));
    }
    return out;
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
