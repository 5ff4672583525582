package io.wanapis.providers.openai;

import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Copies the client headers an operator allowed ({@code forward_headers}) to the upstream.
 * Nothing else from the client goes upstream: its Authorization header holds the gateway key.
 */
final class ForwardedHeaders {
  private ForwardedHeaders() {}

  static void copy(MultiMap from, List<String> patterns, MultiMap to) {
    if (patterns.isEmpty() || from == null) return;
    for (Map.Entry<String, String> h : from) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (name.equals("authorization") || name.equals("x-api-key") || name.equals("host") || name.equals("content-length")) continue;
      for (String p : patterns) {
        boolean match = p.endsWith("*") ? name.startsWith(p.substring(0, p.length() - 1)) : name.equals(p);
        if (match) {
          to.add(name, h.getValue());
          break;
        }
      }
    }
  }
}
