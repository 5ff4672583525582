package io.wanapis.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.wanapis.Gateway;
import io.wanapis.config.ConfigLoader;
import io.wanapis.config.SettingsResolver;
import io.wanapis.simulator.SimulatorOptions;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Usage issue: throughput of the gateway with metering on (ledger to SQLite, Prometheus metrics,
 * a hard budget on the calling key, so every request is estimated, reserved and settled) versus
 * off (no ledger, no metrics, no budget), in one run, rounds interleaved so drift hits both alike.
 * Not a test: run with
 * {@code mvn -o -q test-compile exec:java} is not set up, so:
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) io.wanapis.bench.MeteringBench [seconds] [rounds] [concurrency]}.
 */
public final class MeteringBench {
  static final String KEY = "sk-bench-master-0123456789";

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 32;
    Gateway off = start("""
        access_log: {path: "off"}
        server: {event_loops: 1}
        usage: {ledger: false}
        metrics: {enabled: false}
        providers: [{name: sim, type: simulator}]
        models: [{name: gpt-4o-mini, deployments: [{provider: sim}]}]
        """);
    // -Dbench.ledger=false: budget and metrics only, to tell the ledger writer's share of the cost
    Gateway on = start("""
        access_log: {path: "off"}
        server: {event_loops: 1}
        usage: {ledger: %s}
        budgets: [{key: master, period: month, limit_usd: 1000000, hard: true}]
        providers: [{name: sim, type: simulator}]
        models: [{name: gpt-4o-mini, deployments: [{provider: sim}]}]
        """.formatted(System.getProperty("bench.ledger", "true")));
    Vertx vertx = Vertx.vertx();
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(concurrency));
    for (int w = 0; w < 3; w++) { // warm-up: the JIT needs a while before rates settle
      run(vertx, client, off.port(), 10, concurrency);
      run(vertx, client, on.port(), 10, concurrency);
    }
    List<Double> offRates = new ArrayList<>(), onRates = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      // alternate which goes first, so neither always runs on a warmer machine
      if (r % 2 == 0) {
        offRates.add(run(vertx, client, off.port(), seconds, concurrency));
        onRates.add(run(vertx, client, on.port(), seconds, concurrency));
      } else {
        onRates.add(0, run(vertx, client, on.port(), seconds, concurrency));
        offRates.add(0, run(vertx, client, off.port(), seconds, concurrency));
        java.util.Collections.rotate(onRates, -1);
        java.util.Collections.rotate(offRates, -1);
      }
      System.out.printf("round %d: off %.0f req/s, on %.0f req/s%n", r + 1, offRates.get(r), onRates.get(r));
    }
    double mOff = median(offRates), mOn = median(onRates);
    System.out.printf("median: metering off %.0f req/s, metering + budget on %.0f req/s, difference %.1f %%%n", mOff, mOn,
        (mOff - mOn) / mOff * 100);
    System.out.printf("ledger rows written: %d, budget spend: %s%n", on.usage().ledger() == null ? 0 : on.usage().ledger().written(),
        on.usage().budgets().views().get(0).spentUsd());
    vertx.close().await(10, TimeUnit.SECONDS);
    on.close().await(30, TimeUnit.SECONDS);
    off.close().await(30, TimeUnit.SECONDS);
    System.exit(0);
  }

  static Gateway start(String yaml) throws Exception {
    var cfg = new ConfigLoader(Map.<String, String>of()::get).parse(yaml, "bench.yaml");
    String dir = Files.createTempDirectory("wanapis-bench").toString();
    var s = new SettingsResolver(Map.of("WANAPIS_DATA_DIR", dir)::get).resolve(cfg, "bench.yaml", 0, "127.0.0.1");
    Gateway g = new Gateway(s, KEY, SimulatorOptions.fast(), List.of());
    g.start().await(60, TimeUnit.SECONDS);
    return g;
  }

  /** Requests per second over {@code seconds}, with {@code concurrency} requests always in flight. */
  static double run(Vertx vertx, HttpClient client, int port, int seconds, int concurrency) throws Exception {
    return run(vertx, client, port, seconds, concurrency, KEY);
  }

  static double run(Vertx vertx, HttpClient client, int port, int seconds, int concurrency, String key) throws Exception {
    Buffer body = Buffer.buffer("{\"model\":\"gpt-4o-mini\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello to the benchmark.\"}]}");
    RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port).setURI("/v1/chat/completions")
        .putHeader("authorization", "Bearer " + key).putHeader("content-type", "application/json");
    AtomicLong done = new AtomicLong(), failed = new AtomicLong();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    CountDownLatch finished = new CountDownLatch(concurrency);
    long start = System.nanoTime();
    for (int i = 0; i < concurrency; i++) vertx.runOnContext(v -> loop(client, ro, body, end, done, failed, finished));
    finished.await(seconds + 30L, TimeUnit.SECONDS);
    double elapsed = (System.nanoTime() - start) / 1e9;
    if (failed.get() > 0) System.out.println("  failed: " + failed.get());
    return done.get() / elapsed;
  }

  static void loop(HttpClient client, RequestOptions ro, Buffer body, long end, AtomicLong done, AtomicLong failed, CountDownLatch finished) {
    if (System.nanoTime() >= end) {
      finished.countDown();
      return;
    }
    client.request(ro).compose(req -> req.send(body)).compose(resp -> resp.body().map(b -> resp.statusCode())).onComplete(ar -> {
      if (ar.succeeded() && ar.result() == 200) done.incrementAndGet();
      else failed.incrementAndGet();
      loop(client, ro, body, end, done, failed, finished);
    });
  }

  static double median(List<Double> l) {
    List<Double> s = new ArrayList<>(l);
    s.sort(Double::compare);
    return s.get(s.size() / 2);
  }
}
