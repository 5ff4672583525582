package io.wanapis.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import io.wanapis.providers.bedrock.EventStreamDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads Bedrock's {@code application/vnd.amazon.eventstream} bodies in tests (every CRC is checked). */
final class EventStreams {

  private EventStreams() {}

  /** All frames of a complete body; a CRC mismatch or a trailing partial frame fails. */
  static List<EventStreamDecoder.Frame> decode(byte[] body) {
    var decoder = new EventStreamDecoder();
    List<EventStreamDecoder.Frame> frames = new ArrayList<>();
    decoder.feed(Buffer.buffer(body), frames::add);
    if (decoder.pendingBytes() != 0) {
      throw new AssertionError(decoder.pendingBytes() + " bytes after the last complete frame");
    }
    return frames;
  }

  /** The complete frames of a body that may have been cut anywhere. */
  static List<EventStreamDecoder.Frame> decodeComplete(byte[] body) {
    var decoder = new EventStreamDecoder();
    List<EventStreamDecoder.Frame> frames = new ArrayList<>();
    decoder.feed(Buffer.buffer(body), frames::add);
    return frames;
  }

  static JsonNode payload(EventStreamDecoder.Frame frame) {
    return Sse.json(frame.payloadText());
  }

  static String eventType(EventStreamDecoder.Frame frame) {
    return frame.header(":event-type");
  }

  /**
   * Event type plus, for deltas, what they carry ({@code text}, {@code toolUse}, {@code reasoningContent.text},
   * {@code reasoningContent.signature}) and, for starts, the start's kind; repeats collapsed.
   */
  static List<String> kinds(List<EventStreamDecoder.Frame> frames) {
    List<String> out = new ArrayList<>();
    for (EventStreamDecoder.Frame f : frames) {
      String kind = kind(f);
      if (out.isEmpty() || !out.get(out.size() - 1).equals(kind)) {
        out.add(kind);
      }
    }
    return out;
  }

  static String kind(EventStreamDecoder.Frame f) {
    String type = f.header(":message-type").equals("exception") ? "exception:" + f.header(":exception-type")
        : eventType(f);
    JsonNode p = payload(f);
    if ("contentBlockDelta".equals(type)) {
      JsonNode delta = p.path("delta");
      String sub = delta.properties().iterator().next().getKey();
      if (sub.equals("reasoningContent")) {
        sub += "." + delta.get("reasoningContent").properties().iterator().next().getKey();
      }
      return type + ":" + sub;
    }
    if ("contentBlockStart".equals(type)) {
      return type + ":" + p.path("start").properties().iterator().next().getKey();
    }
    return type;
  }

  /** The body of a raw HTTP/1.1 response with chunked transfer encoding, tolerating a cut anywhere. */
  static byte[] chunkedBody(byte[] response) {
    int start = indexOf(response, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
    if (start < 0) {
      return new byte[0];
    }
    int pos = start + 4;
    var out = new ByteArrayOutputStream();
    while (pos < response.length) {
      int lineEnd = indexOf(response, "\r\n".getBytes(StandardCharsets.US_ASCII), pos);
      if (lineEnd < 0) {
        break;
      }
      int size = Integer.parseInt(new String(response, pos, lineEnd - pos, StandardCharsets.US_ASCII).trim(), 16);
      if (size == 0) {
        break;
      }
      int from = lineEnd + 2;
      int to = Math.min(response.length, from + size);
      out.write(response, from, to - from);
      pos = to + 2;
    }
    return out.toByteArray();
  }

  /** Whether the raw response ends with the last chunk of a chunked body (a cleanly finished response). */
  static boolean endsWithLastChunk(byte[] response) {
    byte[] end = "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    return response.length >= end.length
        && Arrays.equals(Arrays.copyOfRange(response, response.length - end.length, response.length), end);
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = from; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
