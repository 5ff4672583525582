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
 * (see {@link Doorkeeper} for why only those); only what is new in a request is tokenized. A new
 * string of more than {@value #TOKENIZE_MAX_BYTES} bytes counts a third of its bytes instead.
 *
 * <p>Why strings are recognised by a hash of their bytes in the body: making a {@code String} of
 * every text (decoding it, hashing its characters, then comparing it with the cached key) cost
 * more than the rest of the quota check. A text is named by a 64-bit hash of its JSON bytes
 * instead, and only decoded when it has to be tokenized. The hash is seeded at random per
 * process and a cached count is only taken for a text of the same byte length, so two texts
 * would share a count only by a chance collision of 64 bits and their length; even then only the
 * reservation moves, and it is settled with the real usage.
 *
 * <p>A {@code data:} URL (an inline image or audio) counts {@value #INLINE_MEDIA_TOKENS} tokens
 * instead of its base64 text; a body the parser cannot read counts a third of its bytes.
 */
public final class PromptTokens {
  static final int INLINE_MEDIA_TOKENS = 1_000;
  static final int TOKENIZE_MAX_BYTES = 32_768;
  static final int PER_MESSAGE = 3;

  // counts of texts that repeat, by hash: an entry is ~100 bytes whatever the text's length
  // the value is the text's byte length (high 32 bits) and its count (low 32 bits): a lookup whose
  // length differs is a hash collision and is not believed
  private static final Cache<Long, Long> COUNTS = Caffeine.newBuilder()
      .maximumSize(100_000)
      // maintenance (the eviction policy's bookkeeping) on the calling thread, in small steps:
      // by default it is handed to the common pool, which costs a thread wake-up every few writes
      .executor(Runnable::run)
      .build();

  private static final byte[] DATA_URL = "data:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private PromptTokens() {}

  public static long count(byte[] body, int length) {
    return count(body, length, false);
  }

  /**
   * @param fast a text seen for the first time counts a third of its bytes in the body (over-counts
   *     English and code, close for CJK) and is only tokenized when it comes again: the
   *     tokenizer's cost is then paid only for what repeats (system prompts, tools, history)
   */
  public static long count(byte[] body, int length, boolean fast) {
    long tokens = 0;
    try (JsonParser p = Json.FACTORY.createParser(body, 0, length)) {
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
          // the token starts at the opening quote
          int open = (int) p.currentTokenLocation().getByteOffset();
          tokens += countText(p, body, open + 1, length, fast);
        }
      }
    } catch (IOException | RuntimeException e) {
      return length / 3; // the ingress has already read the body as JSON; this is only a fallback
    }
    return tokens;
  }

  /** The tokens of the string whose JSON bytes start at {@code from} (after the quote); the parser is on it. */
  private static int countText(JsonParser p, byte[] body, int from, int limit, boolean fast) throws IOException {
    int end = closingQuote(body, from, limit);
    int bytes = end - from;
    if (bytes == 0) return 0;
    if (bytes > 64 && java.util.Arrays.equals(body, from, from + DATA_URL.length, DATA_URL, 0, DATA_URL.length)) return INLINE_MEDIA_TOKENS;
    long hash = hash(body, from, end);
    boolean seenBefore = Doorkeeper.seen(hash);
    if (seenBefore) {
      Long known = COUNTS.getIfPresent(hash);
      if (known != null && (int) (known >>> 32) == bytes) return (int) (long) known;
    } else if (fast) {
      return bytes / 3 + 1; // first sight in fast mode: from its bytes, tokenized if it comes again
    }
    // tokenizing a very long new string would hold the event loop: a third of its bytes
    // (over-counts English and code, close for CJK text), not cached since it is not a count
    if (bytes > TOKENIZE_MAX_BYTES) return bytes / 3;
    int n = TokenCounter.countQuick(p.getText());
    if (seenBefore) COUNTS.put(hash, ((long) bytes << 32) | n); // only texts that repeat are kept
    return n;
  }

  /** The index of the quote that ends the JSON string starting at {@code from} (escapes skipped). */
  static int closingQuote(byte[] b, int from, int limit) {
    int i = from;
    while (i < limit) {
      byte c = b[i];
      if (c == '"') return i;
      i += c == '\\' ? 2 : 1;
    }
    return limit;
  }

  /**
   * A 64-bit hash of {@code b[from, to)}: eight bytes at a time, each word mixed in with a
   * multiply and rotate (the scheme of MurmurHash/xxHash), the length and a final avalanche last.
   */
  static long hash(byte[] b, int from, int to) {
    long h = SEED ^ (to - from);
    int i = from;
    for (; i + 8 <= to; i += 8) h = mix(h, (long) LONGS.get(b, i));
    long w = 0;
    for (int k = 0; i < to; i++, k += 8) w |= (b[i] & 0xFFL) << k;
    h = mix(h, w);
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    return h ^ (h >>> 33);
  }

  // chosen per process, so texts that collide cannot be prepared in advance; a collision that
  // happens anyway must also have the same length to be taken for the other text (see COUNTS), and
  // it only moves a reservation that the real usage settles
  private static final long SEED = new java.security.SecureRandom().nextLong() | 1;

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  private static long mix(long h, long w) {
    w *= 0x87C37B91114253D5L;
    w = Long.rotateLeft(w, 31);
    w *= 0x4CF5AD432745937FL;
    return Long.rotateLeft(h ^ w, 27) * 5 + 0x52DCE729;
  }

  /** Puts a count under the hash of {@code json} as if a text of {@code bytes} bytes had it: a collision (tests). */
  static void collide(byte[] json, int bytes, int count) {
    COUNTS.put(hash(json, 0, json.length), ((long) bytes << 32) | count);
  }

  /** Whether the count of the text with these JSON bytes is in the cache (tests). */
  static boolean cached(byte[] json) {
    return COUNTS.getIfPresent(hash(json, 0, json.length)) != null;
  }

  /**
   * Which texts were seen before, so that only those enter the cache. Why: most requests carry
   * one text never seen before (the user's new question) next to texts that repeat (system
   * prompt, tools, history). Caching every text filled the cache with one-off questions: a write
   * and an eviction per request, and lookups in a large map that miss the CPU's caches (~2 µs of a
   * limited request in the gateway's profile). The doorkeeper is a table of hashes: a text whose
   * hash is in its slot has (almost surely) been seen; a collision only caches a text one sighting
   * early, a slot overwritten treats a text as new once more (tokenized again, or in fast mode
   * estimated from its bytes again).
   * Unsynchronized on purpose: a lost or torn update has the same harmless effects.
   */
  static final class Doorkeeper {
    private static final int BITS = 18;
    private static final int[] STAMPS = new int[1 << BITS]; // 1 MiB

    private Doorkeeper() {}

    /** Whether the text of this hash was seen before; marks it as seen. */
    static boolean seen(long hash) {
      int slot = (int) (hash >>> (64 - BITS));
      int stamp = (int) hash | 1; // 0 is an empty slot
      if (STAMPS[slot] == stamp) return true;
      STAMPS[slot] = stamp;
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
}
