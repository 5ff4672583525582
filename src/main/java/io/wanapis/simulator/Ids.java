package io.wanapis.simulator;

import java.util.concurrent.ThreadLocalRandom;

/** Random identifiers in the shapes OpenAI uses. */
final class Ids {

  private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final String HEX = "0123456789abcdef";

  /** A fixed fingerprint: real ones change only when OpenAI changes its backend. */
  static final String SYSTEM_FINGERPRINT = "fp_5im0la7e42";

  private Ids() {}

  static String chatCompletion() {
    return "chatcmpl-" + random(ALNUM, 29);
  }

  static String textCompletion() {
    return "cmpl-" + random(ALNUM, 29);
  }

  static String toolCall() {
    return "call_" + random(ALNUM, 24);
  }

  static String request() {
    return "req_" + random(HEX, 32);
  }

  /** The padding OpenAI adds to stream chunks so their sizes do not leak the token lengths. */
  static String obfuscation() {
    return random(LETTERS, 1 + ThreadLocalRandom.current().nextInt(15));
  }

  private static String random(String alphabet, int length) {
    var rnd = ThreadLocalRandom.current();
    var sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
