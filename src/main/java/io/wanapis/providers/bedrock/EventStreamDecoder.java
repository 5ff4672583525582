package io.wanapis.providers.bedrock;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * Decodes AWS's binary {@code application/vnd.amazon.eventstream} framing incrementally:
 * a prelude (total length, headers length, CRC32 of the prelude), headers, payload, and a CRC32
 * of the whole message. Frames may be split anywhere across chunks. A CRC mismatch is an error:
 * a corrupted stream must not be translated into a plausible-looking answer.
 */
public final class EventStreamDecoder {
  /** One decoded message: its headers (only string-valued ones are kept) and payload bytes. */
  public record Frame(Map<String, String> headers, byte[] payload) {
    public String header(String name) {
      return headers.get(name);
    }

    public String payloadText() {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }

  private Buffer pending = Buffer.buffer();

  public void feed(Buffer chunk, Consumer<Frame> out) {
    pending.appendBuffer(chunk);
    int pos = 0;
    while (pending.length() - pos >= 12) {
      int total = pending.getInt(pos);
      if (total < 16 || total > 16 * 1024 * 1024) throw new IllegalStateException("bad event-stream frame length " + total);
      if (pending.length() - pos < total) break;
      int headersLen = pending.getInt(pos + 4);
      long preludeCrc = Integer.toUnsignedLong(pending.getInt(pos + 8));
      byte[] frame = pending.getBytes(pos, pos + total);
      if (crc(frame, 0, 8) != preludeCrc) throw new IllegalStateException("event-stream prelude CRC mismatch");
      long messageCrc = Integer.toUnsignedLong(pending.getInt(pos + total - 4));
      if (crc(frame, 0, total - 4) != messageCrc) throw new IllegalStateException("event-stream message CRC mismatch");
      Map<String, String> headers = headers(frame, 12, 12 + headersLen);
      int payloadStart = 12 + headersLen;
      byte[] payload = new byte[total - 4 - payloadStart];
      System.arraycopy(frame, payloadStart, payload, 0, payload.length);
      pos += total;
      out.accept(new Frame(headers, payload));
    }
    if (pos > 0) pending = pending.getBuffer(pos, pending.length());
  }

  public int pendingBytes() {
    return pending.length();
  }

  private static long crc(byte[] b, int off, int len) {
    CRC32 c = new CRC32();
    c.update(b, off, len);
    return c.getValue();
  }

  /** Header: name length (1 byte), name, type (1 byte), value; type 7 = string (2-byte length). */
  private static Map<String, String> headers(byte[] f, int start, int end) {
    Map<String, String> h = new LinkedHashMap<>();
    int p = start;
    while (p < end) {
      int nameLen = f[p++] & 0xff;
      String name = new String(f, p, nameLen, StandardCharsets.UTF_8);
      p += nameLen;
      int type = f[p++] & 0xff;
      switch (type) {
        case 0, 1 -> { } // bool true / false
        case 2 -> p += 1;
        case 3 -> p += 2;
        case 4 -> p += 4;
        case 5, 8 -> p += 8; // long, timestamp
        case 6, 7 -> {
          int len = ((f[p] & 0xff) << 8) | (f[p + 1] & 0xff);
          p += 2;
          if (type == 7) h.put(name, new String(f, p, len, StandardCharsets.UTF_8));
          p += len;
        }
        case 9 -> p += 16; // uuid
        default -> throw new IllegalStateException("unknown event-stream header type " + type);
      }
    }
    return h;
  }

  /** Encodes one frame with string headers (used by tests and the simulator side). */
  public static Buffer encode(Map<String, String> headers, byte[] payload) {
    Buffer hb = Buffer.buffer();
    for (Map.Entry<String, String> e : headers.entrySet()) {
      byte[] n = e.getKey().getBytes(StandardCharsets.UTF_8);
      byte[] v = e.getValue().getBytes(StandardCharsets.UTF_8);
      hb.appendByte((byte) n.length).appendBytes(n).appendByte((byte) 7).appendShort((short) v.length).appendBytes(v);
    }
    int total = 12 + hb.length() + payload.length + 4;
    Buffer f = Buffer.buffer(total).appendInt(total).appendInt(hb.length());
    f.appendInt((int) crc(f.getBytes(), 0, 8));
    f.appendBuffer(hb).appendBytes(payload);
    f.appendInt((int) crc(f.getBytes(), 0, f.length()));
    return f;
  }
}
