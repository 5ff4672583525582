package io.wanapis.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanapis.canonical.Nodes;
import io.wanapis.canonical.Part;
import io.wanapis.canonical.StopReason;
import io.wanapis.canonical.StreamDecoder;
import io.wanapis.canonical.StreamEvent;
import io.wanapis.json.Json;
import io.wanapis.sse.SseEvent;
import io.wanapis.sse.SseEventSplitter;
import io.wanapis.usage.Usage;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Gemini {@code streamGenerateContent?alt=sse} → canonical events. Each event is a whole
 * response holding only the new parts; usageMetadata is repeated (the last one is final);
 * function calls arrive whole. There is no terminator: the event with {@code finishReason} ends
 * the answer, so {@link StreamEvent.Finish} is emitted there (a stream that closes without one
 * was cut).
 */
public final class GeminiStreamDecoder implements StreamDecoder {
  private final String provider;
  private final SseEventSplitter splitter = new SseEventSplitter();
  private boolean started;
  private boolean completed;
  private int calls;
  private Usage usage = Usage.UNKNOWN;

  public GeminiStreamDecoder(String provider) {
    this.provider = provider;
  }

  @Override
  public void decode(Buffer chunk, Consumer<StreamEvent> out) {
    splitter.feed(chunk, e -> onEvent(e, out));
  }

  @Override
  public void end(Consumer<StreamEvent> out) {
    splitter.finish(e -> onEvent(e, out));
  }

  private void onEvent(SseEvent e, Consumer<StreamEvent> out) {
    if (completed || e.data() == null) return;
    JsonNode r;
    try {
      r = Json.MAPPER.readTree(e.data());
    } catch (Exception ex) {
      return;
    }
    if (r.has("error")) {
      out.accept(new StreamEvent.Error(GeminiErrors.map(provider, r.path("error").path("code").asInt(500), r)));
      completed = true;
      return;
    }
    String responseId = Nodes.text(r, "responseId");
    if (!started) {
      started = true;
      out.accept(new StreamEvent.Start(responseId, Nodes.text(r, "modelVersion"), null));
    }
    JsonNode u = Nodes.node(r, "usageMetadata");
    if (u != null) usage = GeminiCodec.usage(u);
    JsonNode cand = r.path("candidates").path(0);
    for (JsonNode p : cand.path("content").path("parts")) {
      Part part = GeminiCodec.decodePart(p, responseId, calls);
      if (part instanceof Part.Text t) out.accept(new StreamEvent.TextDelta(t.text()));
      else if (part instanceof Part.Thinking th) {
        out.accept(new StreamEvent.ThinkingDelta(th.text()));
        if (th.signature() != null) out.accept(new StreamEvent.SignatureDelta(th.signature()));
      } else if (part instanceof Part.ToolCall c) {
        int idx = calls++;
        out.accept(new StreamEvent.ToolCallStart(idx, c.id(), c.name()));
        out.accept(new StreamEvent.ToolArgsDelta(idx, c.arguments()));
        out.accept(new StreamEvent.BlockStop());
      }
    }
    String finish = Nodes.text(cand, "finishReason");
    boolean blocked = cand.isMissingNode() && r.path("promptFeedback").has("blockReason");
    if (finish != null || blocked) {
      StopReason reason = blocked ? StopReason.CONTENT_FILTER : GeminiCodec.stopReason(finish, calls > 0);
      out.accept(new StreamEvent.Finish(reason, null, usage));
      completed = true;
    }
  }

  @Override
  public boolean completed() {
    return completed;
  }
}
