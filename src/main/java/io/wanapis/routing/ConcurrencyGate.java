package io.wanapis.routing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * A per-deployment limit on concurrent requests ({@code max_concurrency}) with a bounded queue in
 * front of it, served by weighted fair queueing between tenants.
 *
 * <p><b>Scheduling: start-time fair queueing.</b> Each tenant has a FIFO of waiters. A waiter is
 * tagged on arrival with {@code start = max(virtualNow, tenant's last finish)} and the tenant's
 * finish becomes {@code start + 1/weight}; a freed slot goes to the smallest start tag (ties: the
 * earlier arrival) and {@code virtualNow} becomes that tag. Why this rule:
 * <ul>
 *   <li>backlogged tenants advance their tags by {@code 1/weight} per request served, so they get
 *       slots in proportion to their weights (3:1 weights, 3:1 slots);</li>
 *   <li>a tenant that was not waiting starts at {@code virtualNow}, at or below every queued tag,
 *       so it is served next, whatever the others have queued (behind at most one waiter per other
 *       tenant with the same tag). Idle time earns no credit: {@code max} forgets the past;</li>
 *   <li>only waiting requests are tagged: requests that got a slot at once (the deployment was not
 *       saturated) do not count against their tenant when a queue forms later.</li>
 * </ul>
 * When the queue empties, the tenants' tags are forgotten and the clock restarts at 0, so memory
 * is bounded by the waiters and the tags cannot grow without bound.
 *
 * <p><b>Bounds.</b> At most {@code max_queue} waiters in all. When full, a newcomer whose tenant
 * holds fewer waiters than the tenant with the most pushes out that tenant's newest waiter (which
 * is refused with {@link Refusal#QUEUE_FULL}); otherwise the newcomer is refused. So a flooding
 * tenant can fill the queue but never get a quieter tenant refused. Each waiter also has its own
 * timeout ({@code queue_timeout_ms}, {@link Refusal#QUEUE_TIMEOUT}).
 *
 * <p><b>Threads.</b> Requests of several event loops share a gate: the state is guarded by the
 * gate's monitor, and a waiter's future is completed on its own context (the event loop its
 * exchange lives on), never under the lock. A caller that no longer wants a slot it was granted
 * (its client left while it waited) simply releases it: the slot passes to the next waiter.
 */
public final class ConcurrencyGate {
  /** Why a request could not get a slot. */
  public enum Refusal { QUEUE_FULL, QUEUE_TIMEOUT }

  /** A refusal; its message completes "Deployment ... is at its concurrency limit and ...". */
  public static final class Refused extends RuntimeException {
    private final Refusal reason;

    Refused(Refusal reason, String detail) {
      super(detail, null, false, false);
      this.reason = reason;
    }

    public Refusal reason() { return reason; }
  }

  private static final class Tenant {
    final Object key;
    final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    /** Finish tag of the tenant's newest tagged waiter. */
    double finish;

    Tenant(Object key) { this.key = key; }
  }

  private static final class Waiter {
    final Promise<Void> promise = Promise.promise();
    final Context context;
    final Tenant tenant;
    final double start;
    final long seq;
    long timerId;

    Waiter(Context context, Tenant tenant, double start, long seq) {
      this.context = context;
      this.tenant = tenant;
      this.start = start;
      this.seq = seq;
    }
  }

  private static final Comparator<Waiter> BY_TAG =
      Comparator.<Waiter>comparingDouble(w -> w.start).thenComparingLong(w -> w.seq);

  private final int limit;
  private final int maxQueue;
  private final long queueTimeoutMs;
  private int active;
  /** Every waiter, smallest start tag first: the next to serve is {@code first()}. */
  private final TreeSet<Waiter> queue = new TreeSet<>(BY_TAG);
  /** Tenants with waiters (or whose finish tag is still ahead of the clock). */
  private final Map<Object, Tenant> tenants = new HashMap<>();
  private double virtualNow;
  private long seq;

  public ConcurrencyGate(int limit, int maxQueue, long queueTimeoutMs) {
    this.limit = limit;
    this.maxQueue = maxQueue;
    this.queueTimeoutMs = queueTimeoutMs;
  }

  public synchronized int active() { return active; }
  public synchronized int queued() { return queue.size(); }

  /** How many requests of {@code tenant} wait. */
  public synchronized int queued(String tenant) {
    Tenant t = tenant == null ? null : tenants.get(tenant);
    return t == null ? 0 : t.waiters.size();
  }

  /**
   * Completes (on the caller's context) when a slot is held; fails with {@link Refused} when the
   * queue is full or the wait too long. {@code tenant} null: the request is a tenant of its own.
   * {@code weight}: the tenant's share relative to others (values below 1 count as 1).
   */
  public Future<Void> acquire(Vertx vertx, String tenant, int weight) {
    Waiter pushedOut;
    Waiter w;
    synchronized (this) {
      if (active < limit) {
        active++;
        return Future.succeededFuture();
      }
      Tenant t = tenant == null ? null : tenants.get(tenant);
      int mine = t == null ? 0 : t.waiters.size();
      pushedOut = null;
      if (queue.size() >= maxQueue) {
        Tenant heaviest = heaviest();
        if (heaviest == null || mine >= heaviest.waiters.size()) {
          return Future.failedFuture(new Refused(Refusal.QUEUE_FULL, "its queue is full (" + queue.size()
              + " requests wait, " + mine + " of them this tenant's: no tenant holds more, its fair share is used up)"));
        }
        pushedOut = heaviest.waiters.peekLast();
        // It is the tenant's newest: give back the virtual time it had reserved.
        heaviest.finish = pushedOut.start;
        remove(pushedOut);
      }
      // (looked up again: removing a waiter may have forgotten tenants)
      t = tenants.computeIfAbsent(tenant != null ? tenant : new Object(), Tenant::new);
      double start = Math.max(virtualNow, t.finish);
      t.finish = start + 1.0 / Math.max(1, weight);
      w = new Waiter(vertx.getOrCreateContext(), t, start, seq++);
      t.waiters.addLast(w);
      queue.add(w);
      final Waiter self = w;
      // Set under the lock: the timer cannot look for the waiter before it is queued.
      w.timerId = vertx.setTimer(Math.max(1, queueTimeoutMs), id -> {
        boolean removed;
        synchronized (this) {
          removed = remove(self);
        }
        if (removed) {
          self.promise.tryFail(new Refused(Refusal.QUEUE_TIMEOUT,
              "the request waited longer than " + queueTimeoutMs + " ms in its queue"));
        }
      });
    }
    if (pushedOut != null) {
      Waiter out = pushedOut;
      int size = maxQueue;
      out.context.runOnContext(v -> {
        out.context.owner().cancelTimer(out.timerId);
        out.promise.tryFail(new Refused(Refusal.QUEUE_FULL, "its queue is full (" + size
            + " requests wait) and this tenant held the most of them: its newest request gave way to a tenant with fewer"));
      });
    }
    return w.promise.future();
  }

  /** Gives the slot to the waiter with the smallest tag, or frees it. */
  public void release() {
    Waiter next;
    synchronized (this) {
      next = queue.pollFirst();
      if (next == null) {
        active--;
        return;
      }
      // Tags rise within a tenant, so the smallest overall is its tenant's oldest.
      next.tenant.waiters.pollFirst();
      virtualNow = next.start;
      tidy(next.tenant);
    }
    // The waiter's exchange lives on its own event loop: hand it the slot there.
    next.context.runOnContext(v -> {
      next.context.owner().cancelTimer(next.timerId);
      if (!next.promise.tryComplete()) release(); // completed meanwhile: pass the slot on
    });
  }

  /** Takes a waiter out of the queue (timeout, push-out); false if it was no longer there. */
  private boolean remove(Waiter w) {
    if (!queue.remove(w)) return false;
    w.tenant.waiters.remove(w);
    tidy(w.tenant);
    return true;
  }

  /**
   * Forgets a tenant with no waiters whose finish tag the clock has reached (it would restart at
   * {@code virtualNow} anyway), and everything once the queue is empty.
   */
  private void tidy(Tenant t) {
    if (queue.isEmpty()) {
      tenants.clear();
      virtualNow = 0;
    } else if (t.waiters.isEmpty() && t.finish <= virtualNow) {
      tenants.remove(t.key);
    }
  }

  /** The tenant with the most waiters; on a tie the one furthest ahead in virtual time. */
  private Tenant heaviest() {
    Tenant best = null;
    for (Tenant t : tenants.values()) {
      if (t.waiters.isEmpty()) continue;
      if (best == null || t.waiters.size() > best.waiters.size()
          || (t.waiters.size() == best.waiters.size() && t.finish > best.finish)) {
        best = t;
      }
    }
    return best;
  }
}
