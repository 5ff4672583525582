package io.wanapis;

import io.wanapis.admin.AdminApi;
import io.wanapis.auth.Authenticator;
import io.wanapis.config.Settings;
import io.wanapis.config.Settings.ProviderSpec;
import io.wanapis.ingress.HttpFront;
import io.wanapis.ingress.anthropic.AnthropicIngress;
import io.wanapis.providers.ProviderAdapter;
import io.wanapis.providers.Adapters;
import io.wanapis.usage.TokenCounter;
import io.wanapis.ingress.openai.OpenAiIngress;
import io.wanapis.keys.KeyChanges;
import io.wanapis.keys.KeysRuntime;
import io.wanapis.pipeline.GatewayRuntime;
import io.wanapis.pipeline.Pipeline;
import io.wanapis.providers.Provider;
import io.wanapis.routing.ModelRegistry;
import io.wanapis.simulator.Simulator;
import io.wanapis.simulator.SimulatorOptions;
import io.wanapis.usage.AccessLog;
import io.wanapis.usage.UsageListener;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and runs one gateway instance: providers (and the in-process simulator when a provider
 * of type {@code simulator} is configured), the model registry, the access log and one HTTP
 * server per event loop.
 */
public final class Gateway {
  private static final Logger log = LoggerFactory.getLogger(Gateway.class);

  private final Settings settings;
  private final String masterKey;
  private final SimulatorOptions simulatorOptions;
  private final List<UsageListener> extraListeners;
  private final AtomicBoolean ready = new AtomicBoolean();
  private Vertx vertx;
  private Simulator simulator;
  private AccessLog accessLog;
  private io.wanapis.usage.UsageSystem usage; // usage issue
  private KeysRuntime keys;
  private KeyChanges keyChanges = KeyChanges.NONE;
  private final List<Provider> providers = new ArrayList<>();
  private int port;
  private GatewayRuntime runtime;
  private io.wanapis.limits.QuotaBook quotaBook; // quotas issue
  private long quotaTimer = -1;
  private final AtomicBoolean quotaReloading = new AtomicBoolean();
  private io.wanapis.shared.SharedRedis sharedRedis; // shared state (issue 8): null without Redis
  private io.wanapis.shared.RedisQuotaCounters redisCounters;
  private io.wanapis.shared.RedisBudgetSpend budgetSpend;

  public Gateway(Settings settings, String masterKey, SimulatorOptions simulatorOptions, List<UsageListener> extraListeners) {
    this.settings = settings;
    this.masterKey = masterKey;
    this.simulatorOptions = simulatorOptions;
    this.extraListeners = List.copyOf(extraListeners);
  }

  /** How key changes reach other instances (keys issue); call before {@link #start()}. */
  public Gateway withKeyChanges(KeyChanges changes) {
    this.keyChanges = changes;
    return this;
  }

