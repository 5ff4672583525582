package io.wanapis.simulator;

import io.vertx.core.buffer.Buffer;

/**
 * One event of a stream, exactly as it goes on the wire (text, or a binary event-stream frame).
 *
 * @param wire   the whole frame, separators included ({@code data: ...\n\n}, {@code event: x\ndata: ...\n\n},
 *               Gemini's {@code data: ...\r\n\r\n})
 * @param tokens newly generated tokens the event carries; only those events are paced at the request's
 *               tokens-per-second (role, start, stop, finish and usage events follow without delay) and
 *               counted as content deltas by {@code stream_error_after}
 */
record SseEvent(String wire, int tokens, Buffer binary) {

  SseEvent(String wire, int tokens) {
    this(wire, tokens, null);
  }

  /** A binary frame (Bedrock's {@code application/vnd.amazon.eventstream}); {@link #wire()} is then empty. */
  static SseEvent binary(Buffer frame, int tokens) {
    return new SseEvent("", tokens, frame);
  }

  /** The bytes that go on the wire. */
  Buffer bytes() {
    return binary != null ? binary : Buffer.buffer(wire, "UTF-8");
  }

  /** OpenAI framing: {@code data: <json>\n\n}; {@code generated} events carry one token. */
  static SseEvent data(String json, boolean generated) {
    return new SseEvent("data: " + json + "\n\n", generated ? 1 : 0);
  }

  /** Anthropic framing: a named event whose JSON repeats the name in {@code type}. */
  static SseEvent named(String event, String json, int tokens) {
    return new SseEvent("event: " + event + "\ndata: " + json + "\n\n", tokens);
  }

  /** Gemini framing: {@code data: <json>\r\n\r\n}. */
  static SseEvent crlf(String json, int tokens) {
    return new SseEvent("data: " + json + "\r\n\r\n", tokens);
  }

  boolean generated() {
    return tokens > 0;
  }
}
