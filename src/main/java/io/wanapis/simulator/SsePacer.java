package io.wanapis.simulator;

import java.util.List;

/**
 * Plays a list of stream events at a model's pace: the first after the time-to-first-token, each
 * generated token {@code 1/tps} seconds after the previous one, then {@code data: [DONE]}. Timers keep
 * the event loop free; events that are already due are written in one go, so high rates do not need one
 * timer per token. Honours the {@code cut_after} fault and the client's back-pressure.
 */
final class SsePacer {

  private final Exchange exchange;
  private final List<SseEvent> events;
  private final double[] dueMs;
  private final int cutAfter;
  private final long startNanos = System.nanoTime();
  private int next;

  private SsePacer(Exchange exchange, List<SseEvent> events, long ttftMs, double tokensPerSecond, int cutAfter) {
    this.exchange = exchange;
    this.events = events;
    this.cutAfter = cutAfter;
    this.dueMs = schedule(events, ttftMs, tokensPerSecond);
  }

  static void play(Exchange exchange, List<SseEvent> events) {
    FaultPlan fault = exchange.fault();
    SimulatorOptions options = exchange.options();
    exchange.startStream();
    new SsePacer(exchange, events, fault.effectiveTtftMs(options), fault.effectiveTokensPerSecond(options),
        fault.cutAfter()).pump();
  }

  private static double[] schedule(List<SseEvent> events, long ttftMs, double tokensPerSecond) {
    double interval = tokensPerSecond > 0 ? 1000.0 / tokensPerSecond : 0;
    double[] due = new double[events.size()];
    double t = ttftMs;
    for (int i = 0; i < due.length; i++) {
      if (i > 0 && events.get(i).generated()) {
        t += interval;
      }
      due[i] = t;
    }
    return due;
  }

  private void pump() {
    while (exchange.open() && next < events.size()) {
      if (next == cutAfter) {
        exchange.abort();
        return;
      }
      long wait = (long) Math.ceil(dueMs[next] - elapsedMs());
      if (wait > 0) {
        exchange.after(wait, this::pump);
        return;
      }
      if (exchange.writeQueueFull()) {
        exchange.onDrain(this::pump);
        return;
      }
      exchange.writeEvent(events.get(next++).data());
    }
    if (cutAfter >= 0) {
      exchange.abort(); // a cut stream never gets its [DONE], however short it was
    } else {
      exchange.endStream();
    }
  }

  private double elapsedMs() {
    return (System.nanoTime() - startNanos) / 1_000_000.0;
  }
}
