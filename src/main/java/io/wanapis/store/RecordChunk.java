package io.wanapis.store;

import io.wanapis.usage.RequestRecord;
import io.wanapis.usage.Usage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch of usage records in one compact byte string: the ledger's default format ({@code
 * usage.ledger_format: chunks}, docs/usage.md). Every field of every record is kept; the strings
 * that repeat within a chunk (key, team, model, provider, deployment, tags…) are written once in a
 * table and referred to by number, numbers as variable-length integers.
 *
 * <p>Why not a row per record: SQLite spends 5–10 µs of CPU per inserted row of the usage table
 * on this project's 2-core machine (the row, its primary key and four indexes), which alone took
 * more than the 5 % of a gateway's throughput that metering may cost (docs/benchmarks.md). A
 * chunk costs the writer 2–3 µs of CPU per record, encoding and its share of one row included.
 *
 * <p>Layout (version 1): version byte, record count, string table (count, then length + UTF-8
 * bytes each), then per record: timestamp (8 bytes), request id (inline), references to key,
 * team, project, endpoint, model, routed model, provider, deployment, variant, end user and error
 * code (0 = null, else 1 + table index), tags (count + references), status, flags (stream, cache
 * hit, usage estimated, cost estimated), the five token counts (zigzag: -1 is "unknown"), cost,
 * latency and TTFT (8-byte doubles), attempts.
 */
final class RecordChunk {
  static final byte VERSION = 1;

  private RecordChunk() {}

  /**
   * The chunk's id: a batch retried as it was gets the same id, so the store skips it when the
   * first try did reach the database (PostgreSQL can commit and lose the answer).
   */
  static String id(List<RequestRecord> batch) {
    RequestRecord first = batch.get(0), last = batch.get(batch.size() - 1);
    return first.requestId() + "/" + batch.size() + "/" + last.requestId();
  }

  /**
   * One pass over the batch: the records go into one buffer while the string table grows, then
   * the header and the table are written in front of them. A field that holds the same string as
   * in the record before (the usual case: one key, one model, one deployment for many requests in
   * a row) reuses that record's reference without hashing the string again; the table's map is
   * asked only when it changes.
   */
  static byte[] encode(List<RequestRecord> batch) {
    int n = batch.size();
    Writer body = new Writer(80 * n + 64);
    Table table = new Table();
    for (RequestRecord r : batch) {
      body.fixed64(r.timestampMs());
      body.str(r.requestId() == null ? "" : JdbcUsage.cut(r.requestId(), 64));
      for (int i = 0; i < REFS; i++) body.varint(table.ref(i, ref(r, i)));
      body.varint(r.tags().size());
      for (String t : r.tags()) body.varint(table.ref(-1, t));
      body.varint(r.status());
      Usage u = r.usage();
      body.b((byte) ((r.stream() ? 1 : 0) | (r.cacheHit() ? 2 : 0) | (u.estimated() ? 4 : 0) | (r.costEstimated() ? 8 : 0)));
      body.zigzag(u.inputTokens());
      body.zigzag(u.outputTokens());
      body.zigzag(u.cachedTokens());
      body.zigzag(u.reasoningTokens());
      body.zigzag(u.cacheWriteTokens());
      body.fixed64(Double.doubleToRawLongBits(r.costUsd()));
      body.fixed64(Double.doubleToRawLongBits(r.latencyMs()));
      body.fixed64(Double.doubleToRawLongBits(r.ttftMs()));
      body.varint(r.attempts());
    }
    Writer out = new Writer(body.len + 32 + 48 * table.strings.size());
    out.b(VERSION);
    out.varint(n);
    out.varint(table.strings.size());
    for (String s : table.strings) out.str(s);
    out.append(body);
    return out.bytes();
  }

  /** The string table of one chunk: references are 0 for null, else 1 + the string's index. */
  private static final class Table {
    final List<String> strings = new ArrayList<>();
    private final Map<String, Integer> index = new HashMap<>();
    private final String[] last = new String[REFS];
    private final int[] lastRef = new int[REFS];

    /** @param field the field's number (its own last-string shortcut), or -1 for a tag */
    int ref(int field, String s) {
      if (s == null) return 0;
      if (field >= 0) {
        String prev = last[field];
        if (s == prev || s.equals(prev)) return lastRef[field];
      }
      Integer at = index.get(s);
      if (at == null) {
        at = strings.size();
        index.put(s, at);
        strings.add(s);
      }
      if (field >= 0) {
        last[field] = s;
        lastRef[field] = at + 1;
      }
      return at + 1;
    }
  }

