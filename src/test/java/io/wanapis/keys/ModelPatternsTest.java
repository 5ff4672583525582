package io.wanapis.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ModelPatternsTest {
  @Test
  void namesAndGlobs() {
    ModelPatterns p = new ModelPatterns(List.of("gpt-4o*", "openai/*", "o3-mini", "claude-*-sonnet", "*-embed"));
    assertThat(p.allows("gpt-4o")).isTrue();
    assertThat(p.allows("gpt-4o-mini")).isTrue();
    assertThat(p.allows("gpt-4")).isFalse();
    assertThat(p.allows("openai/gpt-4.1")).isTrue();
    assertThat(p.allows("openai")).isFalse();
    assertThat(p.allows("azure/openai/x")).isFalse();
    assertThat(p.allows("o3-mini")).isTrue();
    assertThat(p.allows("o3-mini-high")).isFalse();
    assertThat(p.allows("claude-3-7-sonnet")).isTrue();
    assertThat(p.allows("claude-sonnet")).isFalse();
    assertThat(p.allows("nomic-embed")).isTrue();
    assertThat(new ModelPatterns(List.of()).allows("gpt-4o")).isFalse();
    assertThat(ModelPatterns.ANY.allows("anything/at/all")).isTrue();
  }

  @Test
  void agreesWithRegularExpressionsOnRandomInputs() {
    Random r = new Random(42);
    String alphabet = "ab-/";
    for (int i = 0; i < 5000; i++) {
      String pattern = random(r, "ab-/*", 1 + r.nextInt(6));
      String name = random(r, alphabet, r.nextInt(8));
      String regex = java.util.Arrays.stream(pattern.split("\\*", -1)).map(java.util.regex.Pattern::quote)
          .reduce((x, y) -> x + ".*" + y).orElse("");
      assertThat(new ModelPatterns(List.of(pattern)).allows(name)).as("%s vs %s", pattern, name).isEqualTo(name.matches(regex));
    }
  }

  private static String random(Random r, String alphabet, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    return sb.toString();
  }
}
