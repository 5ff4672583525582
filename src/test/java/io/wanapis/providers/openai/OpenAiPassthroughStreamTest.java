package io.wanapis.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanapis.testing.Fixtures;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class OpenAiPassthroughStreamTest {
  private static final String FIXTURE = "openai/recorded/chat-stream-tool-call-include-usage.response.sse";

  private static String relay(boolean clientWantsUsage, OpenAiPassthroughStream[] holder) throws Exception {
    byte[] all = Files.readAllBytes(Fixtures.path(FIXTURE));
    OpenAiPassthroughStream s = new OpenAiPassthroughStream(clientWantsUsage);
    holder[0] = s;
    Buffer out = Buffer.buffer();
    for (int i = 0; i < all.length; i += 97) {
      s.onChunk(Buffer.buffer().appendBytes(all, i, Math.min(97, all.length - i)), out::appendBuffer);
    }
    return out.toString();
  }

  @Test
  void keepsEverythingWhenTheClientAskedForUsage() throws Exception {
    OpenAiPassthroughStream[] s = new OpenAiPassthroughStream[1];
    String out = relay(true, s);
    assertThat(out).isEqualTo(Files.readString(Fixtures.path(FIXTURE)));
    assertThat(s[0].completed()).isTrue();
    assertThat(s[0].usage().inputTokens()).isEqualTo(53);
    assertThat(s[0].usage().outputTokens()).isEqualTo(15);
    assertThat(s[0].usage().cachedTokens()).isZero();
  }

  @Test
  void dropsTheUsageChunkTheGatewayAddedButStillMeters() throws Exception {
    OpenAiPassthroughStream[] s = new OpenAiPassthroughStream[1];
    String out = relay(false, s);
    assertThat(out).doesNotContain("\"choices\":[],\"usage\"");
    assertThat(out).contains("\"finish_reason\":\"tool_calls\"").endsWith("data: [DONE]\n\n");
    assertThat(s[0].usage().inputTokens()).isEqualTo(53);
    assertThat(s[0].usage().outputTokens()).isEqualTo(15);
  }

  @Test
  void inStreamErrorsAreRelayedAndNoted() throws Exception {
    byte[] groq = Files.readAllBytes(Fixtures.path("openai-compatible/groq/chat-stream-tool-use-failed.response.sse"));
    OpenAiPassthroughStream s = new OpenAiPassthroughStream(false);
    Buffer out = Buffer.buffer();
    s.onChunk(Buffer.buffer(groq), out::appendBuffer);
    assertThat(s.inStreamErrorCode()).isNotNull();
    assertThat(s.completed()).isTrue();
    assertThat(out.toString()).contains("error");
  }
}
