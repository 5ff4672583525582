package io.wanapis.simulator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Start-up helper for the CLI ({@code wanapis simulate}) and for tests. */
public final class SimulatorMain {

  private SimulatorMain() {}

  /** Creates a simulator and starts it; the future completes once it listens. */
  public static Future<Simulator> start(Vertx vertx, String host, int port, SimulatorOptions options) {
    var simulator = new Simulator(vertx, options);
    return simulator.listen(host, port).map(boundPort -> simulator);
  }
}
