package io.wanapis.usage;

/**
 * Token usage of one request as the upstream reported it (or as estimated, see {@code estimated}).
 * -1 means unknown.
 */
public record Usage(long inputTokens, long outputTokens, long cachedTokens, long reasoningTokens, boolean estimated) {
  public static final Usage UNKNOWN = new Usage(-1, -1, -1, -1, false);

  public boolean known() {
    return inputTokens >= 0 || outputTokens >= 0;
  }
}
