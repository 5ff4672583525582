package io.wanapis.usage;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

/**
 * Counts tokens where no upstream does (Anthropic's count_tokens for non-Anthropic models, and
 * estimates when a stream reports no usage). Uses OpenAI's o200k_base encoding: exact for
 * current OpenAI models, an estimate for others. Loading the encoding takes a few hundred ms,
 * so {@link #warmUp()} is called off the event loop at start.
 */
public final class TokenCounter {
  private static volatile Encoding encoding;

  private TokenCounter() {}

  public static void warmUp() {
    encoding();
  }

  public static int count(String text) {
    if (text == null || text.isEmpty()) return 0;
    return encoding().countTokensOrdinary(text);
  }

  private static Encoding encoding() {
    Encoding e = encoding;
    if (e == null) {
      synchronized (TokenCounter.class) {
        if (encoding == null) encoding = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
        e = encoding;
      }
    }
    return e;
  }
}
