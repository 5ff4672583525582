package io.wanapis.limits;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.wanapis.json.Json;
import io.wanapis.usage.TokenCounter;
import java.io.IOException;

/**
 * The prompt tokens of a request body for a TPM reservation, counted with the cl100k tokenizer ({@link io.wanapis.usage.TokenCounter#countQuick})
 * over the body's string values (message texts, system prompt, tool descriptions and schemas'
 * strings), plus 3 tokens per message as OpenAI's chat format adds. Numbers, booleans and JSON
 * syntax are not prompt tokens, so this is closer to what the model counts than tokenizing the
 * whole body.
 *
 * <p>Why a cache: the tokenizer costs about 0.05 µs per byte on the event loop, the largest single
 * cost of a limited request. Applications resend the same system prompt, tool definitions and
 * conversation history with every turn, so the count of each string that repeats is kept
 * (bounded by total characters; see {@link Doorkeeper} for why only those); only what is new in a
 * request is tokenized. A new string longer than
 * {@value #TOKENIZE_MAX_CHARS} characters counts a third of its UTF-8 bytes instead.
 *
 * <p>A {@code data:} URL (an inline image or audio) counts {@value #INLINE_MEDIA_TOKENS} tokens
 * instead of its base64 text; a body the parser cannot read counts a third of its bytes.
 */
public final class PromptTokens {
  static final int INLINE_MEDIA_TOKENS = 1_000;
  static final int TOKENIZE_MAX_CHARS = 32_768;
  static final int PER_MESSAGE = 3;

  private static final Cache<String, Integer> COUNTS = Caffeine.newBuilder()
      .maximumWeight(8_000_000) // characters kept, ~16 MB
      .weigher((String k, Integer v) -> k.length())
      // maintenance (the eviction policy's bookkeeping) on the calling thread, in small steps:
      // by default it is handed to the common pool, which costs a thread wake-up every few
      // writes, and every request of varied traffic writes one new text
      .executor(Runnable::run)
      .build();

  private PromptTokens() {}

  public static long count(byte[] body, int length) {
    return count(body, length, false);
  }

  /**
   * @param fast a text seen for the first time counts a third of its UTF-8 bytes (over-counts
   *     English and code, close for CJK) and is only tokenized when it comes again: the
   *     tokenizer's cost is then paid only for what repeats (system prompts, tools, history)
   */
  public static long count(byte[] body, int length, boolean fast) {
    long tokens = 0;
    try (JsonParser p = Json.MAPPER.getFactory().createParser(body, 0, length)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.VALUE_STRING) {
          String name = p.currentName();
          if ("model".equals(name)) continue;
          if ("role".equals(name)) {
            tokens += PER_MESSAGE;
            int known = Roles.count(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            if (known >= 0) {
              tokens += known;
              continue;
            }
          }
          tokens += countText(p.getText(), fast);
        }
      }
    } catch (IOException | RuntimeException e) {
      return length / 3; // the ingress has already read the body as JSON; this is only a fallback
    }
    return tokens;
  }

  static int countText(String s, boolean fast) {
    if (s.isEmpty()) return 0;
    if (s.length() > 64 && s.startsWith("data:")) return INLINE_MEDIA_TOKENS;
    boolean seenBefore = Doorkeeper.seen(s);
    if (seenBefore) {
      Integer known = COUNTS.getIfPresent(s);
      if (known != null) return known;
    } else if (fast) {
      return utf8Length(s) / 3 + 1; // first sight in fast mode: from its bytes, tokenized if it comes again
    }
    // tokenizing a very long new string would hold the event loop: a third of its UTF-8 bytes
    // (over-counts English and code, close for CJK text), not cached since it is not a count
    if (s.length() > TOKENIZE_MAX_CHARS) return utf8Length(s) / 3;
    int n = TokenCounter.countQuick(s);
    if (seenBefore) COUNTS.put(s, n); // only texts that repeat are kept
    return n;
  }

  /** Whether the count of {@code s} is in the cache (tests). */
  static boolean cached(String s) {
    return COUNTS.getIfPresent(s) != null;
  }

  /**
   * Which texts were seen before, so that only those enter the cache. Why: most requests carry
   * one text never seen before (the user's new question) next to texts that repeat (system
   * prompt, tools, history). Caching every text filled the cache with one-off questions: a write
   * and an eviction per request, and lookups in a map of ~160,000 entries that miss the CPU's
   * caches (~2 µs of a limited request in the gateway's profile). The doorkeeper is a table of
   * hashes: a text whose hash is in its slot has (almost surely) been seen; a collision only
   * caches a text one sighting early, a slot overwritten treats a text as new once more (tokenized
   * again, or in fast mode estimated from its bytes again).
   * Unsynchronized on purpose: a lost or torn update has the same harmless effects.
   */
  static final class Doorkeeper {
    private static final int SLOTS = 1 << 18; // 1 MiB
    private static final int[] HASHES = new int[SLOTS];

    private Doorkeeper() {}

    /** Whether {@code s} was seen before; marks it as seen. */
    static boolean seen(String s) {
      int h = s.hashCode();
      int spread = h ^ (h >>> 16);
      int slot = (spread * 0x9E3779B9) >>> (32 - 18);
      int stamp = h == 0 ? 1 : h; // 0 is an empty slot
      if (HASHES[slot] == stamp) return true;
      HASHES[slot] = stamp;
      return false;
    }
  }

  /**
   * The usual role names and their tokens: a message's role is one of a few words, so it is
   * matched in the parser's buffer (no string, no cache lookup per message) and counted exactly,
   * also in fast mode.
   */
  private static final class Roles {
    private static final char[][] NAMES = {"system".toCharArray(), "user".toCharArray(), "assistant".toCharArray(),
        "developer".toCharArray(), "tool".toCharArray(), "function".toCharArray()};
    private static final int[] COUNTS = new int[NAMES.length];

    static {
      for (int i = 0; i < NAMES.length; i++) COUNTS[i] = TokenCounter.countQuick(new String(NAMES[i]));
    }

    /** The tokens of the role in {@code buf[off, off + len)}, or -1 when it is not a usual one. */
    static int count(char[] buf, int off, int len) {
      for (int i = 0; i < NAMES.length; i++) {
        char[] n = NAMES[i];
        if (n.length == len && java.util.Arrays.equals(n, 0, len, buf, off, off + len)) return COUNTS[i];
      }
      return -1;
    }
  }

  static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
    }
    return n;
  }
}
