package io.wanapis.pipeline;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids: {@code req_} + 24 hex digits, the first 12 the creation time in milliseconds since
 * the epoch and the last 12 random (48 bits: unique within a millisecond across instances in
 * practice).
 *
 * <p>Why time first: the id is the usage ledger's primary key. Random ids put every new row in a
 * random leaf of the key's B-tree, so a batch of 500 rows dirtied ~500 pages; SQLite spent 30–40
 * µs of CPU per row on that here, against 7–8 µs for ids that grow with time, whose rows land in
 * the last few pages (measured on the 2-vCPU machine, docs/benchmarks.md). Ids also sort by time
 * in logs.
 */
public final class RequestIds {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private RequestIds() {}

  public static String next() {
    return of(System.currentTimeMillis(), ThreadLocalRandom.current().nextLong());
  }

  static String of(long epochMillis, long random) {
    char[] c = new char[28];
    c[0] = 'r'; c[1] = 'e'; c[2] = 'q'; c[3] = '_';
    for (int i = 0; i < 12; i++) c[4 + i] = HEX[(int) (epochMillis >>> ((11 - i) * 4)) & 15];
    for (int i = 0; i < 12; i++) c[16 + i] = HEX[(int) (random >>> (i * 4)) & 15];
    return new String(c);
  }
}
