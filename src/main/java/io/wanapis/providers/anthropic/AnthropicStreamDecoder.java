package io.wanapis.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanapis.canonical.Nodes;
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
 * Anthropic Messages SSE → canonical events: message_start, content_block_start/delta/stop,
 * message_delta (stop reason, cumulative usage), message_stop; ping ignored; an {@code error}
 * event (e.g. overloaded_error inside a 200 stream) becomes {@link StreamEvent.Error}.
 */
public final class AnthropicStreamDecoder implements StreamDecoder {
  private final String provider;
  private final boolean jsonMode;
  private final SseEventSplitter splitter = new SseEventSplitter();
  private boolean completed;
  private int toolCount;
  private int currentTool = -1;
  /** The current block is the synthetic JSON tool: its input is the answer text. */
  private boolean inJsonTool;
  private StopReason reason;
  private String stopSequence;
  private Usage usage = Usage.UNKNOWN;

  public AnthropicStreamDecoder(String provider, boolean jsonMode) {
    this.provider = provider;
    this.jsonMode = jsonMode;
  }

  @Override
  public void decode(Buffer chunk, Consumer<StreamEvent> out) {
    splitter.feed(chunk, e -> onEvent(e, out));
  }

  private void onEvent(SseEvent e, Consumer<StreamEvent> out) {
    if (completed || e.data() == null) return;
    JsonNode d;
    try {
      d = Json.MAPPER.readTree(e.data());
    } catch (Exception ex) {
      return;
    }
    String type = Nodes.text(d, "type");
    if (type == null) type = e.event();
    if (type == null) return;
    switch (type) {
      case "message_start" -> {
        JsonNode m = d.path("message");
        usage = AnthropicCodec.usage(Nodes.node(m, "usage"));
        out.accept(new StreamEvent.Start(Nodes.text(m, "id"), Nodes.text(m, "model"), usage));
      }
      case "content_block_start" -> {
        JsonNode b = d.path("content_block");
        String bt = Nodes.text(b, "type");
        if ("tool_use".equals(bt)) {
          if (jsonMode && AnthropicCodec.JSON_TOOL.equals(Nodes.text(b, "name"))) {
            inJsonTool = true;
          } else {
            currentTool = toolCount++;
            out.accept(new StreamEvent.ToolCallStart(currentTool, Nodes.text(b, "id"), Nodes.text(b, "name")));
          }
        } else if ("text".equals(bt) && Nodes.text(b, "text") != null && !Nodes.text(b, "text").isEmpty()) {
          out.accept(new StreamEvent.TextDelta(Nodes.text(b, "text")));
        } else if ("redacted_thinking".equals(bt)) {
          out.accept(new StreamEvent.RedactedThinking(Nodes.text(b, "data")));
        }
      }
      case "content_block_delta" -> {
        JsonNode delta = d.path("delta");
        switch (String.valueOf(Nodes.text(delta, "type"))) {
          case "text_delta" -> out.accept(new StreamEvent.TextDelta(Nodes.text(delta, "text")));
          case "thinking_delta" -> out.accept(new StreamEvent.ThinkingDelta(Nodes.text(delta, "thinking")));
          case "signature_delta" -> out.accept(new StreamEvent.SignatureDelta(Nodes.text(delta, "signature")));
          case "input_json_delta" -> {
            String partial = Nodes.text(delta, "partial_json");
            if (inJsonTool) {
              if (partial != null && !partial.isEmpty()) out.accept(new StreamEvent.TextDelta(partial));
            } else {
              out.accept(new StreamEvent.ToolArgsDelta(currentTool, partial));
            }
          }
          default -> { /* citations and future delta types have no OpenAI form */ }
        }
      }
      case "content_block_stop" -> {
        inJsonTool = false;
        out.accept(new StreamEvent.BlockStop());
      }
      case "message_delta" -> {
        JsonNode delta = d.path("delta");
        String sr = Nodes.text(delta, "stop_reason");
        if (sr != null) reason = StopReason.fromAnthropic(sr);
        stopSequence = Nodes.text(delta, "stop_sequence");
        JsonNode u = Nodes.node(d, "usage");
        if (u != null) usage = AnthropicCodec.usage(u).orElse(usage);
      }
      case "message_stop" -> {
        StopReason r = reason != null ? reason : StopReason.END_TURN;
        if (jsonMode && r == StopReason.TOOL_USE && toolCount == 0) r = StopReason.END_TURN;
        out.accept(new StreamEvent.Finish(r, stopSequence, usage));
        completed = true;
      }
      case "error" -> {
        out.accept(new StreamEvent.Error(AnthropicErrors.map(provider, 200, d)));
        completed = true;
      }
      default -> { /* ping and unknown events */ }
    }
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
