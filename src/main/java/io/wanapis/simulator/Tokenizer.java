package io.wanapis.simulator;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** o200k_base (the GPT-4o family's tokenizer), loaded once because loading takes a few hundred ms. */
final class Tokenizer {

  private static final Encoding O200K = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);

  private Tokenizer() {}

  static int count(String text) {
    return text == null || text.isEmpty() ? 0 : O200K.countTokensOrdinary(text);
  }

  /** Decodes token ids; ids the vocabulary does not know make it fall back to their decimal form. */
  static String decode(List<Integer> tokens) {
    var ids = new IntArrayList(tokens.size());
    tokens.forEach(ids::add);
    try {
      return O200K.decode(ids);
    } catch (RuntimeException unknownToken) {
      return tokens.toString();
    }
  }

  /**
   * Splits text into the pieces a model would stream, one token each, keeping at most {@code maxTokens}
   * tokens. A token that ends inside a multi-byte character is merged with the next one, so every piece
   * is valid text (the piece then stands for several tokens; {@link Pieces#tokens()} counts them all).
   */
  static Pieces split(String text, int maxTokens) {
    IntArrayList ids = O200K.encodeOrdinary(text);
    int kept = Math.min(ids.size(), Math.max(0, maxTokens));
    List<String> pieces = new ArrayList<>(kept);
    var pending = new ByteArrayOutputStream();
    var one = new IntArrayList(1);
    for (int i = 0; i < kept; i++) {
      one.clear();
      one.add(ids.get(i));
      pending.writeBytes(O200K.decodeBytes(one));
      byte[] bytes = pending.toByteArray();
      if (endsOnCharBoundary(bytes)) {
        pieces.add(new String(bytes, StandardCharsets.UTF_8));
        pending.reset();
      }
    }
    // a cut inside a character drops its incomplete bytes, as a client decoding the stream would
    return new Pieces(List.copyOf(pieces), kept, kept < ids.size());
  }

  /** @param truncated true when {@code maxTokens} cut the text short */
  record Pieces(List<String> texts, int tokens, boolean truncated) {
    String joined() {
      return String.join("", texts);
    }
  }

  private static boolean endsOnCharBoundary(byte[] bytes) {
    int i = bytes.length - 1;
    int continuation = 0;
    while (i >= 0 && (bytes[i] & 0xC0) == 0x80) {
      continuation++;
      i--;
    }
    if (i < 0) {
      return continuation == 0;
    }
    int lead = bytes[i] & 0xFF;
    int expected = lead < 0x80 ? 0 : lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
    return continuation >= expected;
  }
}
