package io.wanapis.sse;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Cuts a byte stream into {@link SseEvent}s incrementally: upstream chunks may split an event
 * anywhere (even inside a CRLF), so bytes are held until the blank line that ends the event.
 * Handles LF, CRLF and CR line endings (Gemini sends CRLF, OpenAI LF).
 */
public final class SseEventSplitter {
  private byte[] buf = new byte[4096];
  private int len;
  /** Where the current (incomplete) event starts, and where the next line starts. */
  private int eventStart;
  private int lineStart;
  private int scanPos;
  private String eventName;
  private StringBuilder data;
  private boolean lastWasCr;

  public void feed(Buffer chunk, Consumer<SseEvent> out) {
    append(chunk);
    while (scanPos < len) {
      byte b = buf[scanPos];
      if (b == '\n' && lastWasCr) {
        // second half of a CRLF: the line already ended at the CR
        lastWasCr = false;
        if (eventStart == scanPos) eventStart++;
        scanPos++;
        lineStart = scanPos;
        continue;
      }
      lastWasCr = false;
      if (b == '\n' || b == '\r') {
        int lineEnd = scanPos;
        lastWasCr = b == '\r';
        scanPos++;
        if (lastWasCr && scanPos < len && buf[scanPos] == '\n') {
          scanPos++;
          lastWasCr = false;
        }
        boolean blank = lineEnd == lineStart;
        if (blank) {
          if (lineEnd > eventStart) emit(out);
          eventStart = scanPos;
        } else {
          field(lineStart, lineEnd);
        }
        lineStart = scanPos;
      } else {
        scanPos++;
      }
    }
    compact();
  }

  /**
   * The stream ended: an event whose closing blank line never came is emitted anyway (with the
   * blank line added to its raw bytes), as the SDKs' own parsers do.
   */
  public void finish(Consumer<SseEvent> out) {
    if (len == eventStart) return;
    if (lineStart < len) field(lineStart, len);
    if (data == null && eventName == null) return;
    Buffer raw = Buffer.buffer(len - eventStart + 2).appendBytes(buf, eventStart, len - eventStart).appendString("\n\n");
    SseEvent e = new SseEvent(raw, eventName, data == null ? null : data.toString());
    eventName = null;
    data = null;
    eventStart = lineStart = scanPos = len;
    compact();
    out.accept(e);
  }

  /** Bytes of an unfinished event still held (a stream that ends here was cut mid-event). */
  public int pendingBytes() {
    return len - eventStart;
  }

  private void emit(Consumer<SseEvent> out) {
    Buffer raw = Buffer.buffer(scanPos - eventStart).appendBytes(buf, eventStart, scanPos - eventStart);
    SseEvent e = new SseEvent(raw, eventName, data == null ? null : data.toString());
    eventName = null;
    data = null;
    out.accept(e);
  }

  private void field(int start, int end) {
    if (buf[start] == ':') return; // comment
    int colon = start;
    while (colon < end && buf[colon] != ':') colon++;
    String name = new String(buf, start, colon - start, StandardCharsets.UTF_8);
    int vs = colon < end ? colon + 1 : end;
    if (vs < end && buf[vs] == ' ') vs++;
    String value = new String(buf, vs, end - vs, StandardCharsets.UTF_8);
    switch (name) {
      case "data" -> {
        if (data == null) data = new StringBuilder(value);
        else data.append('\n').append(value);
      }
      case "event" -> eventName = value;
      default -> { /* id, retry: not needed by the gateway */ }
    }
  }

  private void append(Buffer chunk) {
    int n = chunk.length();
    if (len + n > buf.length) {
      byte[] bigger = new byte[Math.max(buf.length * 2, len + n)];
      System.arraycopy(buf, 0, bigger, 0, len);
      buf = bigger;
    }
    chunk.getBytes(0, n, buf, len);
    len += n;
  }

  /** Drops bytes of events already emitted so the buffer does not grow with the stream. */
  private void compact() {
    if (eventStart == 0) return;
    int keep = len - eventStart;
    System.arraycopy(buf, eventStart, buf, 0, keep);
    lineStart -= eventStart;
    scanPos -= eventStart;
    len = keep;
    eventStart = 0;
  }
}
