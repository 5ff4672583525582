package io.wanapis.sse;

import io.vertx.core.buffer.Buffer;

/**
 * One server-sent event. {@code raw} is the event exactly as it came over the wire, blank line
 * included, so a pass-through relay forwards it byte for byte. {@code data} joins the data lines
 * with '\n' as the SSE spec says; {@code event} is the event name or null. A comment-only event
 * (e.g. OpenRouter's ": OPENROUTER PROCESSING" keep-alives) has null data.
 */
public record SseEvent(Buffer raw, String event, String data) {
  public boolean isDone() {
    return "[DONE]".equals(data);
  }
}
