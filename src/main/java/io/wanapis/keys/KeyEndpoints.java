package io.wanapis.keys;

import java.util.List;
import java.util.Set;

/**
 * Endpoint permission ids. Broader than what the gateway serves today (images and audio come with
 * later work) so keys created now need no migration when those endpoints arrive.
 */
public final class KeyEndpoints {
  public static final String CHAT = "chat";
  public static final String COMPLETIONS = "completions";
  public static final String EMBEDDINGS = "embeddings";
  public static final String IMAGES = "images";
  public static final String AUDIO = "audio";
  public static final String MODELS = "models";
  public static final List<String> ALL = List.of(CHAT, COMPLETIONS, EMBEDDINGS, IMAGES, AUDIO, MODELS);

  private KeyEndpoints() {}

  public static Set<String> validate(List<String> endpoints) {
    for (String e : endpoints) {
      if (!ALL.contains(e)) throw new IllegalArgumentException("unknown endpoint '" + e + "' (known: " + String.join(", ", ALL) + ")");
    }
    return Set.copyOf(endpoints);
  }
}
