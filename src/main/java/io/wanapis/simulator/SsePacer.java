package io.wanapis.simulator;

import java.util.List;

/**
 * Plays a list of stream events at a model's pace: the first after the time-to-first-token, each event
 * carrying generated tokens {@code tokens/tps} seconds after the previous one, then the protocol's end of
 * stream ({@code data: [DONE]} for OpenAI, nothing for Anthropic and Gemini). Timers keep the event loop free;
 * events that are already due are written in one go, so high rates do not need one timer per token. Honours
 * the {@code cut_after} and {@code stream_error_after} faults and the client's back-pressure.
 */
final class SsePacer {

  private final Exchange exchange;
  private final List<SseEvent> events;
  private final double[] dueMs;
  private final int cutAfter;
  /** Index of the event in whose place the in-stream error goes, or -1. */
  private final int errorAt;
  private final long startNanos = System.nanoTime();
  private int next;

  private SsePacer(Exchange exchange, List<SseEvent> events, long ttftMs, double tokensPerSecond, int cutAfter,
      int streamErrorAfter) {
    this.exchange = exchange;
    this.events = events;
    this.cutAfter = cutAfter;
    this.dueMs = schedule(events, ttftMs, tokensPerSecond);
    this.errorAt = streamErrorAfter < 0 ? -1 : errorIndex(events, streamErrorAfter);
  }

  static void play(Exchange exchange, List<SseEvent> events) {
    FaultPlan fault = exchange.fault();
    SimulatorOptions options = exchange.options();
    exchange.startStream();
    new SsePacer(exchange, events, fault.effectiveTtftMs(options), fault.effectiveTokensPerSecond(options),
        fault.cutAfter(), fault.streamErrorAfter()).pump();
  }

  private static double[] schedule(List<SseEvent> events, long ttftMs, double tokensPerSecond) {
    double interval = tokensPerSecond > 0 ? 1000.0 / tokensPerSecond : 0;
    double[] due = new double[events.size()];
    double t = ttftMs;
    for (int i = 0; i < due.length; i++) {
      if (i > 0) {
        t += interval * events.get(i).tokens();
      }
      due[i] = t;
    }
    return due;
  }

  /** The (n+1)-th content event, or the event after the last content event when there are only n or fewer. */
  private static int errorIndex(List<SseEvent> events, int n) {
    int seen = 0;
    int afterLast = 0;
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).generated()) {
        if (seen == n) {
          return i;
        }
        seen++;
        afterLast = i + 1;
      }
    }
    return afterLast;
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
      if (next == errorAt) {
        exchange.endStreamWith(exchange.protocol().streamError(exchange.requestId(), exchange.fault()));
        return;
      }
      exchange.writeEvent(events.get(next++));
    }
    if (!exchange.open()) {
      return;
    }
    if (cutAfter >= 0) {
      exchange.abort(); // a cut stream never gets its end, however short it was
    } else if (errorAt >= 0) {
      exchange.endStreamWith(exchange.protocol().streamError(exchange.requestId(), exchange.fault()));
    } else {
      exchange.endStream();
    }
  }

  private double elapsedMs() {
    return (System.nanoTime() - startNanos) / 1_000_000.0;
  }
}
