package io.wanapis.canonical;

/**
 * How much the model should think: OpenAI's {@code reasoning_effort}, Anthropic's thinking
 * budget, Gemini's thinkingConfig. Either or both may be set; adapters convert with
 * {@link #budgetTokens(int)} and {@link #effortFor(int)}.
 */
public record Reasoning(String effort, Integer budget, boolean includeThoughts) {
  /** Token budget for an effort, documented in docs/providers.md: low 1024, medium 4096, high 16384. */
  public int budgetTokens(int fallback) {
    if (budget != null) return budget;
    if (effort == null) return fallback;
    return switch (effort) {
      case "minimal" -> 1024;
      case "low" -> 1024;
      case "medium" -> 4096;
      case "high" -> 16384;
      default -> fallback;
    };
  }

  public static String effortFor(int budget) {
    if (budget <= 1024) return "low";
    if (budget <= 8192) return "medium";
    return "high";
  }
}
