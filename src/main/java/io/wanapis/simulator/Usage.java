package io.wanapis.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Usage objects in the shapes OpenAI returns them. */
final class Usage {

  private Usage() {}

  /** Chat usage with the detail objects the real API always includes (all zero here: no cache, audio, reasoning). */
  static ObjectNode chat(int promptTokens, int completionTokens) {
    ObjectNode usage = legacy(promptTokens, completionTokens);
    ObjectNode prompt = usage.putObject("prompt_tokens_details");
    prompt.put("cached_tokens", 0);
    prompt.put("audio_tokens", 0);
    ObjectNode completion = usage.putObject("completion_tokens_details");
    completion.put("reasoning_tokens", 0);
    completion.put("audio_tokens", 0);
    completion.put("accepted_prediction_tokens", 0);
    completion.put("rejected_prediction_tokens", 0);
    return usage;
  }

  /** The plain usage of {@code /v1/completions}. */
  static ObjectNode legacy(int promptTokens, int completionTokens) {
    ObjectNode usage = Json.object();
    usage.put("prompt_tokens", promptTokens);
    usage.put("completion_tokens", completionTokens);
    usage.put("total_tokens", promptTokens + completionTokens);
    return usage;
  }

  static ObjectNode embeddings(int promptTokens) {
    ObjectNode usage = Json.object();
    usage.put("prompt_tokens", promptTokens);
    usage.put("total_tokens", promptTokens);
    return usage;
  }
}
