package io.wanapis.shared;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.wanapis.limits.LocalQuotaCounters;
import io.wanapis.limits.QuotaCounters;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * {@link QuotaCounters} shared between gateway instances through Redis (docs/shared-state.md),
 * with the semantics of {@link LocalQuotaCounters}: MINUTE windows are token buckets (capacity,
 * continuous refill at limit per minute), DAY windows count per UTC day; both kept in Redis by Lua
 * scripts that read the server's {@code TIME}, so instance clocks do not matter.
 *
 * <p><b>Leases, so the hot path does not wait on Redis.</b> An instance takes a chunk of units
 * out of the shared counter at once (one script call) and hands them out from memory. The chunk
 * adapts: about 250 ms of this instance's recent rate for the key, at most 0.5 % of the capacity;
 * below 2 units (small limits, or little traffic) an instance leases exactly what a request needs,
 * so small limits stay exact. Unused units go back to the shared counter after 300 ms without use
 * (or 1 s after the lease). When the shared counter refuses, the instance refuses locally until
 * the units asked for would have refilled, without asking again (at most 1 s for daily counters).
 *
 * <p><b>Accuracy bound.</b> Units only leave the shared counter atomically, so the instances
 * together never hand out more than one bucket would: no over-admission beyond what
 * {@link #adjust} corrections allow. Leased-but-unused units are invisible to other instances for
 * at most ~1 s, so at any moment the others may see up to {@code instances × 0.5 % × capacity}
 * fewer units than a single bucket would hold (under-admission, made up when the units come back).
 *
 * <p><b>Corrections</b> ({@link #adjust}) are settled against this instance's lease first; the
 * rest is accumulated per counter and flushed every 50 ms (one script call per counter touched).
 *
 * <p><b>Concurrency</b> ({@link #enter}/{@link #leave}) is leased too: a hash per counter holds,
 * per instance, the places it leased and when they expire (server time). An instance enters from
 * its own places without a round trip and asks for more (one place plus about a quarter of its
 * recent peak, at most 0.5 % of the limit) only when they are all in use; spare places go back
 * after 300 ms without use; a heartbeat every second keeps held places alive, so an instance that
 * died gives its places back after {@value #PLACES_TTL_MS} ms. The places of all instances never
 * add up to more than the limit; small limits (under 200) lease one place at a time and give it
 * back on leave, so they stay exact.
 *
 * <p><b>Redis down</b> (or a command timing out): fail-open answers from a
 * {@link LocalQuotaCounters} (each instance then enforces the full limit on its own); fail-closed
 * answers {@link QuotaCounters.Take#unavailableNow()}. Units already leased are still used. Never
 * throws, never waits longer than the command timeout. Corrections made while down go to the local
 * counters; unflushed shared corrections are dropped.
 */
public final class RedisQuotaCounters implements QuotaCounters {
  static final long IDLE_RETURN_NANOS = 300_000_000L;
  static final long MAX_LEASE_AGE_NANOS = 1_000_000_000L;
  static final long FLUSH_MS = 50;
  /** Chunk ceiling as a fraction of the capacity (0.5 %). */
  static final long CHUNK_DIVISOR = 200;
  static final double CHUNK_SECONDS_OF_RATE = 0.25;
  private static final String PREFIX = "wanapis:q:";

  // KEYS[1] bucket hash; ARGV capacity, limit per minute, need, want -> {granted, tokens left, µs to full, µs to retry}
  private static final String TAKE_MINUTE = """
      local cap = tonumber(ARGV[1]); local lim = tonumber(ARGV[2]); local need = tonumber(ARGV[3]); local want = tonumber(ARGV[4])
      local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
      local h = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
      local tokens = tonumber(h[1]); local ts = tonumber(h[2])
      if tokens == nil or ts == nil then tokens = cap; ts = now end
      if now > ts then tokens = tokens + (now - ts) * lim / 60000000 end
      if tokens > cap then tokens = cap end
      local grant = 0
      if need <= tokens then
        grant = math.floor(tokens); if grant > want then grant = want end; if grant < need then grant = need end
      end
      tokens = tokens - grant
      redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
      local full = 0; if tokens < cap then full = math.ceil((cap - tokens) * 60000000 / lim) end
      redis.call('PEXPIRE', KEYS[1], math.ceil(full / 1000) + 60000)
      local retry = 0; if grant == 0 then retry = math.ceil((need - tokens) * 60000000 / lim) end
      return {grant, math.floor(tokens), full, retry}
      """;

  // KEYS[1] bucket hash; ARGV capacity, limit per minute, delta (> 0 takes, < 0 gives back) -> tokens left
  private static final String ADJUST_MINUTE = """
      local cap = tonumber(ARGV[1]); local lim = tonumber(ARGV[2]); local delta = tonumber(ARGV[3])
      local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
      local h = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
      local tokens = tonumber(h[1]); local ts = tonumber(h[2])
      if tokens == nil or ts == nil then tokens = cap; ts = now end
      if now > ts then tokens = tokens + (now - ts) * lim / 60000000 end
      tokens = tokens - delta
      if tokens > cap then tokens = cap end
      redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
      local full = 0; if tokens < cap then full = math.ceil((cap - tokens) * 60000000 / lim) end
      redis.call('PEXPIRE', KEYS[1], math.ceil(full / 1000) + 60000)
      return math.floor(tokens)
      """;

  // KEYS[1] counter prefix (the UTC day is appended); ARGV limit, need, want -> {granted, left, µs to 00:00 UTC, day}
  private static final String TAKE_DAY = """
      local lim = tonumber(ARGV[1]); local need = tonumber(ARGV[2]); local want = tonumber(ARGV[3])
      local t = redis.call('TIME'); local sec = tonumber(t[1])
      local day = math.floor(sec / 86400)
      local k = KEYS[1] .. ':' .. day
      local used = tonumber(redis.call('GET', k) or '0')
      local grant = 0
      if used + need <= lim then
        grant = lim - used; if grant > want then grant = want end; if grant < need then grant = need end
        used = redis.call('INCRBY', k, grant)
        redis.call('EXPIRE', k, 90000)
      end
      local reset = (86400 - (sec % 86400)) * 1000000 - tonumber(t[2])
      return {grant, lim - used, reset, day}
      """;

  // KEYS[1] counter prefix; ARGV delta, day (-1 = today, server time) -> used
  private static final String ADJUST_DAY = """
      local delta = tonumber(ARGV[1]); local day = tonumber(ARGV[2])
      local t = redis.call('TIME'); local today = math.floor(tonumber(t[1]) / 86400)
      if day < 0 then day = today end
      if day ~= today then return 0 end
      local k = KEYS[1] .. ':' .. day
      local used = tonumber(redis.call('GET', k) or '0') + delta
      if used < 0 then used = 0 end
      redis.call('SET', k, used, 'EX', 90000)
      return used
      """;

  // Concurrency places are leased too. KEYS[1] hash: instance id -> "places:expiry ms" (server time).
  // ARGV max, instance, need, want, ttl ms -> {places granted, free places left}. Expired holders
  // (an instance that died) are dropped first, so their places come back after the ttl.
  private static final String LEASE_PLACES = """
      local max = tonumber(ARGV[1]); local me = ARGV[2]; local need = tonumber(ARGV[3]); local want = tonumber(ARGV[4])
      local ttl = tonumber(ARGV[5])
      local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local all = redis.call('HGETALL', KEYS[1]); local held = 0; local mine = 0
      for i = 1, #all, 2 do
        local n, exp = string.match(all[i + 1], '^(%-?%d+):(%d+)$')
        n = tonumber(n); exp = tonumber(exp)
        if exp == nil or exp < now then redis.call('HDEL', KEYS[1], all[i])
        elseif all[i] == me then mine = n
        else held = held + n end
      end
      local free = max - held - mine
      local grant = 0
      if free >= need then grant = free; if grant > want then grant = want end end
      mine = mine + grant
      if mine > 0 then redis.call('HSET', KEYS[1], me, mine .. ':' .. (now + ttl)) else redis.call('HDEL', KEYS[1], me) end
      redis.call('PEXPIRE', KEYS[1], ttl + 1000)
      return {grant, free - grant}
      """;

  // KEYS[1] hash as above; ARGV instance, places given back (>= 0), ttl ms -> places still held.
  // Also the heartbeat (0 given back) that keeps an instance's places from expiring.
  private static final String RETURN_PLACES = """
      local me = ARGV[1]; local back = tonumber(ARGV[2]); local ttl = tonumber(ARGV[3])
      local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local v = redis.call('HGET', KEYS[1], me)
      local mine = 0
      if v then mine = tonumber(string.match(v, '^(%-?%d+):')) or 0 end
      mine = mine - back
      if mine > 0 then
        redis.call('HSET', KEYS[1], me, mine .. ':' .. (now + ttl)); redis.call('PEXPIRE', KEYS[1], ttl + 1000)
      else redis.call('HDEL', KEYS[1], me); mine = 0 end
      return mine
      """;

  /** How long leased places survive without a heartbeat (an instance that died gives them back then). */
  static final long PLACES_TTL_MS = 3_000;
  static final long HEARTBEAT_NANOS = 1_000_000_000L;

  /** This instance's places of one concurrency counter. Guarded by its own monitor. */
  static final class Places {
    final String key;
    final int max;
    long held; // leased from Redis
    long inside; // requests in flight here
    long lastUse;
    long lastBeat;
    Future<Boolean> inflight;
    int waiting; // enters waiting for the lease in flight
    double peak; // recent peak of inside, for the chunk size

    Places(String key, int max, long now) {
      this.key = key;
      this.max = max;
      this.lastUse = now;
      this.lastBeat = now;
    }
  }

  /** This instance's share of one counter. Guarded by its own monitor. */
  static final class Lease {
    final String key;
    final Window window;
    long available;
    long day = -1; // DAY: the server's UTC day the units belong to
    long dayEndNanos; // DAY: when that day ends (this process's nanoTime)
    long leasedAt;
    long lastUse;
    long deniedUntil; // refuse locally until then
    long retryAt; // what a refusal reports as retry time
    long sharedRemaining;
    double rate; // units per second taken here (smoothed)
    long consumedSinceRefill;
    long lastRefillAt;
    Future<Void> inflight;

    Lease(String key, Window window, long now) {
      this.key = key;
      this.window = window;
      this.leasedAt = now;
      this.lastUse = now;
      this.lastRefillAt = now;
      this.sharedRemaining = window.capacity();
    }
  }

  private record PendingAdjust(Window window, long delta) {}

  private final SharedRedis redis;
  private final LocalQuotaCounters fallback;
  private final LongSupplier nanoTime;
  private final SharedRedis.Script takeMinute;
  private final SharedRedis.Script adjustMinute;
  private final SharedRedis.Script takeDay;
  private final SharedRedis.Script adjustDay;
  private final SharedRedis.Script leasePlaces;
  private final SharedRedis.Script returnPlaces;
  private final Map<String, Places> places = new ConcurrentHashMap<>();
  private final String instanceId = java.util.UUID.randomUUID().toString();
  private final Map<String, Lease> leases = new ConcurrentHashMap<>();
  private final Map<String, PendingAdjust> pending = new ConcurrentHashMap<>();
  private final Set<String> localEntries = ConcurrentHashMap.newKeySet();
  private final long timer;

  public RedisQuotaCounters(SharedRedis redis) {
    this(redis, new LocalQuotaCounters(), System::nanoTime);
  }

  RedisQuotaCounters(SharedRedis redis, LocalQuotaCounters fallback, LongSupplier nanoTime) {
    this.redis = redis;
    this.fallback = fallback;
    this.nanoTime = nanoTime;
    this.takeMinute = redis.script(TAKE_MINUTE);
    this.adjustMinute = redis.script(ADJUST_MINUTE);
    this.takeDay = redis.script(TAKE_DAY);
    this.adjustDay = redis.script(ADJUST_DAY);
    this.leasePlaces = redis.script(LEASE_PLACES);
    this.returnPlaces = redis.script(RETURN_PLACES);
    this.timer = redis.vertx().setPeriodic(FLUSH_MS, t -> housekeeping());
  }

  /** The counters used while Redis is down and fail-open is configured (tests). */
  public LocalQuotaCounters fallback() { return fallback; }

  @Override
  public Future<Take> take(String key, Window w, long n) {
    return take(key, w, n, 0);
  }

  private Future<Take> take(String key, Window w, long n, int tries) {
    if (n <= 0) return Future.succeededFuture(new Take(true, w.capacity(), 0, 0, false));
    Lease l = lease(key, w);
    Future<Void> wait;
    long need;
    synchronized (l) {
      long now = nanoTime.getAsLong();
      if (l.day >= 0 && now >= l.dayEndNanos) { // the UTC day of these units is over
        l.available = 0;
        l.day = -1;
        l.deniedUntil = 0;
      }
      if (l.available >= n) {
        l.available -= n;
        l.consumedSinceRefill += n;
        l.lastUse = now;
        return Future.succeededFuture(granted(l, now));
      }
      if (now < l.deniedUntil) return Future.succeededFuture(refused(l, now));
      if (!redis.up()) return Future.succeededFuture(down(key, w, n));
      wait = l.inflight;
      need = n - l.available;
      if (wait == null) {
        long want = need + chunk(l, now);
        wait = refill(l, need, want);
        // a refill that failed at once (the link just went down) is not "in flight"
        l.inflight = wait.isComplete() ? null : wait;
      }
    }
    // one lease request per counter at a time: everyone retries once it is answered
    Context caller = Vertx.currentContext();
    Promise<Take> p = Promise.promise();
    wait.onComplete(ar -> {
      Runnable again = () -> (ar.failed() ? Future.succeededFuture(settleAfterFailure(l, key, w, n)) : takeAfterRefill(l, key, w, n, tries))
          .onComplete(p);
      if (caller == null || caller == Vertx.currentContext()) again.run();
      else caller.runOnContext(v -> again.run());
    });
    return p.future();
  }

  /** After a lease answer: take from the lease, or refuse (locally denied), or ask again (others took what came in). */
  private Future<Take> takeAfterRefill(Lease l, String key, Window w, long n, int tries) {
    synchronized (l) {
      long now = nanoTime.getAsLong();
      if (l.available >= n) {
        l.available -= n;
        l.consumedSinceRefill += n;
        l.lastUse = now;
        return Future.succeededFuture(granted(l, now));
      }
      if (now < l.deniedUntil) return Future.succeededFuture(refused(l, now));
      if (tries >= 3) { // contended: others keep taking what comes in; refuse this one for a refill interval
        long retry = Math.max(1_000_000L, (long) (n * 60_000_000_000.0 / Math.max(1, w.limit())));
        return Future.succeededFuture(new Take(false, Math.max(0, l.sharedRemaining + l.available), resetNanos(l, now), retry, false));
      }
    }
    return take(key, w, n, tries + 1);
  }

  private Take settleAfterFailure(Lease l, String key, Window w, long n) {
    synchronized (l) {
      long now = nanoTime.getAsLong();
      if (l.available >= n) { // units leased before the failure are still ours
        l.available -= n;
        l.lastUse = now;
        return granted(l, now);
      }
    }
    return down(key, w, n);
  }

  private Take down(String key, Window w, long n) {
    redis.decided();
    return redis.failOpen() ? fallback.takeNow(key, w, n) : Take.unavailableNow();
  }

  /** Asks the shared counter for between {@code need} and {@code want} units. */
  private Future<Void> refill(Lease l, long need, long want) {
    Window w = l.window;
    Future<Response> f = w.kind() == Kind.MINUTE
        ? redis.eval(takeMinute, List.of(PREFIX + "m:" + l.key), List.of(Long.toString(w.capacity()), Long.toString(w.limit()),
            Long.toString(need), Long.toString(want)))
        : redis.eval(takeDay, List.of(PREFIX + "d:" + l.key), List.of(Long.toString(w.limit()), Long.toString(need), Long.toString(want)));
    return f.transform(ar -> {
      synchronized (l) {
        l.inflight = null;
        if (ar.failed()) return Future.failedFuture(ar.cause());
        Response r = ar.result();
        long now = nanoTime.getAsLong();
        long granted = r.get(0).toLong();
        long left = r.get(1).toLong();
        long micros = r.get(2).toLong(); // MINUTE: to full; DAY: to 00:00 UTC
        double elapsed = Math.max(1e-3, (now - l.lastRefillAt) / 1e9);
        double inst = l.consumedSinceRefill / elapsed;
        l.rate = l.rate == 0 ? inst : 0.5 * l.rate + 0.5 * inst;
        l.consumedSinceRefill = 0;
        l.lastRefillAt = now;
        l.sharedRemaining = left;
        if (w.kind() == Kind.DAY) {
          long day = r.get(3).toLong();
          if (day != l.day) l.available = 0; // units of an earlier day are void
          l.day = day;
          l.dayEndNanos = now + micros * 1000;
        }
        if (granted > 0) {
          l.available += granted;
          l.leasedAt = now;
          l.deniedUntil = 0;
        } else if (w.kind() == Kind.MINUTE) {
          long retry = r.get(3).toLong() * 1000;
          l.deniedUntil = now + retry;
          l.retryAt = now + retry;
        } else {
          long toMidnight = micros * 1000;
          l.deniedUntil = now + Math.min(1_000_000_000L, toMidnight);
          l.retryAt = now + toMidnight;
        }
        return Future.<Void>succeededFuture();
      }
    });
  }

  /** Lease chunk beyond what the request needs: ~250 ms of this instance's rate, at most 0.5 % of the capacity. */
  static long chunk(Lease l, long now) {
    long ceiling = l.window.capacity() / CHUNK_DIVISOR;
    if (ceiling < 2) return 0;
    double elapsed = Math.max(1e-3, (now - l.lastRefillAt) / 1e9);
    double rate = Math.max(l.rate, l.consumedSinceRefill / elapsed);
    long byRate = (long) (rate * CHUNK_SECONDS_OF_RATE);
    return Math.max(0, Math.min(ceiling, byRate));
  }

  private Take granted(Lease l, long now) {
    long remaining = Math.max(0, l.sharedRemaining + l.available);
    return new Take(true, remaining, resetNanos(l, now), 0, false);
  }

  private Take refused(Lease l, long now) {
    long remaining = Math.max(0, l.sharedRemaining + l.available);
    return new Take(false, remaining, resetNanos(l, now), Math.max(1_000_000L, l.retryAt - now), false);
  }

  private static long resetNanos(Lease l, long now) {
    Window w = l.window;
    if (w.kind() == Kind.DAY) return Math.max(0, l.dayEndNanos - now);
    long remaining = Math.max(0, l.sharedRemaining + l.available);
    return (long) (Math.max(0, w.capacity() - remaining) * 60_000_000_000.0 / Math.max(1, w.limit()));
  }

  private Lease lease(String key, Window w) {
    Lease l = leases.get(key);
    if (l != null && l.window.equals(w)) return l;
    long now = nanoTime.getAsLong();
    Lease fresh = new Lease(key, w, now);
    Lease old = leases.put(key, fresh);
    if (old != null) giveBack(old); // the limit changed: the old lease's units go back
    return fresh;
  }

  @Override
  public void adjust(String key, Window w, long delta) {
    if (delta == 0) return;
    if (!redis.up()) {
      fallback.adjust(key, w, delta);
      return;
    }
    Lease l = leases.get(key);
    if (l != null && l.window.equals(w)) {
      synchronized (l) {
        boolean sameDay = w.kind() == Kind.MINUTE || l.day >= 0 && nanoTime.getAsLong() < l.dayEndNanos;
        if (sameDay) {
          if (delta < 0) { // given back: hand it out again from here (or return it with the lease)
            l.available += -delta;
            return;
          }
          long fromLease = Math.min(l.available, delta);
          l.available -= fromLease;
          delta -= fromLease;
        }
      }
      if (delta == 0) return;
    }
    long d = delta;
    pending.merge(key, new PendingAdjust(w, d), (a, b) -> new PendingAdjust(b.window(), a.delta() + b.delta()));
  }

  @Override
  public Future<Take> enter(String key, int max, String requestId, long leaseMillis) {
    return enter(key, max, requestId, leaseMillis, 0);
  }

  private Future<Take> enter(String key, int max, String requestId, long leaseMillis, int tries) {
    if (!redis.up()) return Future.succeededFuture(enterDown(key, max, requestId, leaseMillis));
    Places pl = placesFor(key, max);
    Future<Boolean> wait;
    synchronized (pl) {
      long now = nanoTime.getAsLong();
      if (pl.inside < pl.held) { // a place leased earlier: no round trip
        pl.inside++;
        pl.lastUse = now;
        pl.peak = Math.max(pl.peak, pl.inside);
        return Future.succeededFuture(new Take(true, pl.held - pl.inside, 0, 0, false));
      }
      pl.waiting++;
      wait = pl.inflight;
      if (wait == null) {
        wait = leaseMore(pl);
        pl.inflight = wait.isComplete() ? null : wait;
      }
    }
    Context caller = Vertx.currentContext();
    Promise<Take> p = Promise.promise();
    wait.onComplete(ar -> {
      synchronized (pl) {
        pl.waiting--;
      }
      Runnable again = () -> {
        if (ar.failed()) {
          p.complete(enterDown(key, max, requestId, leaseMillis));
          return;
        }
        synchronized (pl) {
          if (pl.inside < pl.held) {
            pl.inside++;
            pl.lastUse = nanoTime.getAsLong();
            pl.peak = Math.max(pl.peak, pl.inside);
            p.complete(new Take(true, pl.held - pl.inside, 0, 0, false));
            return;
          }
        }
        // others waiting with us took what came in: ask again (a few times), unless Redis had no more
        // (bounded: each retry is a lease Redis granted, which stops once every place is taken)
        if (tries < 50 && ar.result() != null && ar.result()) {
          enter(key, max, requestId, leaseMillis, tries + 1).onComplete(p);
          return;
        }
        p.complete(new Take(false, 0, 0, 1_000_000_000L, false)); // every place is taken, here or elsewhere
      };
      if (caller == null || caller == Vertx.currentContext()) again.run();
      else caller.runOnContext(v -> again.run());
    });
    return p.future();
  }

  /**
   * Leases one place plus a chunk: about the recent peak of requests in flight here beyond those
   * held, at most 0.5 % of the limit; small limits (under 200) lease exactly one place, so they
   * stay exact (and places go back as soon as they are free).
   */
  private Future<Boolean> leaseMore(Places pl) {
    long ceiling = pl.max / CHUNK_DIVISOR;
    long extra = ceiling < 1 ? 0 : Math.min(ceiling, Math.max(Math.max(pl.waiting, 4), (long) Math.ceil(pl.peak * 0.25)));
    return redis.eval(leasePlaces, List.of(PREFIX + "c:" + pl.key),
            List.of(Integer.toString(pl.max), instanceId, "1", Long.toString(1 + extra), Long.toString(PLACES_TTL_MS)))
        .transform(ar -> {
          synchronized (pl) {
            pl.inflight = null;
            if (ar.failed()) return Future.failedFuture(ar.cause());
            long granted = ar.result().get(0).toLong();
            pl.held += granted;
            pl.lastBeat = nanoTime.getAsLong();
            return Future.succeededFuture(granted > 0);
          }
        });
  }

  private Places placesFor(String key, int max) {
    Places pl = places.get(key);
    if (pl != null && pl.max == max) return pl;
    Places fresh = new Places(key, max, nanoTime.getAsLong());
    Places old = places.put(key, fresh);
    if (old != null) {
      synchronized (old) { // the limit changed: requests inside keep their places until they leave
        fresh.held = old.held;
        fresh.inside = old.inside;
      }
    }
    return fresh;
  }

  private Take enterDown(String key, int max, String requestId, long leaseMillis) {
    redis.decided();
    if (!redis.failOpen()) return Take.unavailableNow();
    Take t = fallback.enter(key, max, requestId, leaseMillis).result();
    if (t.granted()) localEntries.add(key + '\n' + requestId);
    return t;
  }

  @Override
  public void leave(String key, String requestId) {
    if (localEntries.remove(key + '\n' + requestId)) {
      fallback.leave(key, requestId);
      return;
    }
    Places pl = places.get(key);
    if (pl == null) return;
    long giveBack = 0;
    synchronized (pl) {
      if (pl.inside > 0) pl.inside--;
      pl.lastUse = nanoTime.getAsLong();
      if (pl.max / CHUNK_DIVISOR < 1 && pl.held > pl.inside) { // small limit: exact, the place goes back now
        giveBack = pl.held - pl.inside;
        pl.held = pl.inside;
      }
    }
    if (giveBack > 0) returnPlaces(pl.key, giveBack);
  }

  private void returnPlaces(String key, long n) {
    redis.eval(returnPlaces, List.of(PREFIX + "c:" + key), List.of(instanceId, Long.toString(n), Long.toString(PLACES_TTL_MS)))
        .onFailure(e -> { /* the places expire after PLACES_TTL_MS without heartbeats */ });
  }

  /** Every 50 ms: flush corrections, give back idle lease remainders, forget long-idle counters. */
  private void housekeeping() {
    if (!redis.up()) return;
    long now = nanoTime.getAsLong();
    for (String key : pending.keySet()) {
      PendingAdjust a = pending.remove(key);
      if (a == null || a.delta() == 0) continue;
      sendAdjust(key, a.window(), a.delta(), -1);
    }
    for (Lease l : leases.values()) {
      synchronized (l) {
        if (l.inflight != null) continue;
        if (l.available > 0 && (now - l.lastUse > IDLE_RETURN_NANOS || now - l.leasedAt > MAX_LEASE_AGE_NANOS)) {
          long give = l.available;
          l.available = 0;
          if (l.window.kind() == Kind.MINUTE || now < l.dayEndNanos) sendAdjust(l.key, l.window, -give, l.day);
        }
        if (l.available == 0 && now - l.lastUse > 120_000_000_000L) leases.remove(l.key, l);
      }
    }
    for (Places pl : places.values()) {
      long back = 0;
      boolean beat = false;
      synchronized (pl) {
        if (pl.inflight != null) continue;
        if (pl.held > pl.inside && now - pl.lastUse > IDLE_RETURN_NANOS) { // spare places go back when idle
          back = pl.held - pl.inside;
          pl.held = pl.inside;
          pl.peak = pl.inside;
        }
        if (pl.held > 0 && now - pl.lastBeat > HEARTBEAT_NANOS) {
          beat = true;
          pl.lastBeat = now;
        }
        pl.peak *= 0.98; // forget old peaks slowly
        if (pl.held == 0 && pl.inside == 0 && now - pl.lastUse > 120_000_000_000L) places.remove(pl.key, pl);
      }
      if (back > 0 || beat) returnPlaces(pl.key, back); // also the heartbeat that keeps held places alive
    }
  }

  private void giveBack(Lease l) {
    synchronized (l) {
      long give = l.available;
      l.available = 0;
      if (give > 0 && redis.up()) sendAdjust(l.key, l.window, -give, l.day);
    }
  }

  private void sendAdjust(String key, Window w, long delta, long day) {
    Future<Response> f = w.kind() == Kind.MINUTE
        ? redis.eval(adjustMinute, List.of(PREFIX + "m:" + key), List.of(Long.toString(w.capacity()), Long.toString(w.limit()),
            Long.toString(delta)))
        : redis.eval(adjustDay, List.of(PREFIX + "d:" + key), List.of(Long.toString(delta), Long.toString(day)));
    f.onFailure(e -> { /* counted by SharedRedis; a lost correction is within the documented bound */ });
  }

  /** Stops without giving anything back, as a process that died would (tests). */
  void crashForTests() {
    redis.vertx().cancelTimer(timer);
    leases.clear();
    places.clear();
    pending.clear();
  }

  /** Concurrency places this instance holds for a counter, in use or spare (tests). */
  long placesHeld(String key) {
    Places pl = places.get(key);
    if (pl == null) return 0;
    synchronized (pl) {
      return pl.held;
    }
  }

  /** Units this instance holds for a counter (tests). */
  long leased(String key) {
    Lease l = leases.get(key);
    if (l == null) return 0;
    synchronized (l) {
      return l.available;
    }
  }

  @Override
  public void close() {
    redis.vertx().cancelTimer(timer);
    if (redis.up()) {
      for (String key : pending.keySet()) {
        PendingAdjust a = pending.remove(key);
        if (a != null && a.delta() != 0) sendAdjust(key, a.window(), a.delta(), -1);
      }
      for (Lease l : leases.values()) giveBack(l);
      for (Places pl : places.values()) {
        long held;
        synchronized (pl) {
          held = pl.held;
          pl.held = 0;
        }
        if (held > 0) returnPlaces(pl.key, held);
      }
    }
  }
}
