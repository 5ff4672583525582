package io.wanapis.canonical;

/** Why generation ended, mapped to each protocol's word by its codec. */
public enum StopReason {
  END_TURN, MAX_TOKENS, STOP_SEQUENCE, TOOL_USE, CONTENT_FILTER, PAUSE, REFUSAL, ERROR;

  public String openAi() {
    return switch (this) {
      case END_TURN, STOP_SEQUENCE, PAUSE, ERROR -> "stop";
      case MAX_TOKENS -> "length";
      case TOOL_USE -> "tool_calls";
      case CONTENT_FILTER, REFUSAL -> "content_filter";
    };
  }

  public static StopReason fromOpenAi(String s) {
    if (s == null) return END_TURN;
    return switch (s) {
      case "length" -> MAX_TOKENS;
      case "tool_calls", "function_call" -> TOOL_USE;
      case "content_filter" -> CONTENT_FILTER;
      default -> END_TURN;
    };
  }

  public String anthropic() {
    return switch (this) {
      case END_TURN, ERROR, CONTENT_FILTER -> "end_turn";
      case MAX_TOKENS -> "max_tokens";
      case STOP_SEQUENCE -> "stop_sequence";
      case TOOL_USE -> "tool_use";
      case PAUSE -> "pause_turn";
      case REFUSAL -> "refusal";
    };
  }

  public static StopReason fromAnthropic(String s) {
    if (s == null) return END_TURN;
    return switch (s) {
      case "max_tokens", "model_context_window_exceeded" -> MAX_TOKENS;
      case "stop_sequence" -> STOP_SEQUENCE;
      case "tool_use" -> TOOL_USE;
      case "pause_turn" -> PAUSE;
      case "refusal" -> REFUSAL;
      default -> END_TURN;
    };
  }
}
