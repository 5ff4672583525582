package io.wanapis.cli;

import io.wanapis.simulator.Simulator;
import io.wanapis.simulator.SimulatorOptions;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "simulate", description = "Run the provider simulator alone (OpenAI wire protocol, faults on demand).")
public final class SimulateCommand implements Callable<Integer> {
  @Option(names = "--port", defaultValue = "4010", description = "Port (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--ttft-ms", defaultValue = "150", description = "Time to first token of streams, ms (default ${DEFAULT-VALUE}).")
  long ttftMs;

  @Option(names = "--tokens-per-second", defaultValue = "60", description = "Stream speed; 0 = as fast as possible (default ${DEFAULT-VALUE}).")
  double tps;

  @Option(names = "--api-key", description = "Require this Bearer key (default: accept any).")
  String apiKey;

  @Option(names = "--fault", description = "Fault applied to every request, same syntax as the x-sim-fault header.")
  String fault;

  @Override
  public Integer call() throws Exception {
    Vertx vertx = Vertx.vertx();
    Simulator sim = new Simulator(vertx, new SimulatorOptions(apiKey, ttftMs, tps, fault));
    int bound;
    try {
      bound = sim.listen(host, port).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("wanapis simulate: could not listen on " + host + ":" + port + ": " + e.getMessage());
      vertx.close();
      return 1;
    }
    System.out.println("Simulator listening on http://" + host + ":" + bound + "/v1");
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      vertx.close();
      stop.countDown();
    }));
    stop.await();
    return 0;
  }
}