  public Future<Gateway> start() {
    vertx = Vertx.vertx(new VertxOptions()
        .setPreferNativeTransport(true)
        .setEventLoopPoolSize(Math.max(settings.eventLoops(), 1))
        .setBlockedThreadCheckInterval(2)
        .setBlockedThreadCheckIntervalUnit(TimeUnit.SECONDS));
    boolean needsSimulator = settings.providers().stream().anyMatch(ProviderSpec::simulated);
    Future<Integer> simPort = Future.succeededFuture(0);
    if (needsSimulator) {
      simulator = new Simulator(vertx, simulatorOptions);
      simPort = simulator.listen("127.0.0.1", 0);
    }
    // keys issue: the store (migrations, key cache) opens on a worker before anything serves;
    // the tokenizer takes a few hundred ms to load: also now, off the event loop.
    Future<Integer> simReady = simPort.compose(p -> vertx.executeBlocking(() -> {
      TokenCounter.warmUp();
      return p;
    }));
    quotaBook = new io.wanapis.limits.QuotaBook(settings.quotas().plans(), settings.quotas().defaultPlan(),
        settings.quotas().fastTokenEstimate());
    // shared state (issue 8): with Redis, quota counters, key changes (and the rest, see
    // docs/shared-state.md) go through one link; the first connection attempt runs meanwhile
    Future<Void> redisReady = Future.succeededFuture();
    if (settings.redis().enabled()) {
      sharedRedis = io.wanapis.shared.SharedRedis.start(vertx, settings.redis());
      if (keyChanges == KeyChanges.NONE) keyChanges = new io.wanapis.shared.RedisKeyChanges(sharedRedis);
      redisReady = sharedRedis.firstAttempt();
    }
    Future<Void> redisFirst = redisReady;
    Future<KeysRuntime> store = vertx.executeBlocking(() -> KeysRuntime.open(vertx, settings, System::getenv, keyChanges));
    return store.compose(k -> {
      keys = k;
      keys.startTimers();
      // usage issue: catalog, budgets (spend rebuilt from the ledger), ledger writer, metrics
      return vertx.executeBlocking(() -> io.wanapis.usage.UsageSystem.open(vertx, settings, k));
    }).compose(u -> {
      usage = u;
      return redisFirst.compose(v -> simReady);
    }).compose(sp -> {
      try {
        accessLog = "off".equals(settings.accessLog()) ? null : AccessLog.open(settings.accessLog());
      } catch (java.io.IOException e) {
        return Future.failedFuture(new IllegalStateException("cannot open access log " + settings.accessLog() + ": " + e.getMessage()));
      }
      Map<String, Provider> byName = new LinkedHashMap<>();
      for (ProviderSpec spec : settings.providers()) {
        // The simulator serves every protocol on one port, each under its provider's own paths.
        boolean openAiBase = spec.type().openAiProtocol() && spec.type() != io.wanapis.config.ProviderType.AZURE;
        URI base = spec.simulated() ? URI.create("http://127.0.0.1:" + sp + (openAiBase ? "/v1" : "")) : spec.baseUrl();
        ProviderAdapter adapter = Adapters.forType(spec.type(), spec);
        Provider p = new Provider(vertx, spec, base, adapter);
        providers.add(p);
        byName.put(spec.name(), p);
      }
      Authenticator authenticator = new Authenticator(masterKey, keys.cache(), keys.lastUsed(), System::currentTimeMillis);
      io.wanapis.routing.DeploymentState deployments = new io.wanapis.routing.DeploymentState(gateGauges(usage.metrics()));
      if (sharedRedis != null) new io.wanapis.shared.RedisCooldowns(sharedRedis, deployments); // shared state (issue 8)
      GatewayRuntime rt = runtime = new GatewayRuntime(settings, authenticator,
          new ModelRegistry(settings.models(), byName, deployments));
      // quotas issue: plans and team/project limits from the store, reloaded every second
      quotaBook.reload(keys.store());
      rt.quotas(new io.wanapis.limits.QuotaEnforcer(quotaBook, id -> {
        var entry = keys.cache().get(id);
        return entry == null ? null : entry.key();
      }, rt::quotaCounters));
      if (sharedRedis != null) { // shared state (issue 8)
        rt.quotaCounters(redisCounters = new io.wanapis.shared.RedisQuotaCounters(sharedRedis));
        budgetSpend = new io.wanapis.shared.RedisBudgetSpend(sharedRedis, usage.budgets());
        var redisCache = new io.wanapis.shared.RedisResponseCache(sharedRedis);
        rt.cache().secondTier(redisCache);
        if (usage.metrics() != null) redisCache.bindMetrics(usage.metrics().registry());
        if (usage.metrics() != null) sharedRedis.bindMetrics(usage.metrics().registry());
        if (keyChanges instanceof io.wanapis.shared.RedisKeyChanges rkc) {
          rkc.onResync(() -> keys.executor().run(() -> {
            keys.keys().loadAll();
            return null;
          }).onFailure(e -> log.warn("key reload after the redis reconnect failed: {}", e.getMessage())));
        }
        log.info("shared state through redis {} (on failure: {}, timeout {} ms)", settings.redis().redactedUrl(),
            settings.redis().failOpen() ? "open" : "closed", settings.redis().timeoutMs());
      }
      quotaTimer = vertx.setPeriodic(1000, id -> {
        if (quotaReloading.compareAndSet(false, true)) {
          vertx.executeBlocking(() -> {
            quotaBook.reload(keys.store());
            return null;
          }, false).onComplete(ar -> quotaReloading.set(false));
        }
      });
      if (accessLog != null) rt.addUsageListener(accessLog);
      extraListeners.forEach(rt::addUsageListener);
      usage.listeners().forEach(rt::addUsageListener); // usage issue
      rt.setUsage(usage.runtime());
      Pipeline pipeline = new Pipeline(rt, vertx);
      HttpFront front = new HttpFront(new OpenAiIngress(rt, pipeline), new AnthropicIngress(rt, pipeline), ready::get,
          new AdminApi(authenticator, keys, usage, quotaBook), usage.metrics() == null ? null : usage.metrics()::scrape); // usage issue
      HttpServerOptions opts = new HttpServerOptions()
          .setHost(settings.host())
          .setTcpNoDelay(true)
          .setCompressionSupported(false)
          .setIdleTimeout(0);
      // One server per event loop on the same port; Vert.x balances connections across them
      // (with port 0, all instances share the one random port).
      return vertx.deployVerticle(() -> new ServerVerticle(front, opts, settings.port()),
              new DeploymentOptions().setInstances(Math.max(1, settings.eventLoops())))
          .map(id -> {
            port = ServerVerticle.lastPort;
            return id;
          })
          .map(v -> {
            ready.set(true);
            log.info("WanAPIs listening on http://{}:{} ({}; providers: {}; models: {})", settings.host(), port,
                settings.source(), String.join(", ", byName.keySet()), String.join(", ", rt.models().listedNames()));
            return this;
          });
    });
  }

