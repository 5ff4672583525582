package io.wanapis.config;

import java.util.Arrays;
import java.util.Optional;

/**
 * The provider types the gateway knows, with the defaults users would otherwise look up: the
 * base URL (written the way the provider's official SDK takes it, see DESIGN.md) and the
 * environment variable that holds the key. {@code anthropic} speaks Anthropic Messages; every
 * other type speaks the OpenAI protocol.
 */
public enum ProviderType {
  OPENAI("openai", "https://api.openai.com/v1", "OPENAI_API_KEY"),
  OPENAI_COMPATIBLE("openai-compatible", null, null),
  ANTHROPIC("anthropic", "https://api.anthropic.com", "ANTHROPIC_API_KEY"),
  GEMINI("gemini", "https://generativelanguage.googleapis.com", "GEMINI_API_KEY"),
  /** Azure OpenAI: base_url is the resource endpoint, e.g. https://my-resource.openai.azure.com. */
  AZURE("azure", null, "AZURE_OPENAI_API_KEY"),
  /** base_url defaults to https://bedrock-runtime.{region}.amazonaws.com. */
  BEDROCK("bedrock", null, null),
  SIMULATOR("simulator", null, null),
  DEEPSEEK("deepseek", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY"),
  MISTRAL("mistral", "https://api.mistral.ai/v1", "MISTRAL_API_KEY"),
  GROQ("groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY"),
  TOGETHER("together", "https://api.together.xyz/v1", "TOGETHER_API_KEY"),
  FIREWORKS("fireworks", "https://api.fireworks.ai/inference/v1", "FIREWORKS_API_KEY"),
  XAI("xai", "https://api.x.ai/v1", "XAI_API_KEY"),
  OPENROUTER("openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY"),
  PERPLEXITY("perplexity", "https://api.perplexity.ai", "PERPLEXITY_API_KEY"),
  OLLAMA("ollama", "http://127.0.0.1:11434/v1", null),
  VLLM("vllm", "http://127.0.0.1:8000/v1", null),
  LMSTUDIO("lmstudio", "http://127.0.0.1:1234/v1", null);

  private final String id;
  private final String defaultBaseUrl;
  private final String keyEnvVar;

  ProviderType(String id, String defaultBaseUrl, String keyEnvVar) {
    this.id = id;
    this.defaultBaseUrl = defaultBaseUrl;
    this.keyEnvVar = keyEnvVar;
  }

  public String id() { return id; }
  public String defaultBaseUrl() { return defaultBaseUrl; }
  public String keyEnvVar() { return keyEnvVar; }

  /** True for the types served by the OpenAI-compatible adapter (Azure included: same protocol, other URLs). */
  public boolean openAiProtocol() {
    return this != ANTHROPIC && this != GEMINI && this != BEDROCK;
  }

  /** Azure's REST api-version when the config gives none ("v1" selects the version-less v1 surface). */
  public String defaultApiVersion() {
    return this == AZURE ? "2024-10-21" : null;
  }

  public static Optional<ProviderType> byId(String id) {
    String norm = id == null ? "" : id.trim().toLowerCase().replace('_', '-');
    return Arrays.stream(values()).filter(t -> t.id.equals(norm)).findFirst();
  }

  public static String knownIds() {
    return String.join(", ", Arrays.stream(values()).map(ProviderType::id).toList());
  }
}
