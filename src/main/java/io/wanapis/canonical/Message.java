package io.wanapis.canonical;

import java.util.List;

/** One turn of the conversation. System prompts live in {@link ChatRequest#system()}. */
public record Message(Role role, List<Part> content, String name) {
  public enum Role { USER, ASSISTANT, TOOL }

  public String text() {
    StringBuilder sb = new StringBuilder();
    for (Part p : content) if (p instanceof Part.Text t) sb.append(t.text());
    return sb.toString();
  }
}
