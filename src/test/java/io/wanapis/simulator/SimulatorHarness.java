package io.wanapis.simulator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A running simulator on an ephemeral port plus a plain HTTP client, for tests. */
final class SimulatorHarness implements AutoCloseable {

  final Vertx vertx;
  final Simulator simulator;
  final int port;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private SimulatorHarness(Vertx vertx, Simulator simulator, int port) {
    this.vertx = vertx;
    this.simulator = simulator;
    this.port = port;
  }

  static SimulatorHarness start(SimulatorOptions options) {
    Vertx vertx = Vertx.vertx();
    var simulator = new Simulator(vertx, options);
    int port = await(simulator.listen("127.0.0.1", 0));
    return new SimulatorHarness(vertx, simulator, port);
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("future did not complete", e);
    }
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port + "/v1";
  }

  SimulatorStats stats() {
    return simulator.stats();
  }

  HttpResponse<String> post(String path, String json, String... headers) {
    return send(request(path, headers).POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  HttpResponse<String> get(String path, String... headers) {
    return send(request(path, headers).GET().build());
  }

  HttpRequest.Builder request(String path, String... headers) {
    var builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(20))
        .header("content-type", "application/json")
        .header("authorization", "Bearer sk-test");
    for (int i = 0; i < headers.length; i += 2) {
      builder.setHeader(headers[i], headers[i + 1]);
    }
    return builder;
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    await(simulator.close());
    await(vertx.close());
  }
}
