package io.wanapis.simulator;

/** Answers one kind of OpenAI request; {@code body} is the raw request body (empty for GETs). */
interface Endpoint {

  void handle(Exchange exchange, String body);

  /**
   * Time a model would need for a non-streamed answer of {@code tokens} tokens: the time to first token
   * plus the generation time, so that slow paces are felt without streaming too.
   */
  static long generationDelayMs(Exchange exchange, int tokens) {
    FaultPlan fault = exchange.fault();
    long ttft = fault.effectiveTtftMs(exchange.options());
    double tps = fault.effectiveTokensPerSecond(exchange.options());
    return ttft + (tps > 0 ? Math.round(tokens * 1000.0 / tps) : 0);
  }
}
