package io.wanapis.testing;

import io.wanapis.simulator.Simulator;
import io.wanapis.simulator.SimulatorOptions;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Simulators on their own ports (each with its own faults), as separate upstreams for routing tests. */
public final class StandaloneSimulators implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final List<Simulator> started = new ArrayList<>();

  public record Running(Simulator simulator, int port) {
    public String baseUrl() {
      return "http://127.0.0.1:" + port + "/v1";
    }
  }

  public Running start(SimulatorOptions options) throws Exception {
    return start(options, 0);
  }

  public Running start(SimulatorOptions options, int port) throws Exception {
    Simulator s = new Simulator(vertx, options);
    int bound = s.listen("127.0.0.1", port).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    started.add(s);
    return new Running(s, bound);
  }

  public void stop(Running r) throws Exception {
    r.simulator().close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    started.remove(r.simulator());
  }

  @Override
  public void close() throws Exception {
    for (Simulator s : new ArrayList<>(started)) s.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
