package io.wanapis.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Virtual key secrets: {@code sk-wan-} + 43 random base62 characters (256 bits). Only SHA-256
 * hashes are stored: with that much entropy a slow password hash adds nothing, and a fast one
 * keeps the per-request check at a microsecond.
 */
public final class KeySecrets {
  public static final String PREFIX = "sk-wan-";
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final int RANDOM_CHARS = 43;
  private static final SecureRandom RANDOM = new SecureRandom();

  private KeySecrets() {}

  public static String generate() {
    StringBuilder sb = new StringBuilder(PREFIX);
    for (int i = 0; i < RANDOM_CHARS; i++) sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    return sb.toString();
  }

  /** Safe to show and store: enough to recognise a key in a list, far too little to guess it. */
  public static String displayPrefix(String secret) {
    return secret.substring(0, PREFIX.length() + 4) + "…";
  }

  public static String hash(String secret) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JDK has SHA-256
    }
  }

  /** Whether a presented string has the shape of a virtual key (cheap check before hashing). */
  public static boolean wellFormed(String s) {
    if (s.length() != PREFIX.length() + RANDOM_CHARS || !s.startsWith(PREFIX)) return false;
    for (int i = PREFIX.length(); i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')) return false;
    }
    return true;
  }

  /** Short random ids for rows: a type prefix and 16 base62 characters. */
  public static String newId(String type) {
    StringBuilder sb = new StringBuilder(type).append('_');
    for (int i = 0; i < 16; i++) sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    return sb.toString();
  }
}
