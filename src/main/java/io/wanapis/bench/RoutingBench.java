package io.wanapis.bench;

import io.wanapis.Gateway;
import io.wanapis.config.ConfigLoader;
import io.wanapis.config.Settings;
import io.wanapis.config.SettingsResolver;
import io.wanapis.routing.ModelRoute;
import io.wanapis.routing.RoutingSession;
import io.wanapis.simulator.Simulator;
import io.wanapis.simulator.SimulatorOptions;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The routing benchmark of issue 6, one command:
 * {@code java -cp target/wanapis.jar io.wanapis.bench.RoutingBench [requests]}.
 * Three simulated deployments behind one model; with 0, 1 and 2 of them failing hard (connection
 * refused), it measures availability and latency at concurrency 1 against the 0-failing case, and
 * the cost of one routing decision (ordering the deployments and taking the first) in µs.
 * Prints a Markdown table.
 */
public final class RoutingBench {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
    Vertx vertx = Vertx.vertx();
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Simulator s = new Simulator(vertx, SimulatorOptions.fast());
      ports.add(s.listen("127.0.0.1", 0).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS));
    }
    int dead1 = freePort(), dead2 = freePort();
    System.out.println("| failing deployments | requests | succeeded | availability | p50 µs | p99 µs | p50 added µs | p99 added µs |");
    System.out.println("|---|--:|--:|--:|--:|--:|--:|--:|");
    double[] base = null;
    for (int failing = 0; failing <= 2; failing++) {
      int p1 = failing >= 1 ? dead1 : ports.get(1);
      int p2 = failing >= 2 ? dead2 : ports.get(2);
      Gateway gw = gateway(ports.get(0), p1, p2);
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      for (int i = 0; i < 3000; i++) call(http, gw.port()); // warm-up (also trips the breakers of the dead ones)
      long[] lat = new long[n];
      int ok = 0;
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        if (call(http, gw.port())) ok++;
        lat[i] = System.nanoTime() - t0;
      }
      Arrays.sort(lat);
      double p50 = lat[n / 2] / 1e3, p99 = lat[(int) (n * 0.99)] / 1e3;
      if (base == null) base = new double[] {p50, p99};
      System.out.printf("| %d of 3 | %d | %d | %.2f %% | %.0f | %.0f | %+.0f | %+.0f |%n", failing, n, ok, 100.0 * ok / n, p50, p99,
          p50 - base[0], p99 - base[1]);
      gw.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    decisionCost(ports.get(0), ports.get(1), ports.get(2));
    vertx.close();
    System.exit(0);
  }

  private static void decisionCost(int a, int b, int c) throws Exception {
    Gateway gw = gateway(a, b, c);
    var registry = gwRegistry(gw);
    ModelRoute route = registry.resolve("m");
    for (String strategy : List.of("weighted")) {
      long sink = 0;
      for (int i = 0; i < 200_000; i++) sink += new RoutingSession(registry, route).next(null).weight();
      int iters = 2_000_000;
      long t0 = System.nanoTime();
      for (int i = 0; i < iters; i++) sink += new RoutingSession(registry, route).next(null).weight();
      double us = (System.nanoTime() - t0) / 1e3 / iters;
      System.out.printf("%nRouting decision (%s, 3 healthy deployments: order them and pick the first): %.3f µs per request (%d)%n",
          strategy, us, sink % 10);
    }
    gw.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static io.wanapis.routing.ModelRegistry gwRegistry(Gateway gw) {
    return gw.runtime().models();
  }

  private static boolean call(HttpClient http, int port) {
    try {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
          .header("authorization", "Bearer sk-bench-routing-0123456789").header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":5}"))
          .build(), HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }

  private static Gateway gateway(int p0, int p1, int p2) throws Exception {
    String yaml = """
        access_log: {path: "off"}
        providers:
          - {name: d0, type: openai-compatible, base_url: "http://127.0.0.1:%d/v1"}
          - {name: d1, type: openai-compatible, base_url: "http://127.0.0.1:%d/v1"}
          - {name: d2, type: openai-compatible, base_url: "http://127.0.0.1:%d/v1"}
        models:
          - name: m
            deployments: [{provider: d0, model: x}, {provider: d1, model: x}, {provider: d2, model: x}]
        """.formatted(p0, p1, p2);
    Path dir = Files.createTempDirectory("wanapis-routing-bench");
    var cfg = new ConfigLoader(Map.<String, String>of()::get).parse(yaml, "bench.yaml");
    Map<String, String> env = Map.of("WANAPIS_DATA_DIR", dir.toString());
    Settings s = new SettingsResolver(env::get).resolve(cfg, "bench.yaml", 0, "127.0.0.1");
    Gateway gw = new Gateway(s, "sk-bench-routing-0123456789", SimulatorOptions.fast(), List.of());
    gw.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    return gw;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
