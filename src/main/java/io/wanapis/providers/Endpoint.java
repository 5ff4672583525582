package io.wanapis.providers;

/** The operations a provider can serve, with the field each one requires. */
public enum Endpoint {
  CHAT("chat/completions", "messages", true),
  COMPLETIONS("completions", "prompt", true),
  EMBEDDINGS("embeddings", "input", false),
  /** Anthropic Messages ({@code /v1/messages}). */
  MESSAGES("messages", "messages", true),
  /** Anthropic {@code /v1/messages/count_tokens}. */
  COUNT_TOKENS("messages/count_tokens", "messages", false);

  private final String path;
  private final String requiredField;
  private final boolean streams;

  Endpoint(String path, String requiredField, boolean streams) {
    this.path = path;
    this.requiredField = requiredField;
    this.streams = streams;
  }

  /** Path below the protocol's versioned base ({@code /v1}). */
  public String path() { return path; }
  public String requiredField() { return requiredField; }
  public boolean streams() { return streams; }
  public String id() { return name().toLowerCase(); }
}
