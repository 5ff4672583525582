package io.wanapis.usage;

import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;

/**
 * Request tags for usage analysis. {@code x-wanapis-tags: team-a, feature:search} gives two tags;
 * the body's {@code metadata} string fields add {@code key:value} tags. At most {@link #MAX} tags
 * of at most {@link #MAX_LENGTH} characters each, so a client cannot blow up the ledger.
 */
public final class Tags {
  public static final String HEADER = "x-wanapis-tags";
  static final int MAX = 16;
  static final int MAX_LENGTH = 64;

  private Tags() {}

  public static List<String> of(MultiMap headers, List<String> fromBody) {
    List<String> out = new ArrayList<>();
    String h = headers == null ? null : headers.get(HEADER);
    if (h != null) {
      for (String t : h.split(",")) {
        String c = clean(t);
        if (!c.isEmpty() && !out.contains(c)) out.add(c);
      }
    }
    for (String t : fromBody) if (!t.isEmpty() && !out.contains(t)) out.add(t);
    return out.size() > MAX ? List.copyOf(out.subList(0, MAX)) : out;
  }

  /** Trimmed, control characters and commas removed, cut to {@link #MAX_LENGTH}. */
  static String clean(String t) {
    StringBuilder sb = new StringBuilder();
    for (char c : t.trim().toCharArray()) if (c >= 0x20 && c != ',' && c != 0x7f) sb.append(c);
    return sb.length() > MAX_LENGTH ? sb.substring(0, MAX_LENGTH) : sb.toString();
  }
}
