package io.wanapis.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanapis.usage.TokenCounter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PromptTokensTest {
  static long count(String json) {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    return PromptTokens.count(b, b.length);
  }

  @Test
  void countsTheTextsAndThreeTokensPerMessageNotTheJsonSyntax() {
    String sys = "You are a careful assistant who answers in one short sentence.";
    String user = "What is the capital of France?";
    long n = count("{\"model\":\"gpt-4o-mini\",\"max_tokens\":50,\"messages\":[{\"role\":\"system\",\"content\":\"" + sys
        + "\"},{\"role\":\"user\",\"content\":\"" + user + "\"}]}");
    long expected = TokenCounter.countQuick(sys) + TokenCounter.countQuick(user) + TokenCounter.countQuick("system") + TokenCounter.countQuick("user") + 2 * 3;
    assertThat(n).isEqualTo(expected);
    // what OpenAI bills for such a request is within a few tokens of this (its format adds ~3 per message + 3)
    assertThat(n).isBetween(20L, 40L);
  }

  @Test
  void repeatedTextsCountTheSameFromTheCacheAndInlineMediaIsAFixedAmount() {
    String history = "The quick brown fox jumps over the lazy dog. ".repeat(40);
    String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + history + "\"}]}";
    long first = count(body);
    long again = count(body);
    assertThat(again).isEqualTo(first).isEqualTo(TokenCounter.countQuick(history) + TokenCounter.countQuick("user") + 3);
    String image = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,"
        + "A".repeat(50_000) + "\"}}]}]}";
    assertThat(count(image)).isLessThan(PromptTokens.INLINE_MEDIA_TOKENS + 20).isGreaterThanOrEqualTo(PromptTokens.INLINE_MEDIA_TOKENS);
  }

  @Test
  void aHugeNewTextIsEstimatedFromItsBytesAndUnreadableJsonFallsBack() {
    String big = "word ".repeat(10_000); // 50,000 chars: over the tokenizing limit
    long n = count("{\"messages\":[{\"role\":\"user\",\"content\":\"" + big + "\"}]}");
    assertThat(n).isBetween(50_000L / 3, 50_000L / 3 + 20);
    assertThat(count("{not json")).isEqualTo("{not json".length() / 3);
  }

  @Test
  void fastModeEstimatesANewTextFromItsBytesAndTokenizesItWhenItComesAgain() {
    String text = "A brand new question nobody has asked before, about the history of tokenizers " + System.nanoTime();
    String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    long first = PromptTokens.count(b, b.length, true);
    long exact = TokenCounter.countQuick(text) + TokenCounter.countQuick("user") + 3;
    assertThat(first).isEqualTo(text.length() / 3 + 1 + PromptTokens.countText("user", false) + 3);
    assertThat(first).isGreaterThan(exact); // English: a third of the bytes over-counts
    assertThat(PromptTokens.count(b, b.length, true)).isEqualTo(exact); // seen again: the tokenizer's count
  }

  @Test
  void onlyTextsThatRepeatAreCachedAndEveryCountIsTheTokenizers() {
    // one-off questions must not fill the cache; a system prompt sent again must be served from it
    String once = "A question asked exactly once " + System.nanoTime();
    String twice = "A system prompt that every request repeats " + System.nanoTime();
    assertThat(PromptTokens.countText(once, false)).isEqualTo(TokenCounter.countQuick(once));
    assertThat(PromptTokens.cached(once)).isFalse();
    assertThat(PromptTokens.countText(twice, false)).isEqualTo(TokenCounter.countQuick(twice));
    assertThat(PromptTokens.countText(twice, false)).isEqualTo(TokenCounter.countQuick(twice));
    assertThat(PromptTokens.cached(twice)).isTrue();
    assertThat(PromptTokens.countText(twice, false)).isEqualTo(TokenCounter.countQuick(twice));
    // many other texts in between do not make the cached one wrong
    for (int i = 0; i < 10_000; i++) PromptTokens.countText("filler " + i + " " + once, true);
    assertThat(PromptTokens.countText(twice, false)).isEqualTo(TokenCounter.countQuick(twice));
  }
}
