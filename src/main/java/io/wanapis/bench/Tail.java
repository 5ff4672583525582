package io.wanapis.bench;

import io.vertx.core.buffer.Buffer;

/** The last bytes seen on a stream, and whether the last one ended a line. */
final class Tail {
  private static final int SIZE = 64;
  private final byte[] bytes = new byte[SIZE];
  private int len;
  private boolean atLineStart = true;

  void add(Buffer chunk) {
    int n = chunk.length();
    if (n == 0) return;
    if (n >= SIZE) {
      chunk.getBytes(n - SIZE, n, bytes, 0);
      len = SIZE;
    } else {
      int keep = Math.min(len, SIZE - n);
      System.arraycopy(bytes, len - keep, bytes, 0, keep);
      chunk.getBytes(0, n, bytes, keep);
      len = keep + n;
    }
    atLineStart = bytes[len - 1] == '\n';
  }

  boolean atLineStart() { return atLineStart; }

  boolean done() { return BenchClient.endsWithDone(bytes, len); }
}