  public int port() { return port; }
  /** The running gateway's shared state (models, router, cache, limiter), for tests and benchmarks. */
  public GatewayRuntime runtime() { return runtime; }
  public Vertx vertx() { return vertx; }
  /** The in-process simulator, or null when none is configured. */
  public Simulator simulator() { return simulator; }
  /** The store and key cache (keys issue); null before start. */
  public KeysRuntime keys() { return keys; }
  /** Usage issue: catalog, budgets, ledger and metrics; null before start. */
  public io.wanapis.usage.UsageSystem usage() { return usage; }
  /** Shared state (issue 8): the Redis link, or null when no Redis is configured. */
  public io.wanapis.shared.SharedRedis sharedRedis() { return sharedRedis; }

  public Future<Void> close() {
    ready.set(false);
    if (vertx == null) return Future.succeededFuture();
    if (quotaTimer >= 0) vertx.cancelTimer(quotaTimer);
    // usage issue: drain the ledger into the store (or the spill file) before the store closes;
    // on its own thread: it may wait for a slow store and the Vert.x pools are about to close
    java.util.concurrent.CompletableFuture<Void> drained = new java.util.concurrent.CompletableFuture<>();
    Thread drain = new Thread(() -> {
      try {
        if (usage != null) usage.close();
      } finally {
        drained.complete(null);
      }
    }, "wanapis-ledger-drain");
    drain.start();
    Future<Void> storeClosed = Future.fromCompletionStage(drained)
        .compose(v -> keys == null ? Future.<Void>succeededFuture() : keys.close().recover(e -> Future.succeededFuture()));
    return storeClosed.transform(ar0 -> {
      // shared state (issue 8): give unused leases back, then close the link
      if (budgetSpend != null) budgetSpend.close();
      if (redisCounters != null) redisCounters.close();
      if (sharedRedis != null) sharedRedis.close();
      return vertx.close();
    }).andThen(ar -> {
      if (accessLog != null) accessLog.close();
    });
  }

  /** Queue depth and slots in use per deployment with a concurrency limit, as gauges (none without metrics). */
  private static java.util.function.BiConsumer<String, io.wanapis.routing.ConcurrencyGate> gateGauges(
      io.wanapis.metrics.GatewayMetrics metrics) {
    if (metrics == null) return null;
    return (label, gate) -> {
      var tags = io.micrometer.core.instrument.Tags.of("deployment", label);
      metrics.gauge("wanapis_deployment_queued", "Requests waiting for a concurrency slot of the deployment", tags, gate::queued);
      metrics.gauge("wanapis_deployment_active", "Requests holding a concurrency slot of the deployment", tags, gate::active);
    };
  }

  /** One HTTP server on one event loop. */
  private static final class ServerVerticle extends VerticleBase {
    static volatile int lastPort;
    private final HttpFront front;
    private final HttpServerOptions options;
    private final int port;

    ServerVerticle(HttpFront front, HttpServerOptions options, int port) {
      this.front = front;
      this.options = options;
      this.port = port;
    }

    @Override
    public Future<?> start() {
      HttpServer server = vertx.createHttpServer(new HttpServerOptions(options).setPort(port));
      return server.requestHandler(front).listen().onSuccess(s -> lastPort = s.actualPort());
    }
  }
}
