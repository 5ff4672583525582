package io.wanapis.shared;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.wanapis.cache.CacheTier;
import io.wanapis.cache.CachedAnswer;
import io.wanapis.cache.ResponseCache;
import io.wanapis.usage.Usage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The response cache's second tier in Redis (docs/shared-state.md): one string per entry,
 * {@code wanapis:cache:<the CacheKeys key>}, holding what {@link CachedAnswer} holds (stream flag,
 * the client's exact bytes, usage, routed model, deployment) and its expiry time, written with
 * {@code SET … PX <ttl>}. A lookup is one {@code GET}, only on a local miss of a cache-enabled
 * route; Redis down, slow (past {@code redis.timeout_ms}) or a value this version cannot read is a
 * miss, counted in {@code wanapis_redis_cache_fallbacks_total}. Entries above
 * {@link ResponseCache#MAX_ENTRY_BYTES} are not stored, as in memory.
 */
public final class RedisResponseCache implements CacheTier {
  private static final String PREFIX = "wanapis:cache:";
  private static final int FORMAT = 1;

  private final SharedRedis redis;
  private final LongSupplier clock;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong fallbacks = new AtomicLong();

  public RedisResponseCache(SharedRedis redis) {
    this(redis, System::currentTimeMillis);
  }

  RedisResponseCache(SharedRedis redis, LongSupplier clock) {
    this.redis = redis;
    this.clock = clock;
  }

  /** {@code wanapis_redis_cache_lookups_total{result="hit"|"miss"|"fallback"}} on /metrics. */
  public void bindMetrics(MeterRegistry registry) {
    String d = "Response cache lookups in Redis after a local miss (fallback: Redis down or slow, answered as a miss)";
    FunctionCounter.builder("wanapis_redis_cache_lookups", hits, AtomicLong::get).tag("result", "hit").description(d).register(registry);
    FunctionCounter.builder("wanapis_redis_cache_lookups", misses, AtomicLong::get).tag("result", "miss").description(d).register(registry);
    FunctionCounter.builder("wanapis_redis_cache_lookups", fallbacks, AtomicLong::get).tag("result", "fallback").description(d)
        .register(registry);
  }

  public long hits() { return hits.get(); }
  public long fallbacks() { return fallbacks.get(); }

  @Override
  public Future<CachedAnswer> get(String key) {
    if (!redis.up()) {
      fallbacks.incrementAndGet();
      return Future.succeededFuture();
    }
    return redis.send(Request.cmd(Command.GET).arg(PREFIX + key)).transform(ar -> {
      if (ar.failed()) {
        fallbacks.incrementAndGet();
        return Future.succeededFuture();
      }
      Response r = ar.result();
      CachedAnswer a = r == null ? null : decode(r.toBytes(), clock.getAsLong());
      (a == null ? misses : hits).incrementAndGet();
      return Future.succeededFuture(a);
    });
  }

  @Override
  public void put(String key, CachedAnswer answer) {
    if (!redis.up() || answer.body().length > ResponseCache.MAX_ENTRY_BYTES) return;
    long ttlMs = Math.max(1, answer.ttlNanos() / 1_000_000);
    byte[] value = encode(answer, clock.getAsLong() + ttlMs);
    redis.send(Request.cmd(Command.SET).arg(PREFIX + key).arg(value).arg("PX").arg(ttlMs))
        .onFailure(e -> { /* counted by SharedRedis; the answer stays in this instance's memory */ });
  }

  static byte[] encode(CachedAnswer a, long expiresAtMs) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(a.body().length + 128);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(FORMAT);
      out.writeLong(expiresAtMs);
      out.writeBoolean(a.stream());
      Usage u = a.usage();
      out.writeBoolean(u != null);
      if (u != null) {
        out.writeLong(u.inputTokens());
        out.writeLong(u.outputTokens());
        out.writeLong(u.cachedTokens());
        out.writeLong(u.reasoningTokens());
        out.writeLong(u.cacheWriteTokens());
        out.writeBoolean(u.estimated());
      }
      writeText(out, a.routedModel());
      writeText(out, a.deployment());
      out.writeInt(a.body().length);
      out.write(a.body());
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e); // in memory: cannot happen
    }
  }

  /** The stored answer with its remaining TTL, or null (expired, or not a value this version wrote). */
  static CachedAnswer decode(byte[] v, long now) {
    if (v == null || v.length == 0) return null;
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(v));
      if (in.readByte() != FORMAT) return null;
      long expiresAt = in.readLong();
      if (expiresAt <= now) return null;
      boolean stream = in.readBoolean();
      Usage u = in.readBoolean()
          ? new Usage(in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readBoolean()) : null;
      String routed = readText(in);
      String deployment = readText(in);
      int n = in.readInt();
      if (n < 0 || n > ResponseCache.MAX_ENTRY_BYTES) return null;
      byte[] body = in.readNBytes(n);
      if (body.length != n) return null;
      return new CachedAnswer(body, stream, u, routed, deployment, (expiresAt - now) * 1_000_000L);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static void writeText(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) out.writeUTF(s);
  }

  private static String readText(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }
}
