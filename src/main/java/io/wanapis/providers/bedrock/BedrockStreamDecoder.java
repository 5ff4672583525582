package io.wanapis.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanapis.canonical.Nodes;
import io.wanapis.canonical.StopReason;
import io.wanapis.canonical.StreamDecoder;
import io.wanapis.canonical.StreamEvent;

import io.wanapis.json.Json;
import io.wanapis.usage.Usage;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Bedrock ConverseStream (binary event stream) → canonical events: messageStart, contentBlockStart
 * (tool use), contentBlockDelta (text, toolUse input, reasoningContent), contentBlockStop,
 * messageStop (stop reason), then metadata (usage) — so {@link StreamEvent.Finish} waits for the
 * metadata frame. Exception frames become {@link StreamEvent.Error}. The {@code p} padding field
 * of every payload is ignored.
 */
public final class BedrockStreamDecoder implements StreamDecoder {
  private final String provider;
  private final boolean jsonMode;
  private final EventStreamDecoder frames = new EventStreamDecoder();
  private boolean started;
  private boolean completed;
  private int tools;
  private int currentTool = -1;
  private boolean inJsonTool;
  private StopReason reason;

  public BedrockStreamDecoder(String provider, boolean jsonMode) {
    this.provider = provider;
    this.jsonMode = jsonMode;
  }

  @Override
  public void decode(Buffer chunk, Consumer<StreamEvent> out) {
    frames.feed(chunk, f -> onFrame(f, out));
  }

  @Override
  public void end(Consumer<StreamEvent> out) {
    // messageStop came but the metadata frame did not: finish without usage rather than fail.
    if (!completed && reason != null) {
      out.accept(new StreamEvent.Finish(reason, null, Usage.UNKNOWN));
      completed = true;
    }
  }

  private void onFrame(EventStreamDecoder.Frame f, Consumer<StreamEvent> out) {
    if (completed) return;
    JsonNode p;
    try {
      p = Json.MAPPER.readTree(f.payload());
    } catch (Exception e) {
      return;
    }
    if ("exception".equals(f.header(":message-type"))) {
      out.accept(new StreamEvent.Error(BedrockErrors.fromException(provider, f.header(":exception-type"), Nodes.text(p, "message"))));
      completed = true;
      return;
    }
    String type = f.header(":event-type");
    if (type == null) return;
    if (!started && !"metadata".equals(type)) {
      started = true;
      out.accept(new StreamEvent.Start(null, null, null));
    }
    switch (type) {
      case "contentBlockStart" -> {
        JsonNode tu = p.path("start").path("toolUse");
        if (!tu.isMissingNode()) {
          if (jsonMode && BedrockCodec.JSON_TOOL.equals(Nodes.text(tu, "name"))) {
            inJsonTool = true;
          } else {
            currentTool = tools++;
            out.accept(new StreamEvent.ToolCallStart(currentTool, Nodes.text(tu, "toolUseId"), Nodes.text(tu, "name")));
          }
        }
      }
      case "contentBlockDelta" -> {
        JsonNode d = p.path("delta");
        if (d.has("text")) out.accept(new StreamEvent.TextDelta(d.get("text").asText()));
        else if (d.has("toolUse")) {
          String input = Nodes.text(d.get("toolUse"), "input");
          if (inJsonTool) out.accept(new StreamEvent.TextDelta(input));
          else out.accept(new StreamEvent.ToolArgsDelta(currentTool, input));
        } else if (d.has("reasoningContent")) {
          JsonNode rc = d.get("reasoningContent");
          if (rc.has("text")) out.accept(new StreamEvent.ThinkingDelta(rc.get("text").asText()));
          if (rc.has("signature")) out.accept(new StreamEvent.SignatureDelta(rc.get("signature").asText()));
        }
      }
      case "contentBlockStop" -> {
        inJsonTool = false;
        out.accept(new StreamEvent.BlockStop());
      }
      case "messageStop" -> {
        reason = BedrockCodec.stopReason(Nodes.text(p, "stopReason"));
        if (jsonMode && reason == StopReason.TOOL_USE && tools == 0) reason = StopReason.END_TURN;
      }
      case "metadata" -> {
        out.accept(new StreamEvent.Finish(reason != null ? reason : StopReason.END_TURN, null, BedrockCodec.usage(Nodes.node(p, "usage"))));
        completed = true;
      }
      default -> { }
    }
  }

  @Override
  public boolean completed() {
    return completed;
  }

}
