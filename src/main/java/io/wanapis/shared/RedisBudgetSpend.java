package io.wanapis.shared;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.wanapis.budget.Alert;
import io.wanapis.budget.AlertSink;
import io.wanapis.budget.BudgetBook;
import io.wanapis.budget.SharedSpend;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Budgets' spend shared between gateway instances through Redis (docs/shared-state.md).
 *
 * <p>One string per budget and period, {@code wanapis:spend:<budget id>:<period start ms>},
 * holds the USD spent by all instances together. Every 100 ms one script call (per 200 budgets)
 * adds the costs this instance settled since the last call ({@code INCRBYFLOAT}) and returns the
 * new totals; the same call reads the budgets reserved against in the last 2 s, and once a second
 * every budget this instance enforces. When the key does not exist yet, or holds less than this
 * instance's last known total (at start the ledger's sum for the period), the script first raises
 * it to that total: a period's spend never shrinks, so after Redis restarts empty the largest
 * total any instance knew comes back. Keys expire a day after their period.
 *
 * <p>The reserve decision stays in memory ({@link BudgetBook#reserve}); reservations of requests
 * in flight stay local. A call that fails or times out gives its costs back to the next call (a
 * timed-out {@code INCRBYFLOAT} that did reach Redis is then counted twice: the safe side).
 *
 * <p>Alerts: before sending, an alert key ({@code SET NX}) per budget, period and threshold, so
 * one instance sends it; without Redis each instance sends its own.
 */
public final class RedisBudgetSpend implements SharedSpend, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisBudgetSpend.class);
  static final long TICK_MS = 100;
  static final int FULL_READ_EVERY = 10; // ticks: once a second
  static final long HOT_MS = 2_000;
  static final int MAX_KEYS_PER_CALL = 200;
  private static final long DAY_MS = 86_400_000L;
  private static final long TOTAL_TTL_MS = 400 * DAY_MS;
  private static final String PREFIX = "wanapis:spend:";
  private static final String ALERT_PREFIX = "wanapis:spend-alert:";

  // KEYS spend keys; ARGV per key: delta, seed, expire-at ms (0: a total budget, kept 400 days after its last write)
  private static final String SYNC = """
      local out = {}
      for i, k in ipairs(KEYS) do
        local delta = ARGV[3 * i - 2]; local seed = ARGV[3 * i - 1]; local exp = tonumber(ARGV[3 * i])
        -- a period's total only grows, and every instance's last known total was once Redis's: the
        -- true total is at least each seed. A key that is missing or below a seed (Redis restarted
        -- empty and a stale instance seeded it first) is raised to it, so no spend is forgotten.
        local cur = tonumber(redis.call('GET', k) or '')
        local fresh = cur == nil or cur < tonumber(seed)
        if fresh then redis.call('SET', k, seed) end
        if tonumber(delta) ~= 0 then out[i] = redis.call('INCRBYFLOAT', k, delta) else out[i] = redis.call('GET', k) end
        if fresh or tonumber(delta) ~= 0 then
          if exp > 0 then redis.call('PEXPIREAT', k, exp) else redis.call('PEXPIRE', k, %d) end
        end
      end
      return out
      """.formatted(TOTAL_TTL_MS);

  private final SharedRedis redis;
  private final BudgetBook book;
  private final SharedRedis.Script sync;
  private final long timer;
  // touched only by the timer's context
  private boolean busy;
  private int tick;

  public RedisBudgetSpend(SharedRedis redis, BudgetBook book) {
    this.redis = redis;
    this.book = book;
    this.sync = redis.script(SYNC);
    book.share(this);
    this.timer = redis.vertx().setPeriodic(TICK_MS, t -> tick());
  }

  @Override
  public boolean available() { return redis.up(); }

  @Override
  public boolean failOpen() { return redis.failOpen(); }

  @Override
  public void decided() { redis.decided(); }

  @Override
  public void alert(Alert a, AlertSink local) {
    if (!redis.up()) {
      local.send(a);
      return;
    }
    long ttl = a.periodEndMs() == Long.MAX_VALUE ? TOTAL_TTL_MS : Math.max(1, a.periodEndMs() + DAY_MS - System.currentTimeMillis());
    String key = ALERT_PREFIX + a.budgetId() + ':' + a.periodStartMs() + ':' + a.thresholdPercent();
    redis.send(Request.cmd(Command.SET).arg(key).arg("1").arg("NX").arg("PX").arg(ttl)).onComplete(ar -> {
      if (ar.failed()) local.send(a); // better twice than never
      else if (ar.result() != null) local.send(a); // OK: this instance claimed it; nil: another one sent it
    });
  }

  private void tick() {
    if (busy || !redis.up()) return; // while down: costs pile up in the book and go out once it is back
    boolean all = tick++ % FULL_READ_EVERY == 0;
    List<BudgetBook.Pending> pending = book.takePending(all, System.currentTimeMillis() - HOT_MS);
    if (pending.isEmpty()) return;
    busy = true;
    List<Future<Void>> calls = new ArrayList<>();
    for (int i = 0; i < pending.size(); i += MAX_KEYS_PER_CALL) {
      calls.add(send(pending.subList(i, Math.min(pending.size(), i + MAX_KEYS_PER_CALL))));
    }
    Future.join(calls).onComplete(ar -> busy = false);
  }

  private Future<Void> send(List<BudgetBook.Pending> batch) {
    List<String> keys = new ArrayList<>(batch.size());
    List<String> args = new ArrayList<>(batch.size() * 3);
    for (BudgetBook.Pending p : batch) {
      keys.add(PREFIX + p.budgetId + ':' + p.periodStart);
      args.add(plain(p.delta));
      args.add(plain(p.seed));
      args.add(p.periodEnd == Long.MAX_VALUE ? "0" : Long.toString(p.periodEnd + DAY_MS));
    }
    return redis.eval(sync, keys, args).transform(ar -> {
      if (ar.failed()) {
        for (BudgetBook.Pending p : batch) book.unsynced(p);
        log.debug("budget spend sync failed: {}", ar.cause().toString());
        return Future.succeededFuture();
      }
      Response r = ar.result();
      for (int i = 0; i < batch.size(); i++) {
        BudgetBook.Pending p = batch.get(i);
        Response v = r.get(i);
        double total;
        try {
          total = Double.parseDouble(v.toString());
        } catch (RuntimeException e) { // not a number: someone else's value under our key; count ours again
          book.unsynced(p);
          continue;
        }
        book.synced(p, total);
      }
      return Future.succeededFuture();
    });
  }

  static String plain(double d) {
    if (!Double.isFinite(d)) return "0";
    return BigDecimal.valueOf(d).toPlainString();
  }

  /** Stops syncing; the costs not yet written go out once more, without waiting. */
  @Override
  public void close() {
    redis.vertx().cancelTimer(timer);
    if (!redis.up()) return;
    List<BudgetBook.Pending> last = new ArrayList<>();
    for (BudgetBook.Pending p : book.takePending(false, Long.MAX_VALUE)) if (p.delta != 0) last.add(p);
    for (int i = 0; i < last.size(); i += MAX_KEYS_PER_CALL) send(last.subList(i, Math.min(last.size(), i + MAX_KEYS_PER_CALL)));
  }
}
