package io.wanapis.providers;

/** The OpenAI-shaped operations a provider can serve, with the field each one requires. */
public enum Endpoint {
  CHAT("chat/completions", "messages", true),
  COMPLETIONS("completions", "prompt", true),
  EMBEDDINGS("embeddings", "input", false);

  private final String path;
  private final String requiredField;
  private final boolean streams;

  Endpoint(String path, String requiredField, boolean streams) {
    this.path = path;
    this.requiredField = requiredField;
    this.streams = streams;
  }

  /** Path below an OpenAI-style base URL (which ends in /v1). */
  public String path() { return path; }
  public String requiredField() { return requiredField; }
  public boolean streams() { return streams; }
  public String id() { return name().toLowerCase(); }
}
