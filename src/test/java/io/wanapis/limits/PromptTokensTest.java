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
    assertThat(first).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length / 3 + 1 + TokenCounter.countQuick("user") + 3);
    assertThat(first).isGreaterThan(exact); // English: a third of the bytes over-counts
    assertThat(PromptTokens.count(b, b.length, true)).isEqualTo(exact); // seen again: the tokenizer's count
  }

  @Test
  void onlyTextsThatRepeatAreCachedAndEveryCountIsTheTokenizers() {
    // one-off questions must not fill the cache; a system prompt sent again must be served from it
    String once = "A question asked exactly once " + System.nanoTime();
    String twice = "A system prompt that every request repeats " + System.nanoTime();
    long role = TokenCounter.countQuick("user") + 3;
    assertThat(count(userMessage(once))).isEqualTo(TokenCounter.countQuick(once) + role);
    assertThat(PromptTokens.cached(once.getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(count(userMessage(twice))).isEqualTo(TokenCounter.countQuick(twice) + role);
    assertThat(count(userMessage(twice))).isEqualTo(TokenCounter.countQuick(twice) + role);
    assertThat(PromptTokens.cached(twice.getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(count(userMessage(twice))).isEqualTo(TokenCounter.countQuick(twice) + role);
    // many other texts in between do not make the cached one wrong
    for (int i = 0; i < 10_000; i++) {
      byte[] b = userMessage("filler " + i + " " + once).getBytes(StandardCharsets.UTF_8);
      PromptTokens.count(b, b.length, true);
    }
    assertThat(count(userMessage(twice))).isEqualTo(TokenCounter.countQuick(twice) + role);
  }

  @Test
  void escapedAndNonAsciiTextsAreReadWholeAndTextsDifferingByOneByteCountApart() {
    // an escaped quote must not end the text early; the count is the tokenizer's on the decoded text
    String quoted = "She said \\\"bonjour\\\" and left; caf\u00e9 \u00fcber \\\\ path";
    String decoded = "She said \"bonjour\" and left; caf\u00e9 \u00fcber \\ path";
    for (int i = 0; i < 3; i++) { // new, then seen (cached), then from the cache
      assertThat(count(userMessage(quoted))).isEqualTo(TokenCounter.countQuick(decoded) + TokenCounter.countQuick("user") + 3);
    }
    String a = "Tell me about the number 1000000000000000000000000000001";
    String b = "Tell me about the number 1000000000000000000000000000002";
    long na = TokenCounter.countQuick(a), nb = TokenCounter.countQuick(b);
    for (int i = 0; i < 3; i++) {
      assertThat(count(userMessage(a))).isEqualTo(na + TokenCounter.countQuick("user") + 3);
      assertThat(count(userMessage(b))).isEqualTo(nb + TokenCounter.countQuick("user") + 3);
    }
    // lengths around the 8-byte steps of the hash name different texts
    java.util.Set<Long> hashes = new java.util.HashSet<>();
    for (int len = 0; len < 40; len++) {
      for (char c = 'a'; c <= 'c'; c++) {
        byte[] t = ("x".repeat(len) + c).getBytes(StandardCharsets.UTF_8);
        assertThat(hashes.add(PromptTokens.hash(t, 0, t.length))).isTrue();
      }
    }
  }

  @Test
  void aCachedCountUnderTheSameHashIsNotBelievedForATextOfAnotherLength() {
    String text = "A text whose hash another, shorter text happens to share " + System.nanoTime();
    byte[] json = text.getBytes(StandardCharsets.UTF_8);
    long role = TokenCounter.countQuick("user") + 3;
    count(userMessage(text)); // first sight: not cached
    PromptTokens.collide(json, 5, 2); // a 5-byte text of 2 tokens under the same hash
    assertThat(count(userMessage(text))).isEqualTo(TokenCounter.countQuick(text) + role);
    PromptTokens.collide(json, json.length, 2); // the same length: taken for that text (settled with the real usage later)
    assertThat(count(userMessage(text))).isEqualTo(2 + role);
  }

  private static String userMessage(String jsonText) {
    return "{\"messages\":[{\"role\":\"user\",\"content\":\"" + jsonText + "\"}]}";
  }
}
