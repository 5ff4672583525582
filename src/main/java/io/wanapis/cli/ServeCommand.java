package io.wanapis.cli;

import io.wanapis.Gateway;
import io.wanapis.auth.MasterKeys;
import io.wanapis.config.ConfigException;
import io.wanapis.config.ConfigLoader;
import io.wanapis.config.GatewayConfig;
import io.wanapis.config.Settings;
import io.wanapis.config.SettingsResolver;
import io.wanapis.simulator.SimulatorOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", description = "Start the gateway (embedded default when no config is given: the built-in simulator).")
public final class ServeCommand implements Callable<Integer> {
  @Option(names = "--config", description = "YAML config file (env: WANAPIS_CONFIG).")
  Path config;

  @Option(names = "--port", description = "Port to listen on (env: WANAPIS_PORT; default 4000).")
  Integer port;

  @Option(names = "--host", description = "Address to bind (default 127.0.0.1; 0.0.0.0 for all).")
  String host;

  @Option(names = "--database-url", description = "Store: jdbc:sqlite:FILE, jdbc:postgresql://..., or postgresql://user:pass@host/db "
      + "(env: WANAPIS_DATABASE_URL; default: SQLite file <data_dir>/wanapis.db).")
  String databaseUrl;

  @Option(names = "--redis-url", description = "Share limits, budgets, cooldowns, the response cache and key changes with other "
      + "instances through Redis: redis://host:6379 (env: WANAPIS_REDIS_URL; default: none, everything in memory).")
  String redisUrl;

  @Override
  public Integer call() throws Exception {
    Settings settings;
    try {
      settings = loadSettings(config, port, host, databaseUrl, redisUrl);
    } catch (ConfigException e) {
      System.err.println("wanapis: " + e.getMessage());
      return 2;
    }
    MasterKeys.Resolved key = MasterKeys.resolve(settings.masterKey(), settings.dataDir());
    if (key.generated()) {
      System.out.println("Generated a master key (shown only this once; stored in " + key.file() + "):");
      System.out.println("  " + key.key());
      System.out.flush();
    } else if (key.file() != null) {
      System.out.println("Using the master key stored in " + key.file());
    }
    Gateway gateway = new Gateway(settings, key.key(), SimulatorOptions.defaults(), List.of());
    try {
      gateway.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      System.err.println("wanapis: could not start on " + settings.host() + ":" + settings.port() + ": " + cause.getMessage());
      gateway.close();
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        gateway.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
      stopped.countDown();
    }, "wanapis-shutdown"));
    stopped.await();
    return 0;
  }

  static Settings loadSettings(Path config, Integer port, String host) {
    return loadSettings(config, port, host, null);
  }

  static Settings loadSettings(Path config, Integer port, String host, String databaseUrl) {
    return loadSettings(config, port, host, databaseUrl, null);
  }

  static Settings loadSettings(Path config, Integer port, String host, String databaseUrl, String redisUrl) {
    Path file = config;
    if (file == null && System.getenv("WANAPIS_CONFIG") != null && !System.getenv("WANAPIS_CONFIG").isBlank()) {
      file = Path.of(System.getenv("WANAPIS_CONFIG"));
    }
    GatewayConfig cfg = file == null ? null : ConfigLoader.withSystemEnv().load(file);
    return new SettingsResolver(System::getenv).resolve(cfg, file == null ? "embedded default" : file.toString(), port, host, databaseUrl,
        redisUrl);
  }
}
