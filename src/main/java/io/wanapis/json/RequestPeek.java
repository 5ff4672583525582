package io.wanapis.json;

/**
 * What the gateway needs to know about a request body without building a tree of it: the model
 * and where its value sits (so it can be replaced in place), whether it streams, whether the
 * client asked for the usage chunk, and which required fields are present.
 *
 * <p>{@code maxTokens} is max_tokens (or max_completion_tokens), 0 when absent. Spans are byte offsets {@code [start, end)} into the original body, or -1 when absent.
 */
public record RequestPeek(
    String model,
    int modelStart,
    int modelEnd,
    boolean stream,
    boolean streamUsageRequested,
    int streamOptionsStart,
    int streamOptionsEnd,
    int objectStart,
    boolean hasMessages,
    boolean hasPrompt,
    boolean hasInput,
    boolean hasMaxTokens,
    String user,
    int maxTokens) {

  public boolean hasStreamOptions() {
    return streamOptionsStart >= 0;
  }
}
