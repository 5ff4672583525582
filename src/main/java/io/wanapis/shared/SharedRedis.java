package io.wanapis.shared;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.wanapis.config.RedisSettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Redis link of a gateway instance (docs/shared-state.md): a command connection and a
 * pub/sub connection, both non-blocking on the gateway's Vert.x, driven from one Vert.x context.
 *
 * <ul>
 *   <li>Every command has a timeout ({@code redis.timeout_ms}); while the link is down a command
 *       fails at once, without touching the network, so callers can fall back without waiting.
 *   <li>A timeout or a lost connection marks the link down and closes it; it is reopened with
 *       backoff (100 ms doubling to 2 s) and declared up again after a PING and the scripts load.
 *   <li>Transitions are logged once each (not per request) and exported: {@code wanapis_redis_up},
 *       {@code wanapis_redis_command_failures_total},
 *       {@code wanapis_redis_fallback_decisions_total{mode="open"|"closed"}}.
 * </ul>
 *
 * Results are delivered on the caller's Vert.x context (when it has one), so request code keeps
 * running on its own event loop.
 */
public final class SharedRedis implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SharedRedis.class);
  private static final long MIN_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 2_000;

  /** A Lua script sent by its SHA-1 (EVALSHA), with a fallback to EVAL when the server lost it. */
  public static final class Script {
    final String text;
    final String sha;

    public Script(String text) {
      this.text = text;
      try {
        this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** The link is down: the command was not sent. */
  public static final class DownException extends RuntimeException {
    DownException() {
      super("redis is down", null, false, false);
    }
  }

  private final Vertx vertx;
  private final RedisSettings settings;
  private final Redis client;
  private final Context ctx;
  private final List<Script> scripts = new CopyOnWriteArrayList<>();
  private final Map<String, List<Consumer<String>>> channels = new ConcurrentHashMap<>();
  private final List<Runnable> upListeners = new CopyOnWriteArrayList<>();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong decidedOpen = new AtomicLong();
  private final AtomicLong decidedClosed = new AtomicLong();
  private final Promise<Void> firstAttempt = Promise.promise();

  // owned by ctx
  private RedisConnection conn;
  private RedisConnection subConn;
  private volatile boolean up;
  private Boolean loggedUp; // null: nothing logged yet
  private volatile boolean closed;
  private long backoffMs = MIN_BACKOFF_MS;
  private boolean connecting;

  private SharedRedis(Vertx vertx, RedisSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
    RedisOptions options = new RedisOptions().setConnectionString(settings.url()).setMaxPoolSize(4).setMaxPoolWaiting(16)
        .setMaxWaitingHandlers(100_000);
    options.getNetClientOptions().setConnectTimeout((int) Math.max(settings.timeoutMs() * 4, 1_000)).setTcpKeepAlive(true)
        .setTcpNoDelay(true);
    this.client = Redis.createClient(vertx, options);
    this.ctx = vertx.getOrCreateContext();
  }

  /** Opens the link in the background; {@link #firstAttempt()} completes after the first try (up or not). */
  public static SharedRedis start(Vertx vertx, RedisSettings settings) {
    SharedRedis r = new SharedRedis(vertx, settings);
    r.ctx.runOnContext(v -> r.connect());
    return r;
  }

  /** Completes (never fails) once the first connection attempt succeeded or failed. */
  public Future<Void> firstAttempt() {
    return firstAttempt.future();
  }

  public boolean up() { return up; }
  public boolean failOpen() { return settings.failOpen(); }
  public RedisSettings settings() { return settings; }
  public Vertx vertx() { return vertx; }

  /** A script the link loads on every (re)connect; register before use. */
  public Script script(String text) {
    Script s = new Script(text);
    scripts.add(s);
    if (up) ctx.runOnContext(v -> {
      if (conn != null) conn.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(s.text));
    });
    return s;
  }

  /** Runs after every transition to up (first connect and each reconnect), on the link's context. */
  public void onUp(Runnable r) {
    upListeners.add(r);
  }

  /** Counts a request decided without Redis because it was down (metrics). */
  public void decided() {
    if (settings.failOpen()) decidedOpen.incrementAndGet();
    else decidedClosed.incrementAndGet();
  }

  public long failures() { return failures.get(); }
  public long decidedOpen() { return decidedOpen.get(); }
  public long decidedClosed() { return decidedClosed.get(); }

  /** Registers the link's meters on the gateway's registry (/metrics). */
  public void bindMetrics(MeterRegistry registry) {
    Gauge.builder("wanapis_redis_up", this, r -> r.up ? 1 : 0).description("1 when the shared-state Redis answers, else 0")
        .register(registry);
    FunctionCounter.builder("wanapis_redis_command_failures", failures, AtomicLong::get)
        .description("Redis commands that failed or timed out").register(registry);
    FunctionCounter.builder("wanapis_redis_fallback_decisions", decidedOpen, AtomicLong::get).tag("mode", "open")
        .description("Limit and hard-budget decisions made without Redis because it was down").register(registry);
    FunctionCounter.builder("wanapis_redis_fallback_decisions", decidedClosed, AtomicLong::get).tag("mode", "closed")
        .description("Limit and hard-budget decisions made without Redis because it was down").register(registry);
  }

  /** Sends one command with the timeout; fails at once while down. */
  public Future<Response> send(Request request) {
    Context caller = Vertx.currentContext();
    if (!up || closed) return Future.failedFuture(new DownException());
    Promise<Response> p = Promise.promise();
    ctx.runOnContext(v -> sendOnCtx(request).onComplete(ar -> deliver(caller, p, ar.succeeded() ? ar.result() : null, ar.cause())));
    return p.future();
  }

  /** EVALSHA of a registered script (EVAL when the server does not know it). */
  public Future<Response> eval(Script script, List<String> keys, List<String> args) {
    Context caller = Vertx.currentContext();
    if (!up || closed) return Future.failedFuture(new DownException());
    Promise<Response> p = Promise.promise();
    ctx.runOnContext(v -> sendOnCtx(evalRequest(Command.EVALSHA, script.sha, keys, args))
        .recover(e -> e instanceof Response && String.valueOf(e.getMessage()).startsWith("NOSCRIPT")
            ? sendOnCtx(evalRequest(Command.EVAL, script.text, keys, args)) : Future.failedFuture(e))
        .onComplete(ar -> deliver(caller, p, ar.succeeded() ? ar.result() : null, ar.cause())));
    return p.future();
  }

  /** Publishes a message; fire and forget (a failure is logged at debug, counted). */
  public Future<Response> publish(String channel, String message) {
    return send(Request.cmd(Command.PUBLISH).arg(channel).arg(message));
  }

  /** Calls {@code handler} (on the link's context) for every message on {@code channel}, across reconnects. */
  public void subscribe(String channel, Consumer<String> handler) {
    boolean first = channels.putIfAbsent(channel, new CopyOnWriteArrayList<>()) == null;
    channels.get(channel).add(handler);
    if (first) ctx.runOnContext(v -> {
      if (subConn != null) subConn.send(Request.cmd(Command.SUBSCRIBE).arg(channel));
    });
  }

  private static Request evalRequest(Command cmd, String scriptOrSha, List<String> keys, List<String> args) {
    Request r = Request.cmd(cmd).arg(scriptOrSha).arg(keys.size());
    for (String k : keys) r.arg(k);
    for (String a : args) r.arg(a);
    return r;
  }

  private static <T> void deliver(Context caller, Promise<T> p, T value, Throwable cause) {
    Runnable done = () -> {
      if (cause == null) p.complete(value);
      else p.fail(cause);
    };
    if (caller == null || caller == Vertx.currentContext()) done.run();
    else caller.runOnContext(v -> done.run());
  }

  /** On ctx: sends on the command connection with the timeout; a timeout or I/O error takes the link down. */
  private Future<Response> sendOnCtx(Request request) {
    RedisConnection c = conn;
    if (!up || c == null) return Future.failedFuture(new DownException());
    return c.send(request).timeout(settings.timeoutMs(), TimeUnit.MILLISECONDS).onFailure(e -> {
      failures.incrementAndGet();
      if (!(e instanceof Response)) lost(c, e); // an error reply from the server leaves the link up
    });
  }

  private void connect() {
    if (closed || connecting) return;
    connecting = true;
    client.connect().timeout(settings.timeoutMs() * 4 + 1_000, TimeUnit.MILLISECONDS)
        .compose(c -> {
          c.exceptionHandler(e -> lost(c, e));
          c.endHandler(v -> lost(c, null));
          return c.send(Request.cmd(Command.PING)).timeout(settings.timeoutMs() * 4, TimeUnit.MILLISECONDS)
              .compose(pong -> loadScripts(c)).map(c).onFailure(e -> c.close());
        })
        .compose(c -> client.connect().timeout(settings.timeoutMs() * 4 + 1_000, TimeUnit.MILLISECONDS).map(s -> {
          s.handler(this::onPush);
          s.exceptionHandler(e -> lost(s, e));
          s.endHandler(v -> lost(s, null));
          conn = c;
          subConn = s;
          return s;
        }).onFailure(e -> c.close()))
        .compose(s -> {
          if (channels.isEmpty()) return Future.succeededFuture();
          Request sub = Request.cmd(Command.SUBSCRIBE);
          for (String ch : channels.keySet()) sub.arg(ch);
          return s.send(sub).timeout(settings.timeoutMs() * 4, TimeUnit.MILLISECONDS).mapEmpty();
        })
        .onComplete(ar -> {
          connecting = false;
          if (closed) {
            closeConnections();
            return;
          }
          if (ar.succeeded()) {
            up = true;
            backoffMs = MIN_BACKOFF_MS;
            if (!Boolean.TRUE.equals(loggedUp)) {
              log.info("redis {} is up: limits, budgets, cooldowns, cache and key changes are shared", settings.redactedUrl());
              loggedUp = true;
            }
            for (Runnable r : upListeners) {
              try {
                r.run();
              } catch (RuntimeException e) {
                log.warn("redis up listener failed", e);
              }
            }
          } else {
            closeConnections();
            markDown(ar.cause());
            scheduleReconnect();
          }
          firstAttempt.tryComplete();
        });
  }

  private Future<Void> loadScripts(RedisConnection c) {
    List<Future<Response>> loads = new ArrayList<>();
    for (Script s : scripts) {
      loads.add(c.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(s.text)).timeout(settings.timeoutMs() * 4, TimeUnit.MILLISECONDS));
    }
    return Future.all(loads).mapEmpty();
  }

  private void onPush(Response r) {
    // RESP2: ["message", channel, payload]; RESP3: a push of the same three
    if (r == null || r.size() < 3) return;
    Response kind = r.get(0);
    if (kind == null || !"message".equals(kind.toString())) return;
    String channel = r.get(1).toString();
    String payload = r.get(2) == null ? "" : r.get(2).toString();
    List<Consumer<String>> hs = channels.get(channel);
    if (hs == null) return;
    for (Consumer<String> h : hs) {
      try {
        h.accept(payload);
      } catch (RuntimeException e) {
        log.warn("redis message handler for {} failed", channel, e);
      }
    }
  }

  /** A connection failed or closed (called on any thread): take the link down and reconnect. */
  private void lost(RedisConnection c, Throwable cause) {
    ctx.runOnContext(v -> {
      if (c != conn && c != subConn) return; // an old connection's late event
      closeConnections();
      markDown(cause);
      scheduleReconnect();
    });
  }

  private void markDown(Throwable cause) {
    up = false;
    if (!Boolean.FALSE.equals(loggedUp)) {
      log.warn("redis {} is down ({}); {} until it is back", settings.redactedUrl(),
          cause == null ? "connection closed" : cause.getClass().getSimpleName() + ": " + cause.getMessage(),
          settings.failOpen() ? "fail-open: limits and budgets are counted in this instance only"
              : "fail-closed: requests that need shared limits or a hard budget get 503");
      loggedUp = false;
    }
  }

  private void closeConnections() {
    RedisConnection c = conn;
    RedisConnection s = subConn;
    conn = null;
    subConn = null;
    if (c != null) c.close();
    if (s != null) s.close();
  }

  private void scheduleReconnect() {
    if (closed || connecting) return;
    long delay = backoffMs;
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    vertx.setTimer(delay, t -> ctx.runOnContext(v -> connect()));
  }

  @Override
  public void close() {
    closed = true;
    up = false;
    ctx.runOnContext(v -> {
      closeConnections();
      client.close();
    });
  }
}
