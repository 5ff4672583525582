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

  static byte[] encode(List<RequestRecord> batch) {
    Writer w = new Writer(96 * batch.size() + 256);
    Map<String, Integer> index = new HashMap<>();
    List<String> table = new ArrayList<>();
    // first pass: the table of repeated strings (request ids are unique and written inline)
    String[][] refs = new String[batch.size()][];
    for (int k = 0; k < batch.size(); k++) {
      RequestRecord r = batch.get(k);
      refs[k] = refs(r);
      for (String s : refs[k]) intern(s, index, table);
      for (String t : r.tags()) intern(t, index, table);
    }
    w.b(VERSION);
    w.varint(batch.size());
    w.varint(table.size());
    for (String s : table) w.str(s);
    for (int k = 0; k < batch.size(); k++) {
      RequestRecord r = batch.get(k);
      w.fixed64(r.timestampMs());
      w.str(r.requestId() == null ? "" : JdbcUsage.cut(r.requestId(), 64));
      for (String s : refs[k]) w.varint(s == null ? 0 : index.get(s) + 1);
      w.varint(r.tags().size());
      for (String t : r.tags()) w.varint(index.get(t) + 1);
      w.varint(r.status());
      Usage u = r.usage();
      w.b((byte) ((r.stream() ? 1 : 0) | (r.cacheHit() ? 2 : 0) | (u.estimated() ? 4 : 0) | (r.costEstimated() ? 8 : 0)));
      w.zigzag(u.inputTokens());
      w.zigzag(u.outputTokens());
      w.zigzag(u.cachedTokens());
      w.zigzag(u.reasoningTokens());
      w.zigzag(u.cacheWriteTokens());
      w.fixed64(Double.doubleToRawLongBits(r.costUsd()));
      w.fixed64(Double.doubleToRawLongBits(r.latencyMs()));
      w.fixed64(Double.doubleToRawLongBits(r.ttftMs()));
      w.varint(r.attempts());
    }
    return w.bytes();
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
  private static String[] refs(RequestRecord r) {
    // cut as the row format's columns cut them, so a record reads back the same in either format
    return new String[] {JdbcUsage.cut(r.keyId(), 40), JdbcUsage.cut(r.teamId(), 40), JdbcUsage.cut(r.projectId(), 40),
        JdbcUsage.cut(r.endpoint(), 40), JdbcUsage.cut(r.model(), 200), JdbcUsage.cut(r.routedModel(), 200),
        JdbcUsage.cut(r.provider(), 100), JdbcUsage.cut(r.deployment(), 200), JdbcUsage.cut(r.variant(), 200),
        JdbcUsage.cut(r.user(), 200), JdbcUsage.cut(r.errorCode(), 100)};
  }

  private static void intern(String s, Map<String, Integer> index, List<String> table) {
    if (s != null && !index.containsKey(s)) {
      index.put(s, table.size());
      table.add(s);
    }
  }

  private static final class Writer {
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
      for (int i = 0; i < 8; i++) buf[len++] = (byte) (v >>> (8 * i));
    }

    void str(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      varint(b.length);
      room(b.length);
      System.arraycopy(b, 0, buf, len, b.length);
      len += b.length;
    }

    byte[] bytes() {
      return Arrays.copyOf(buf, len);
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
