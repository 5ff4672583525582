package io.wanapis.simulator;

import java.util.concurrent.ThreadLocalRandom;

/** Random identifiers in the shapes the providers use. */
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

  /** Anthropic message ids: {@code msg_01} and 22 letters or digits. */
  static String anthropicMessage() {
    return "msg_01" + random(ALNUM, 22);
  }

  /** Anthropic tool-use ids: {@code toolu_} and 24 letters or digits (the recorded ones start with 01). */
  static String anthropicToolUse() {
    return "toolu_01" + random(ALNUM, 22);
  }

  /** Anthropic request ids, e.g. {@code req_011Ca7jT9AHpgXgdv8igm4z9}. */
  static String anthropicRequest() {
    return "req_011C" + random(ALNUM, 20);
  }

  /** Bedrock tool-use ids: {@code tooluse_} and 22 URL-safe base64 characters. */
  static String bedrockToolUse() {
    return "tooluse_" + random(ALNUM + "_-", 22);
  }

  /** Gemini {@code responseId}s: 23 URL-safe base64 characters. */
  static String geminiResponse() {
    return random(ALNUM + "_-", 23);
  }

  /** Azure's {@code apim-request-id}: a UUID. */
  static String uuid() {
    return java.util.UUID.randomUUID().toString();
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
