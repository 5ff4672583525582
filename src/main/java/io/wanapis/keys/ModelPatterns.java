package io.wanapis.keys;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A key's allowed models, compiled once: exact names in a hash set, glob patterns ({@code *} =
 * any run of characters, '/' included, so {@code openai/*} and {@code gpt-4o*} both work) as
 * segment lists matched without regular expressions.
 */
public final class ModelPatterns {
  public static final ModelPatterns ANY = new ModelPatterns(List.of("*"));

  private final List<String> source;
  private final Set<String> exact = new HashSet<>();
  private final List<String[]> globs = new ArrayList<>();
  private final boolean any;

  public ModelPatterns(List<String> patterns) {
    this.source = List.copyOf(patterns);
    boolean all = false;
    for (String p : patterns) {
      if (p.equals("*")) all = true;
      else if (p.indexOf('*') >= 0) globs.add(p.split("\\*", -1));
      else exact.add(p);
    }
    this.any = all;
  }

  public List<String> source() { return source; }

  public boolean allows(String model) {
    if (any || exact.contains(model)) return true;
    for (String[] g : globs) if (matches(g, model)) return true;
    return false;
  }

  /** {@code parts} are the pieces between '*'s: first must be a prefix, last a suffix, the rest in order. */
  private static boolean matches(String[] parts, String s) {
    String first = parts[0];
    String last = parts[parts.length - 1];
    if (!s.startsWith(first)) return false;
    if (s.length() - first.length() < last.length() || !s.endsWith(last)) return false;
    int pos = first.length();
    int end = s.length() - last.length();
    for (int i = 1; i < parts.length - 1; i++) {
      int at = s.indexOf(parts[i], pos);
      if (at < 0 || at + parts[i].length() > end) return false;
      pos = at + parts[i].length();
    }
    return true;
  }

  public static void validate(List<String> patterns) {
    for (String p : patterns) {
      if (p == null || p.isBlank()) throw new IllegalArgumentException("model patterns must not be empty");
      if (p.length() > 200) throw new IllegalArgumentException("model pattern too long: " + p.substring(0, 40) + "…");
    }
  }
}
