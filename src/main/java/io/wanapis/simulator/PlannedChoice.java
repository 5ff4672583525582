package io.wanapis.simulator;

/**
 * What one choice of a chat answer will contain, decided before anything is sent so the streamed and the
 * non-streamed form of the same request carry the same text and the same usage.
 *
 * @param pieces       text pieces (one token each) or, for a tool call, the argument fragments
 * @param toolCallId   {@code call_...} id, or {@code null} for a text answer
 * @param functionName the called function, or {@code null} for a text answer
 */
record PlannedChoice(int index, Tokenizer.Pieces pieces, String toolCallId, String functionName, String finishReason,
    int completionTokens) {

  boolean isToolCall() {
    return toolCallId != null;
  }

  String content() {
    return pieces.joined();
  }
}
