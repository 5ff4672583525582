package io.wanapis.bench;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the bench clients share: the request they send and a few byte helpers. */
final class BenchClient {
  /** A prompt whose simulated answer is 38 tokens (the simulator quotes up to 80 characters of it). */
  static final String PROMPT = "Tell me a long story about a lighthouse keeper who counts the waves every night until dawn.";

  private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DONE = "data: [DONE]".getBytes(StandardCharsets.US_ASCII);

  private BenchClient() {}

  static Buffer body(Path bodyFile, String model) throws IOException {
    if (bodyFile != null) return Buffer.buffer(Files.readAllBytes(bodyFile));
    String json = "{\"model\":\"" + model + "\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}";
    return Buffer.buffer(json);
  }

  static RequestOptions post(String url, String key) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    h.set(HttpHeaders.CONTENT_TYPE, "application/json");
    h.set(HttpHeaders.ACCEPT, "text/event-stream");
    if (key != null && !key.isEmpty()) h.set(HttpHeaders.AUTHORIZATION, "Bearer " + key);
    return new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url).setHeaders(h);
  }

  /** Whether {@code chunk} holds an SSE {@code data:} field at the start of a line; {@code atLineStart} tells whether it begins one. */
  static boolean hasDataLine(Buffer chunk, boolean atLineStart) {
    int n = chunk.length();
    for (int i = 0; i + DATA.length <= n; i++) {
      boolean lineStart = i == 0 ? atLineStart : chunk.getByte(i - 1) == '\n';
      if (lineStart && matches(chunk, i, DATA)) return true;
    }
    return false;
  }

  /** Counts {@code data:} lines in the chunk (an SSE event each, for OpenAI streams). */
  static int countDataLines(Buffer chunk, boolean atLineStart) {
    int n = chunk.length(), count = 0;
    for (int i = 0; i + DATA.length <= n; i++) {
      boolean lineStart = i == 0 ? atLineStart : chunk.getByte(i - 1) == '\n';
      if (lineStart && matches(chunk, i, DATA)) count++;
    }
    return count;
  }

  /** Whether the tail of a stream (its last bytes) holds {@code data: [DONE]}. */
  static boolean endsWithDone(byte[] tail, int len) {
    outer:
    for (int i = Math.max(0, len - 64); i + DONE.length <= len; i++) {
      for (int j = 0; j < DONE.length; j++) if (tail[i + j] != DONE[j]) continue outer;
      return true;
    }
    return false;
  }

  private static boolean matches(Buffer b, int at, byte[] what) {
    for (int j = 0; j < what.length; j++) if (b.getByte(at + j) != what[j]) return false;
    return true;
  }

  static String us(long nanos) {
    return String.valueOf(Math.round(nanos / 1000.0));
  }
}
