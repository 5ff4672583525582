package io.wanapis.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanapis.canonical.Nodes;
import io.wanapis.canonical.StopReason;
import io.wanapis.canonical.StreamDecoder;
import io.wanapis.canonical.StreamEvent;
import io.wanapis.errors.ApiError;
import io.wanapis.json.Json;
import io.wanapis.sse.SseEvent;
import io.wanapis.sse.SseEventSplitter;
import io.wanapis.usage.Usage;
import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * OpenAI {@code chat.completion.chunk} SSE → canonical events. Handles the compatible servers'
 * variations: {@code reasoning_content} (DeepSeek) and {@code reasoning} (Groq, OpenRouter),
 * keep-alive comments, usage on the last chunk or on every chunk, and errors sent inside the
 * stream (Groq's {@code event: error}, OpenRouter's {@code error} on a chunk).
 *
 * <p>{@code finish_reason} arrives before the usage chunk, so {@link StreamEvent.Finish} is
 * emitted at {@code [DONE]} (or at the end of the stream) with both.
 */
public final class OpenAiStreamDecoder implements StreamDecoder {
  private final String provider;
  private final SseEventSplitter splitter = new SseEventSplitter();
  private boolean started;
  private boolean completed;
  private StopReason reason;
  private Usage usage = Usage.UNKNOWN;
  /** OpenAI tool-call index → our tool index (they are the same unless a server skips numbers). */
  private final Map<Integer, Integer> toolIndexes = new HashMap<>();

  public OpenAiStreamDecoder(String provider) {
    this.provider = provider;
  }

  @Override
  public void decode(Buffer chunk, Consumer<StreamEvent> out) {
    splitter.feed(chunk, e -> onEvent(e, out));
  }

  private void onEvent(SseEvent e, Consumer<StreamEvent> out) {
    if (completed || e.data() == null) return;
    if (e.isDone()) {
      finish(out);
      return;
    }
    JsonNode c;
    try {
      c = Json.MAPPER.readTree(e.data());
    } catch (Exception ex) {
      return; // a line we cannot read is not worth failing the stream for
    }
    if (c.has("error") || "error".equals(e.event())) {
      JsonNode err = c.has("error") ? c.get("error") : c;
      String code = Nodes.text(err, "code");
      out.accept(new StreamEvent.Error(new ApiError(502, "upstream_error", code != null ? code : "upstream_stream_error",
          "Provider '" + provider + "' failed during the stream: " + Nodes.text(err, "message"), null)));
      completed = true;
      return;
    }
    if (!started) {
      started = true;
      out.accept(new StreamEvent.Start(Nodes.text(c, "id"), Nodes.text(c, "model"), null));
    }
    JsonNode u = Nodes.node(c, "usage");
    if (u != null) usage = OpenAiCodec.usage(u).orElse(usage);
    JsonNode choice = c.path("choices").path(0);
    if (choice.isMissingNode()) return;
    JsonNode d = choice.path("delta");
    String reasoning = Nodes.text(d, "reasoning_content");
    if (reasoning == null) reasoning = Nodes.text(d, "reasoning");
    if (reasoning != null && !reasoning.isEmpty()) out.accept(new StreamEvent.ThinkingDelta(reasoning));
    String content = Nodes.text(d, "content");
    if (content != null && !content.isEmpty()) out.accept(new StreamEvent.TextDelta(content));
    JsonNode calls = Nodes.node(d, "tool_calls");
    if (calls != null) {
      for (JsonNode call : calls) {
        int idx = call.path("index").asInt(toolIndexes.size());
        JsonNode f = call.path("function");
        String id = Nodes.text(call, "id");
        if (id != null && !toolIndexes.containsKey(idx)) {
          toolIndexes.put(idx, toolIndexes.size());
          out.accept(new StreamEvent.ToolCallStart(toolIndexes.get(idx), id, Nodes.text(f, "name")));
        }
        String args = Nodes.text(f, "arguments");
        Integer ours = toolIndexes.get(idx);
        if (ours != null && args != null && !args.isEmpty()) out.accept(new StreamEvent.ToolArgsDelta(ours, args));
      }
    }
    String fr = Nodes.text(choice, "finish_reason");
    if (fr != null) reason = StopReason.fromOpenAi(fr);
  }

  private void finish(Consumer<StreamEvent> out) {
    if (!started) out.accept(new StreamEvent.Start(null, null, null));
    out.accept(new StreamEvent.Finish(reason != null ? reason : StopReason.END_TURN, null, usage));
    completed = true;
  }

  @Override
  public void end(Consumer<StreamEvent> out) {
    splitter.finish(e -> onEvent(e, out));
  }

  @Override
  public boolean completed() {
    return completed;
  }
}
