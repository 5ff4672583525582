package io.wanapis.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.wanapis.Gateway;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of the gateway with a feature on versus off, in one run: usage issue (metering: the
 * ledger to SQLite, Prometheus metrics and a hard budget on the calling key) and quotas issue
 * (limits of a key, its plan and its team, counted in memory, and on Redis when
 * {@code -Dbench.redis=redis://127.0.0.1:PORT} is given). Every variant is its own gateway with its
 * own in-process simulator (no artificial delay) and one event loop; all are called with a virtual
 * key (no limits, no budget in "off"), 32 requests in flight, non-stream chat. Rounds rotate the
 * order of the variants so drift hits all alike; medians are compared. Not a test: run with
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) io.wanapis.bench.OnOffBench [seconds] [rounds] [concurrency]}.
 */
public final class OnOffBench {
  private record Variant(String name, Gateway gateway, String key) {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 32;
    String redis = System.getProperty("bench.redis");
    String base = """
        access_log: {path: "off"}
        server: {event_loops: 1}
        providers: [{name: sim, type: simulator}]
        models: [{name: gpt-4o-mini, deployments: [{provider: sim}]}]
        """;
    String off = base + "usage: {ledger: false}\nmetrics: {enabled: false}\n";
    String plans = "plans: [{name: bench, rpm: 100000000, tpm: 100000000000, rpd: 100000000000, tpd: 100000000000000, max_concurrent: 100000}]\n";
    Vertx vertx = Vertx.vertx();
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(concurrency));
    List<Variant> variants = new ArrayList<>();
    variants.add(variant(vertx, client, "off", off, "{\"name\":\"bench\"}", null));
    // usage issue: ledger + metrics + a hard budget on the key (every request estimated, reserved, settled, written)
    variants.add(variant(vertx, client, "metering+budget", base, "{\"name\":\"bench\",\"limits\":{\"max_budget\":1000000,\"budget_period\":\"monthly\"}}",
        null));
    // quotas issue: the key's plan (rpm, tpm, rpd, tpd, concurrency) and its team's rpm, all far above the load
    String limitsKey = "{\"name\":\"bench\",\"team\":\"bench-team\",\"limits\":{\"plan\":\"bench\"}}";
    String team = "{\"name\":\"bench-team\",\"limits\":{\"rpm\":100000000,\"tpm\":100000000000}}";
    variants.add(variant(vertx, client, "limits (memory)", off + plans, limitsKey, team));
    if (redis != null) variants.add(variant(vertx, client, "limits (redis)", off + plans + "redis: {url: \"" + redis + "\"}\n", limitsKey, team));

    for (int w = 0; w < 2; w++) for (Variant v : variants) MeteringBench.run(vertx, client, v.gateway().port(), 10, concurrency, v.key());
    Map<String, List<Double>> rates = new LinkedHashMap<>();
    for (Variant v : variants) rates.put(v.name(), new ArrayList<>());
    for (int r = 0; r < rounds; r++) {
      StringBuilder line = new StringBuilder("round " + (r + 1) + ":");
      for (int i = 0; i < variants.size(); i++) {
        Variant v = variants.get((i + r) % variants.size()); // rotate who goes first
        double rate = MeteringBench.run(vertx, client, v.gateway().port(), seconds, concurrency, v.key());
        rates.get(v.name()).add(rate);
        line.append(String.format(" %s %.0f req/s;", v.name(), rate));
      }
      System.out.println(line);
    }
    double mOff = MeteringBench.median(rates.get("off"));
    System.out.printf("median off: %.0f req/s%n", mOff);
    for (Variant v : variants) {
      if (v.name().equals("off")) continue;
      double m = MeteringBench.median(rates.get(v.name()));
      System.out.printf("median %s: %.0f req/s, %.1f %% below off (rounds: %s)%n", v.name(), m, (mOff - m) / mOff * 100,
          rates.get(v.name()).stream().map(x -> String.format("%.0f", x)).toList());
    }
    System.out.printf("off rounds: %s%n", rates.get("off").stream().map(x -> String.format("%.0f", x)).toList());
    Gateway metered = variants.get(1).gateway();
    System.out.printf("ledger rows written by metering+budget: %d%n", metered.usage().ledger() == null ? 0 : metered.usage().ledger().written());
    vertx.close().await(10, TimeUnit.SECONDS);
    for (Variant v : variants) v.gateway().close().await(30, TimeUnit.SECONDS);
    System.exit(0);
  }

  private static Variant variant(Vertx vertx, HttpClient client, String name, String yaml, String keyBody, String teamBody) throws Exception {
    Gateway g = MeteringBench.start(yaml);
    if (teamBody != null) admin(client, g.port(), "/admin/teams", teamBody);
    String key = admin(client, g.port(), "/admin/keys", keyBody).getString("key");
    return new Variant(name, g, key);
  }

  private static JsonObject admin(HttpClient client, int port, String path, String body) throws Exception {
    RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port).setURI(path)
        .putHeader("authorization", "Bearer " + MeteringBench.KEY).putHeader("content-type", "application/json");
    return client.request(ro).compose(req -> req.send(Buffer.buffer(body))).compose(resp -> resp.body().map(b -> {
      if (resp.statusCode() != 201) throw new IllegalStateException(path + " answered " + resp.statusCode() + ": " + b);
      return b.toJsonObject();
    })).await(30, TimeUnit.SECONDS);
  }
}
