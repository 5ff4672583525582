package io.wanapis.routing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;

/**
 * A per-deployment limit on concurrent requests with a bounded FIFO queue in front of it.
 * Waiters are completed on their own event loop (the context they waited from). Fair
 * scheduling between tenants (weighted fair queueing) replaces the FIFO with the quotas work.
 */
public final class ConcurrencyGate {
  /** Why a request could not get a slot. */
  public enum Refusal { QUEUE_FULL, QUEUE_TIMEOUT }

  public static final class Refused extends RuntimeException {
    private final Refusal reason;

    Refused(Refusal reason) {
      super(reason.name(), null, false, false);
      this.reason = reason;
    }

    public Refusal reason() { return reason; }
  }

  private record Waiter(Promise<Void> promise, Context context, long timerId) {}

  private final int limit;
  private final int maxQueue;
  private final long queueTimeoutMs;
  private int active;
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();

  public ConcurrencyGate(int limit, int maxQueue, long queueTimeoutMs) {
    this.limit = limit;
    this.maxQueue = maxQueue;
    this.queueTimeoutMs = queueTimeoutMs;
  }

  public synchronized int active() { return active; }
  public synchronized int queued() { return queue.size(); }

  /** Completes when a slot is held; fails with {@link Refused} when the queue is full or the wait too long. */
  public Future<Void> acquire(Vertx vertx) {
    Promise<Void> p = Promise.promise();
    synchronized (this) {
      if (active < limit) {
        active++;
        return Future.succeededFuture();
      }
      if (queue.size() >= maxQueue) return Future.failedFuture(new Refused(Refusal.QUEUE_FULL));
      long[] timer = new long[1];
      Waiter[] self = new Waiter[1];
      timer[0] = vertx.setTimer(Math.max(1, queueTimeoutMs), id -> {
        boolean removed;
        synchronized (this) {
          removed = queue.remove(self[0]);
        }
        if (removed) p.tryFail(new Refused(Refusal.QUEUE_TIMEOUT));
      });
      self[0] = new Waiter(p, vertx.getOrCreateContext(), timer[0]);
      queue.add(self[0]);
    }
    return p.future();
  }

  /** Gives the slot to the next waiter, or frees it. */
  public void release() {
    Waiter next;
    synchronized (this) {
      next = queue.poll();
      if (next == null) {
        active--;
        return;
      }
    }
    // The waiter's exchange lives on its own event loop: hand it the slot there.
    next.context().runOnContext(v -> {
      next.context().owner().cancelTimer(next.timerId());
      if (!next.promise().tryComplete()) release(); // its client gave up meanwhile: pass the slot on
    });
  }
}
