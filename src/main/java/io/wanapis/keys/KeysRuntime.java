package io.wanapis.keys;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wanapis.config.Settings;
import io.wanapis.store.Database;
import io.wanapis.store.DatabaseUrl;
import io.wanapis.store.JdbcStore;
import io.wanapis.store.SecretBox;
import io.wanapis.store.StoreExecutor;
import java.io.IOException;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store and everything the gateway keeps in memory from it: opened (migrated, keys loaded)
 * before the gateway serves, with two timers: the batched {@code last_used} write and a periodic
 * full refresh of the key cache (a safety net should a change notification ever be lost).
 */
public final class KeysRuntime {
  private static final Logger log = LoggerFactory.getLogger(KeysRuntime.class);
  static final long LAST_USED_FLUSH_MS = 5_000;
  static final long FULL_REFRESH_MS = 60_000;

  private final Vertx vertx;
  private final JdbcStore store;
  private final StoreExecutor executor;
  private final KeyCache cache = new KeyCache();
  private final LastUsedTracker lastUsed = new LastUsedTracker();
  private final KeyService keys;
  private final SecretBox secretBox;
  private long flushTimer = -1;
  private long refreshTimer = -1;

  private KeysRuntime(Vertx vertx, JdbcStore store, SecretBox secretBox, KeyChanges changes) {
    this.vertx = vertx;
    this.store = store;
    this.secretBox = secretBox;
    this.executor = new StoreExecutor(vertx, store.dialect().poolSize() + 1);
    this.keys = new KeyService(store, executor, cache, changes, System::currentTimeMillis);
  }

  /** Blocking (migrations, first load): call it off the event loop. */
  public static KeysRuntime open(Vertx vertx, Settings settings, Function<String, String> env, KeyChanges changes) {
    DatabaseUrl url = DatabaseUrl.resolve(settings.databaseUrl(), settings.dataDir());
    SecretBox box;
    try {
      box = SecretBox.fromEnvironment(env, settings.dataDir());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read or create the encryption key: " + e.getMessage(), e);
    }
    Database db = Database.open(url);
    KeysRuntime rt = new KeysRuntime(vertx, new JdbcStore(db), box, changes);
    try {
      rt.keys.loadAll();
    } catch (RuntimeException e) {
      rt.executor.close();
      db.close();
      throw e;
    }
    log.info("store: {} ({} keys loaded)", url.safe(), rt.cache.size());
    return rt;
  }

  public void startTimers() {
    flushTimer = vertx.setPeriodic(LAST_USED_FLUSH_MS, id -> flushLastUsed());
    refreshTimer = vertx.setPeriodic(FULL_REFRESH_MS, id -> executor.run(() -> {
      keys.loadAll();
      return null;
    }).onFailure(e -> log.warn("key refresh from the store failed (serving the keys in memory): {}", e.getMessage())));
  }

  public Future<Void> flushLastUsed() {
    Map<String, Long> batch = lastUsed.drain();
    if (batch.isEmpty()) return Future.succeededFuture();
    return executor.run(() -> {
      store.touchLastUsed(batch);
      return null;
    }).<Void>mapEmpty().onFailure(e -> {
      lastUsed.restore(batch);
      log.warn("could not record last use of {} keys (kept for the next try): {}", batch.size(), e.getMessage());
    });
  }

  public JdbcStore store() { return store; }
  public StoreExecutor executor() { return executor; }
  public KeyCache cache() { return cache; }
  public LastUsedTracker lastUsed() { return lastUsed; }
  public KeyService keys() { return keys; }
  public SecretBox secretBox() { return secretBox; }

  /**
   * Writes the pending last-use times, then closes the pool. Runs on its own thread, not on the
   * Vert.x pools: those are being shut down by the same close.
   */
  public Future<Void> close() {
    if (flushTimer >= 0) vertx.cancelTimer(flushTimer);
    if (refreshTimer >= 0) vertx.cancelTimer(refreshTimer);
    executor.close();
    java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        Map<String, Long> batch = lastUsed.drain();
        if (!batch.isEmpty()) store.touchLastUsed(batch);
      } catch (RuntimeException e) {
        log.warn("could not record the last use of keys at shutdown: {}", e.getMessage());
      } finally {
        store.close();
        done.complete(null);
      }
    }, "wanapis-store-close");
    t.start();
    return Future.fromCompletionStage(done);
  }
}
