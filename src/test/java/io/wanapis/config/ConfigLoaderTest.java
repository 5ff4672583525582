package io.wanapis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  private final Map<String, String> env = Map.of("OPENAI_API_KEY", "sk-real", "WANAPIS_MASTER_KEY", "sk-master-from-env");
  private final ConfigLoader loader = new ConfigLoader(env::get);

  @Test
  void readsTheDocumentedShapeAndExpandsEnv() {
    GatewayConfig cfg = loader.parse("""
        master_key: ${WANAPIS_MASTER_KEY}
        providers:
          - name: openai-main
            type: openai
            base_url: https://api.openai.com/v1
            api_key: ${OPENAI_API_KEY}
        models:
          - name: gpt-4o-mini
            deployments:
              - provider: openai-main
                model: gpt-4o-mini
        """, "wanapis.yaml");
    assertThat(cfg.masterKey()).isEqualTo("sk-master-from-env");
    assertThat(cfg.providers().get(0).apiKey()).isEqualTo("sk-real");
    Settings s = new SettingsResolver(env::get).resolve(cfg, "wanapis.yaml", null, null);
    assertThat(s.port()).isEqualTo(4000);
    assertThat(s.host()).isEqualTo("127.0.0.1");
    assertThat(s.providers().get(0).baseUrl().toString()).isEqualTo("https://api.openai.com/v1");
    assertThat(s.models().get(0).deployments().get(0).model()).isEqualTo("gpt-4o-mini");
  }

  @Test
  void unknownKeyIsReportedWithFileAndLine() {
    assertThatThrownBy(() -> loader.parse("""
        providers:
          - name: a
            type: openai
            base_ur: https://x/v1
        """, "wanapis.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("wanapis.yaml:4:")
        .hasMessageContaining("unknown key 'base_ur' in providers[0]")
        .hasMessageContaining("base_url");
  }

  @Test
  void missingEnvVarIsReportedWithFileAndLine() {
    assertThatThrownBy(() -> loader.parse("""
        master_key: abc
        providers:
          - name: a
            type: openai
            api_key: ${NOT_SET_ANYWHERE}
        """, "cfg.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("cfg.yaml:5:")
        .hasMessageContaining("NOT_SET_ANYWHERE is not set");
  }

  @Test
  void defaultsAndLiteralDollars() {
    GatewayConfig cfg = loader.parse("master_key: ${NOPE:-fallback}\ndata_dir: \"$${HOME}\"\n", "c.yaml");
    assertThat(cfg.masterKey()).isEqualTo("fallback");
    assertThat(cfg.dataDir()).isEqualTo("${HOME}");
  }

  @Test
  void crossReferencesAreChecked() {
    GatewayConfig cfg = loader.parse("""
        providers:
          - {name: a, type: openai}
        models:
          - {name: m, deployments: [{provider: b}]}
        """, "c.yaml");
    assertThatThrownBy(() -> new SettingsResolver(env::get).resolve(cfg, "c.yaml", null, null))
        .hasMessageContaining("unknown provider 'b' (configured: a)");
    GatewayConfig badType = loader.parse("providers:\n  - {name: a, type: openia}\n", "c.yaml");
    assertThatThrownBy(() -> new SettingsResolver(env::get).resolve(badType, "c.yaml", null, null))
        .hasMessageContaining("unknown type 'openia'").hasMessageContaining("openai-compatible");
  }

  @Test
  void plansAreValidatedAndTheDefaultPlanMustExist() {
    GatewayConfig ok = loader.parse("""
        plans:
          - {name: free, rpm: 60, tpm: 40000, rpd: 1000, max_concurrent: 2, max_tokens: 1024, burst: 1.5, weight: 1}
          - {name: pro, rpm: 600, weight: 4}
        quotas: {default_plan: free}
        """, "q.yaml");
    Settings s = new SettingsResolver(env::get).resolve(ok, "q.yaml", null, null);
    assertThat(s.quotas().defaultPlan()).isEqualTo("free");
    assertThat(s.quotas().plans()).extracting(io.wanapis.limits.Plan::name).containsExactly("free", "pro");
    assertThat(s.quotas().plans().get(0).burst()).isEqualTo(1.5);
    assertThat(s.quotas().plans().get(0).maxConcurrent()).isEqualTo(2);
    assertThat(s.quotas().fastTokenEstimate()).as("token_estimate defaults to fast").isTrue();
    GatewayConfig exact = loader.parse("quotas: {token_estimate: tokenizer}\n", "q.yaml");
    assertThat(new SettingsResolver(env::get).resolve(exact, "q.yaml", null, null).quotas().fastTokenEstimate()).isFalse();
    GatewayConfig badEstimate = loader.parse("quotas: {token_estimate: exact}\n", "q.yaml");
    assertThatThrownBy(() -> new SettingsResolver(env::get).resolve(badEstimate, "q.yaml", null, null))
        .hasMessageContaining("quotas.token_estimate must be 'tokenizer' or 'fast', not 'exact'");
    GatewayConfig unknownDefault = loader.parse("plans:\n  - {name: free, rpm: 1}\nquotas: {default_plan: gold}\n", "q.yaml");
    assertThatThrownBy(() -> new SettingsResolver(env::get).resolve(unknownDefault, "q.yaml", null, null))
        .hasMessageContaining("quotas.default_plan 'gold'");
    GatewayConfig badBurst = loader.parse("plans:\n  - {name: free, rpm: 1, burst: 0.5}\n", "q.yaml");
    assertThatThrownBy(() -> new SettingsResolver(env::get).resolve(badBurst, "q.yaml", null, null))
        .hasMessageContaining("plans[0] (free)").hasMessageContaining("'burst' must be a number, 1 or more");
    assertThatThrownBy(() -> loader.parse("plans:\n  - {name: free, rpmm: 1}\n", "q.yaml"))
        .hasMessageContaining("q.yaml").hasMessageContaining("rpmm");
  }

  @Test
  void embeddedDefaultServesSimulatorAndRealProvidersWithKeys() {
    Settings none = new SettingsResolver(Map.<String, String>of()::get).resolve(null, "x", null, null);
    assertThat(none.providers()).extracting(Settings.ProviderSpec::name).containsExactly("simulator", "simulator-anthropic");
    assertThat(none.models().get(0).name()).isEqualTo("gpt-4o-mini");
    assertThat(none.models()).allSatisfy(m -> assertThat(m.deployments().get(0).provider()).startsWith("simulator"));

    Settings withKey = new SettingsResolver(env::get).resolve(null, "x", 4100, null);
    assertThat(withKey.port()).isEqualTo(4100);
    assertThat(withKey.masterKey()).isEqualTo("sk-master-from-env");
    assertThat(withKey.providers()).extracting(Settings.ProviderSpec::name).containsExactly("simulator", "simulator-anthropic", "openai");
    assertThat(withKey.models()).filteredOn(m -> m.name().equals("gpt-4o"))
        .allSatisfy(m -> assertThat(m.deployments().get(0).provider()).isEqualTo("openai"));
    assertThat(withKey.models()).extracting(Settings.ModelSpec::name).contains("openai/*", "sim/*");
  }

  @Test
  void portFromEnvironment() {
    Settings s = new SettingsResolver(Map.of("WANAPIS_PORT", "4555")::get).resolve(null, "x", null, null);
    assertThat(s.port()).isEqualTo(4555);
  }

  @Test
  void redisSectionFlagAndEnv() {
    GatewayConfig cfg = loader.parse("""
        redis:
          url: redis://cache:6379/2
          on_failure: closed
          timeout_ms: 100
        """, "r.yaml");
    Settings s = new SettingsResolver(env::get).resolve(cfg, "r.yaml", null, null);
    assertThat(s.redis().url()).isEqualTo("redis://cache:6379/2");
    assertThat(s.redis().failOpen()).isFalse();
    assertThat(s.redis().timeoutMs()).isEqualTo(100);
    Map<String, String> withEnv = Map.of("WANAPIS_REDIS_URL", "redis://from-env:6380");
    assertThat(new SettingsResolver(withEnv::get).resolve(cfg, "r.yaml", null, null).redis().url()).isEqualTo("redis://from-env:6380");
    assertThat(new SettingsResolver(withEnv::get).resolve(cfg, "r.yaml", null, null, null, "redis://flag:1").redis().url())
        .isEqualTo("redis://flag:1");
    Settings none = new SettingsResolver(env::get).resolve(null, "x", null, null);
    assertThat(none.redis().enabled()).isFalse();
    assertThat(none.redis().failOpen()).isTrue();
    assertThat(none.redis().timeoutMs()).isEqualTo(250);
    assertThat(new io.wanapis.config.RedisSettings("redis://u:secret@h:1/0", true, 250).toString()).doesNotContain("secret");
  }

  @Test
  void redisMistakesAreRefused() {
    assertThatThrownBy(() -> loader.parse("redis:\n  url: redis://x:1\n  on_fail: open\n", "r.yaml"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("r.yaml:3:")
        .hasMessageContaining("unknown key 'on_fail' in redis").hasMessageContaining("on_failure");
    GatewayConfig bad = loader.parse("redis: {url: redis://x:1, on_failure: maybe}\n", "r.yaml");
    assertThatThrownBy(() -> new SettingsResolver(env::get).resolve(bad, "r.yaml", null, null))
        .hasMessageContaining("redis.on_failure must be 'open' or 'closed'");
    GatewayConfig http = loader.parse("redis: {url: 'http://x:1'}\n", "r.yaml");
    assertThatThrownBy(() -> new SettingsResolver(env::get).resolve(http, "r.yaml", null, null))
        .hasMessageContaining("redis://host:6379");
  }

  @Test
  void theLedgerFormatIsChunksUnlessRowsAreAskedFor() {
    var none = new SettingsResolver(env::get).resolve(loader.parse("master_key: k\n", "u.yaml"), "u.yaml", null, null);
    assertThat(none.usage().ledgerFormat()).isEqualTo(io.wanapis.store.LedgerFormat.CHUNKS);
    var rows = new SettingsResolver(env::get).resolve(loader.parse("usage: {ledger_format: rows}\n", "u.yaml"), "u.yaml", null, null);
    assertThat(rows.usage().ledgerFormat()).isEqualTo(io.wanapis.store.LedgerFormat.ROWS);
    GatewayConfig bad = loader.parse("usage: {ledger_format: csv}\n", "u.yaml");
    assertThatThrownBy(() -> new SettingsResolver(env::get).resolve(bad, "u.yaml", null, null))
        .hasMessageContaining("usage.ledger_format must be 'chunks' or 'rows', not 'csv'");
  }
}
