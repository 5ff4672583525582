package io.wanapis.sse;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import io.wanapis.testing.Fixtures;

class SseEventSplitterTest {
  private static List<SseEvent> split(byte[] all, Random r) {
    SseEventSplitter s = new SseEventSplitter();
    List<SseEvent> out = new ArrayList<>();
    int pos = 0;
    while (pos < all.length) {
      int n = r == null ? all.length : 1 + r.nextInt(Math.min(64, all.length - pos));
      n = Math.min(n, all.length - pos);
      s.feed(Buffer.buffer().appendBytes(all, pos, n), out::add);
      pos += n;
    }
    assertThat(s.pendingBytes()).isZero();
    return out;
  }

  @Test
  void splitsTheRecordedOpenAiStreamIntoItsEvents() throws Exception {
    byte[] all = Files.readAllBytes(Fixtures.path("openai/recorded/chat-stream-tool-call-include-usage.response.sse"));
    List<SseEvent> events = split(all, null);
    long dataLines = new String(all, StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("data: ")).count();
    assertThat(events).hasSize((int) dataLines);
    assertThat(events.get(events.size() - 1).isDone()).isTrue();
    // raw bytes of all events together are the input: a pass-through relay loses nothing
    Buffer joined = Buffer.buffer();
    events.forEach(e -> joined.appendBuffer(e.raw()));
    assertThat(joined.getBytes()).isEqualTo(all);
  }

  /** Property: any chunking of a recorded stream yields the same events (seeded, reproducible). */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 1234, 99991})
  void randomChunkingsGiveTheSameEvents(long seed) throws Exception {
    for (String f : List.of("openai/recorded/chat-stream-text-include-usage.response.sse",
        "gemini/recorded/stream-generate-content-text.response.sse",
        "anthropic/recorded/messages-stream-thinking.response.sse")) {
      byte[] all = Files.readAllBytes(Fixtures.path(f));
      List<SseEvent> whole = split(all, null);
      List<SseEvent> chunked = split(all, new Random(seed));
      assertThat(chunked).as("%s with seed %d", f, seed).hasSameSizeAs(whole);
      for (int i = 0; i < whole.size(); i++) {
        assertThat(chunked.get(i).data()).isEqualTo(whole.get(i).data());
        assertThat(chunked.get(i).event()).isEqualTo(whole.get(i).event());
      }
      assertThat(whole).isNotEmpty();
    }
  }

  @Test
  void handlesCrlfCommentsAndEventNames() {
    List<SseEvent> out = new ArrayList<>();
    SseEventSplitter s = new SseEventSplitter();
    s.feed(Buffer.buffer(": OPENROUTER PROCESSING\r\n\r\nevent: error\r\ndata: {\"a\":1}\r\ndata: x\r"), out::add);
    s.feed(Buffer.buffer("\n\r\n"), out::add);
    assertThat(out).hasSize(2);
    assertThat(out.get(0).data()).isNull();
    assertThat(out.get(1).event()).isEqualTo("error");
    assertThat(out.get(1).data()).isEqualTo("{\"a\":1}\nx");
  }
}
