package io.wanapis.pipeline;

import java.util.concurrent.ThreadLocalRandom;

/** Request ids: {@code req_} + 24 hex digits; random enough to be unique, cheap to make. */
public final class RequestIds {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private RequestIds() {}

  public static String next() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    char[] c = new char[28];
    c[0] = 'r'; c[1] = 'e'; c[2] = 'q'; c[3] = '_';
    long a = r.nextLong(), b = r.nextLong();
    for (int i = 0; i < 16; i++) c[4 + i] = HEX[(int) (a >>> (i * 4)) & 15];
    for (int i = 0; i < 8; i++) c[20 + i] = HEX[(int) (b >>> (i * 4)) & 15];
    return new String(c);
  }
}
