package io.wanapis.simulator;

/**
 * How the simulator behaves for every request.
 *
 * @param apiKey          the only Bearer token accepted; {@code null} accepts any token (or none)
 * @param ttftMs          time to first token: delay before the first stream chunk (and part of a
 *                        non-stream answer's delay)
 * @param tokensPerSecond generation pace; {@code <= 0} means as fast as possible
 * @param defaultFault    fault directives applied to every request that has no {@code x-sim-fault}
 *                        header, same syntax as the header; {@code null} for none
 */
public record SimulatorOptions(String apiKey, long ttftMs, double tokensPerSecond, String defaultFault) {

  public SimulatorOptions {
    if (ttftMs < 0) {
      throw new IllegalArgumentException("ttftMs must be >= 0, was " + ttftMs);
    }
    if (defaultFault != null) {
      FaultPlan.parse(defaultFault); // fail at start-up rather than on the first request
    }
  }

  /** Human-friendly pace: 150 ms to the first token, then 60 tokens per second. */
  public static SimulatorOptions defaults() {
    return new SimulatorOptions(null, 150, 60, null);
  }

  /** No artificial delay at all: for tests and benchmarks. */
  public static SimulatorOptions fast() {
    return new SimulatorOptions(null, 0, 0, null);
  }

  public SimulatorOptions withApiKey(String key) {
    return new SimulatorOptions(key, ttftMs, tokensPerSecond, defaultFault);
  }

  public SimulatorOptions withDefaultFault(String fault) {
    return new SimulatorOptions(apiKey, ttftMs, tokensPerSecond, fault);
  }

  public SimulatorOptions withPace(long ttft, double tps) {
    return new SimulatorOptions(apiKey, ttft, tps, defaultFault);
  }
}