  static List<RequestRecord> decode(byte[] data) {
    Reader in = new Reader(data);
    byte version = in.b();
    if (version != VERSION) throw new IllegalStateException("usage chunk of version " + version + ", this gateway reads " + VERSION);
    int n = in.varint();
    String[] table = new String[in.varint()];
    for (int i = 0; i < table.length; i++) table[i] = in.str();
    List<RequestRecord> out = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      long ts = in.fixed64();
      String requestId = in.str();
      String[] s = new String[REFS];
      for (int i = 0; i < REFS; i++) {
        int ref = in.varint();
        s[i] = ref == 0 ? null : table[ref - 1];
      }
      String[] tags = new String[in.varint()];
      for (int i = 0; i < tags.length; i++) tags[i] = table[in.varint() - 1];
      int status = in.varint();
      int flags = in.b();
      Usage u = new Usage(in.zigzag(), in.zigzag(), in.zigzag(), in.zigzag(), in.zigzag(), (flags & 4) != 0);
      double cost = Double.longBitsToDouble(in.fixed64());
      double latency = Double.longBitsToDouble(in.fixed64());
      double ttft = Double.longBitsToDouble(in.fixed64());
      int attempts = in.varint();
      out.add(new RequestRecord(ts, requestId, s[0], s[3], s[4], s[6], s[7], status, s[10], (flags & 1) != 0, u, latency, ttft,
          attempts, s[9], s[5], s[8], (flags & 2) != 0, s[1], s[2], Arrays.asList(tags), cost, (flags & 8) != 0));
    }
    return out;
  }

  private static final int REFS = 11;

  /** The referenced string fields in the order written: 0 key, 1 team, 2 project, 3 endpoint, 4 model, 5 routed model, 6 provider, 7 deployment, 8 variant, 9 user, 10 error code. */
  private static String ref(RequestRecord r, int field) {
    // cut as the row format's columns cut them, so a record reads back the same in either format
    return switch (field) {
      case 0 -> JdbcUsage.cut(r.keyId(), 40);
      case 1 -> JdbcUsage.cut(r.teamId(), 40);
      case 2 -> JdbcUsage.cut(r.projectId(), 40);
      case 3 -> JdbcUsage.cut(r.endpoint(), 40);
      case 4 -> JdbcUsage.cut(r.model(), 200);
      case 5 -> JdbcUsage.cut(r.routedModel(), 200);
      case 6 -> JdbcUsage.cut(r.provider(), 100);
      case 7 -> JdbcUsage.cut(r.deployment(), 200);
      case 8 -> JdbcUsage.cut(r.variant(), 200);
      case 9 -> JdbcUsage.cut(r.user(), 200);
      default -> JdbcUsage.cut(r.errorCode(), 100);
    };
  }

  private static final class Writer {
    private static final java.lang.invoke.VarHandle LONGS =
        java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private byte[] buf;
    private int len;

    Writer(int size) {
      buf = new byte[size];
    }

    private void room(int n) {
      if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }

    void b(byte v) {
      room(1);
      buf[len++] = v;
    }

    void varint(long v) {
      room(10);
      while ((v & ~0x7FL) != 0) {
        buf[len++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[len++] = (byte) v;
    }

    void zigzag(long v) {
      varint((v << 1) ^ (v >> 63));
    }

    void fixed64(long v) {
      room(8);
      LONGS.set(buf, len, v);
      len += 8;
    }

    void str(String s) {
      int n = s.length();
      if (n < 128) { // short and ASCII (ids, names): written as they are, no byte array made
        int i = 0;
        while (i < n && s.charAt(i) < 0x80) i++;
        if (i == n) {
          room(1 + n);
          buf[len++] = (byte) n;
          s.getBytes(0, n, buf, len); // deprecated because it drops the high byte of a char: none here
          len += n;
          return;
        }
      }
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      varint(b.length);
      room(b.length);
      System.arraycopy(b, 0, buf, len, b.length);
      len += b.length;
    }

    void append(Writer other) {
      room(other.len);
      System.arraycopy(other.buf, 0, buf, len, other.len);
      len += other.len;
    }

    byte[] bytes() {
      return len == buf.length ? buf : Arrays.copyOf(buf, len);
    }
  }

  private static final class Reader {
    private final byte[] buf;
    private int pos;

    Reader(byte[] buf) {
      this.buf = buf;
    }

    byte b() {
      return buf[pos++];
    }

    int varint() {
      return (int) varlong();
    }

    long varlong() {
      long v = 0;
      for (int shift = 0; ; shift += 7) {
        byte x = buf[pos++];
        v |= (long) (x & 0x7F) << shift;
        if (x >= 0) return v;
      }
    }

    long zigzag() {
      long v = varlong();
      return (v >>> 1) ^ -(v & 1);
    }

    long fixed64() {
      long v = 0;
      for (int i = 0; i < 8; i++) v |= (buf[pos++] & 0xFFL) << (8 * i);
      return v;
    }

    String str() {
      int n = varint();
      String s = new String(buf, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }
  }
}
