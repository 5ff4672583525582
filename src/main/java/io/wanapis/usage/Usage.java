package io.wanapis.usage;

/**
 * Token usage of one request in the gateway's own terms (OpenAI's): {@code inputTokens} counts
 * every prompt token, cached ones included; {@code cachedTokens} are the cache reads among them
 * and {@code cacheWriteTokens} the tokens written to a prompt cache (Anthropic bills those apart).
 * -1 means unknown. {@code estimated} is set when the gateway counted instead of the upstream.
 */
public record Usage(long inputTokens, long outputTokens, long cachedTokens, long reasoningTokens, long cacheWriteTokens,
    boolean estimated) {
  public static final Usage UNKNOWN = new Usage(-1, -1, -1, -1, -1, false);

  public Usage(long inputTokens, long outputTokens, long cachedTokens, long reasoningTokens, boolean estimated) {
    this(inputTokens, outputTokens, cachedTokens, reasoningTokens, -1, estimated);
  }

  public boolean known() {
    return inputTokens >= 0 || outputTokens >= 0;
  }

  /** Field by field: the other's value where this one is unknown (for usage reported in parts). */
  public Usage orElse(Usage other) {
    return new Usage(pick(inputTokens, other.inputTokens), pick(outputTokens, other.outputTokens),
        pick(cachedTokens, other.cachedTokens), pick(reasoningTokens, other.reasoningTokens),
        pick(cacheWriteTokens, other.cacheWriteTokens), estimated || other.estimated);
  }

  private static long pick(long a, long b) {
    return a >= 0 ? a : b;
  }

  static long nz(long v) {
    return Math.max(v, 0);
  }
}
