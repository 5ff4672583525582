package io.wanapis.canonical;

/** auto (model decides), none, required (any tool), or one named tool. */
public record ToolChoice(Kind kind, String name) {
  public enum Kind { AUTO, NONE, REQUIRED, NAMED }

  public static final ToolChoice AUTO = new ToolChoice(Kind.AUTO, null);
  public static final ToolChoice NONE = new ToolChoice(Kind.NONE, null);
  public static final ToolChoice REQUIRED = new ToolChoice(Kind.REQUIRED, null);
}
