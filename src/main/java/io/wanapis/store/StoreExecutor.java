package io.wanapis.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;

/**
 * The small worker pool every store call runs on, so no SQL ever runs on an event loop. Results
 * come back on the caller's context (the request's event loop).
 */
public final class StoreExecutor implements AutoCloseable {
  private final WorkerExecutor workers;

  public StoreExecutor(Vertx vertx, int threads) {
    // 60 s before Vert.x warns about a blocked worker: a slow migration-era query is not a bug.
    this.workers = vertx.createSharedWorkerExecutor("wanapis-store", threads, 60, java.util.concurrent.TimeUnit.SECONDS);
  }

  public <T> Future<T> run(Callable<T> work) {
    return workers.executeBlocking(work, false);
  }

  @Override
  public void close() {
    workers.close();
  }
}
