package io.wanapis.ingress;

import io.vertx.core.http.HttpServerRequest;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Reads a request body into one byte array, refusing it as soon as it passes the limit (by its
 * declared length up front, or by counting when it is chunked) so an oversized upload is never
 * held in memory.
 */
public final class BodyReader {
  /** The body bytes and how many of them are valid. */
  public record Body(byte[] bytes, int length) {}

  private BodyReader() {}

  public static void read(HttpServerRequest req, long limit, Consumer<Body> onBody, Runnable onTooLarge) {
    String declared = req.getHeader("content-length");
    int initial = 1024;
    if (declared != null) {
      try {
        long n = Long.parseLong(declared.trim());
        if (n > limit) {
          onTooLarge.run();
          return;
        }
        initial = (int) Math.max(16, n);
      } catch (NumberFormatException ignored) {
        // a bad header is the HTTP codec's business; count instead
      }
    }
    final byte[][] buf = {new byte[initial]};
    final int[] len = {0};
    final boolean[] refused = {false};
    req.handler(chunk -> {
      if (refused[0]) return;
      int n = chunk.length();
      if ((long) len[0] + n > limit) {
        refused[0] = true;
        onTooLarge.run();
        return;
      }
      if (len[0] + n > buf[0].length) buf[0] = Arrays.copyOf(buf[0], Math.max(buf[0].length * 2, len[0] + n));
      chunk.getBytes(0, n, buf[0], len[0]);
      len[0] += n;
    });
    req.endHandler(v -> {
      if (!refused[0]) onBody.accept(new Body(buf[0], len[0]));
    });
  }
}
