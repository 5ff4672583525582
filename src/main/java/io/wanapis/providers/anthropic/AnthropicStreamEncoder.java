package io.wanapis.providers.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanapis.canonical.Nodes;
import io.wanapis.canonical.StreamEncoder;
import io.wanapis.canonical.StreamEvent;
import io.wanapis.errors.AnthropicErrorBody;
import io.wanapis.json.Json;
import io.wanapis.usage.Usage;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Canonical events → Anthropic Messages SSE in Anthropic's exact order: message_start, then per
 * block content_block_start, deltas, content_block_stop, then message_delta and message_stop.
 * Blocks are opened when content of a new kind arrives and closed when the kind changes, so
 * decoders of block-less protocols (OpenAI) need not mark boundaries.
 */
public final class AnthropicStreamEncoder implements StreamEncoder {
  private enum Block { NONE, TEXT, THINKING, TOOL }

  private final String model;
  private final String requestId;
  private boolean started;
  private Block open = Block.NONE;
  private int index = -1;
  private Usage usage = Usage.UNKNOWN;

  public AnthropicStreamEncoder(String model, String requestId) {
    this.model = model;
    this.requestId = requestId;
  }

  @Override
  public void encode(StreamEvent event, Consumer<Buffer> out) {
    if (event instanceof StreamEvent.Start s) {
      if (s.usage() != null) usage = s.usage().orElse(usage);
      start(s.id(), out);
    } else if (event instanceof StreamEvent.TextDelta t) {
      start(null, out);
      if (open != Block.TEXT) {
        openBlock(Block.TEXT, Json.MAPPER.createObjectNode().put("type", "text").put("text", ""), out);
      }
      delta(Json.MAPPER.createObjectNode().put("type", "text_delta").put("text", t.text()), out);
    } else if (event instanceof StreamEvent.ThinkingDelta t) {
      start(null, out);
      if (open != Block.THINKING) {
        openBlock(Block.THINKING, Json.MAPPER.createObjectNode().put("type", "thinking").put("thinking", ""), out);
      }
      delta(Json.MAPPER.createObjectNode().put("type", "thinking_delta").put("thinking", t.text()), out);
    } else if (event instanceof StreamEvent.SignatureDelta s) {
      if (open == Block.THINKING) delta(Json.MAPPER.createObjectNode().put("type", "signature_delta").put("signature", s.signature()), out);
    } else if (event instanceof StreamEvent.RedactedThinking r) {
      start(null, out);
      openBlock(Block.THINKING, Json.MAPPER.createObjectNode().put("type", "redacted_thinking").put("data", r.data()), out);
      closeBlock(out);
    } else if (event instanceof StreamEvent.ToolCallStart t) {
      start(null, out);
      ObjectNode b = Json.MAPPER.createObjectNode().put("type", "tool_use").put("id", t.id()).put("name", t.name());
      b.putObject("input");
      openBlock(Block.TOOL, b, out);
    } else if (event instanceof StreamEvent.ToolArgsDelta t) {
      if (open == Block.TOOL) {
        delta(Json.MAPPER.createObjectNode().put("type", "input_json_delta").put("partial_json", t.partialJson() == null ? "" : t.partialJson()), out);
      }
    } else if (event instanceof StreamEvent.BlockStop) {
      closeBlock(out);
    } else if (event instanceof StreamEvent.Finish f) {
      start(null, out);
      closeBlock(out);
      if (f.usage() != null) usage = f.usage().orElse(usage);
      ObjectNode md = Json.MAPPER.createObjectNode().put("type", "message_delta");
      ObjectNode d = md.putObject("delta").put("stop_reason", f.reason().anthropic());
      if (f.stopSequence() != null) d.put("stop_sequence", f.stopSequence());
      else d.putNull("stop_sequence");
      md.set("usage", AnthropicCodec.usageNode(usage));
      write("message_delta", md, out);
      write("message_stop", Json.MAPPER.createObjectNode().put("type", "message_stop"), out);
    } else if (event instanceof StreamEvent.Error e) {
      byte[] body = AnthropicErrorBody.bytes(e.error(), requestId);
      out.accept(Buffer.buffer("event: error\ndata: ").appendBytes(body).appendString("\n\n"));
    }
  }

  @Override
  public void complete(Consumer<Buffer> out) {
    // message_stop was written with Finish; Anthropic streams have no further terminator.
  }

  private void start(String id, Consumer<Buffer> out) {
    if (started) return;
    started = true;
    ObjectNode ms = Json.MAPPER.createObjectNode().put("type", "message_start");
    ObjectNode m = ms.putObject("message");
    m.put("id", id != null && id.startsWith("msg_") ? id : "msg_" + (id != null ? id : Long.toHexString(System.nanoTime())));
    m.put("type", "message").put("role", "assistant").put("model", model);
    m.putArray("content");
    m.putNull("stop_reason").putNull("stop_sequence");
    ObjectNode u = AnthropicCodec.usageNode(usage);
    u.put("output_tokens", Math.max(usage.outputTokens(), 0));
    m.set("usage", u);
    write("message_start", ms, out);
  }

  private void openBlock(Block kind, ObjectNode block, Consumer<Buffer> out) {
    closeBlock(out);
    index++;
    open = kind;
    ObjectNode e = Json.MAPPER.createObjectNode().put("type", "content_block_start").put("index", index);
    e.set("content_block", block);
    write("content_block_start", e, out);
  }

  private void closeBlock(Consumer<Buffer> out) {
    if (open == Block.NONE) return;
    write("content_block_stop", Json.MAPPER.createObjectNode().put("type", "content_block_stop").put("index", index), out);
    open = Block.NONE;
  }

  private void delta(ObjectNode delta, Consumer<Buffer> out) {
    ObjectNode e = Json.MAPPER.createObjectNode().put("type", "content_block_delta").put("index", index);
    e.set("delta", delta);
    write("content_block_delta", e, out);
  }

  private static void write(String event, ObjectNode data, Consumer<Buffer> out) {
    byte[] b = Nodes.bytes(data);
    out.accept(Buffer.buffer(b.length + event.length() + 16).appendString("event: ").appendString(event)
        .appendString("\ndata: ").appendBytes(b).appendString("\n\n"));
  }
}
