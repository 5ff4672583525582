package io.wanapis.providers;

import io.wanapis.config.ProviderType;
import io.wanapis.providers.anthropic.AnthropicAdapter;
import io.wanapis.providers.bedrock.BedrockAdapter;
import io.wanapis.providers.gemini.GeminiAdapter;
import io.wanapis.providers.openai.OpenAiCompatibleAdapter;

/** The adapter for each provider type: one protocol, one folder. */
public final class Adapters {
  private static final ProviderAdapter OPENAI = new OpenAiCompatibleAdapter();
  private static final ProviderAdapter ANTHROPIC = new AnthropicAdapter();
  private static final ProviderAdapter GEMINI = new GeminiAdapter();

  private Adapters() {}

  public static ProviderAdapter forType(ProviderType type, io.wanapis.config.Settings.ProviderSpec spec) {
    return switch (type) {
      case ANTHROPIC -> ANTHROPIC;
      case GEMINI -> GEMINI;
      case BEDROCK -> new BedrockAdapter(spec);
      default -> OPENAI;
    };
  }
}
