package io.wanapis.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanapis.canonical.Nodes;
import io.wanapis.json.Json;
import io.wanapis.providers.StreamTranslator;
import io.wanapis.sse.SseEvent;
import io.wanapis.sse.SseEventSplitter;
import io.wanapis.usage.Usage;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Relays an Anthropic stream to an Anthropic client unchanged, event by event. Only the events
 * that carry usage or end the stream (message_start, message_delta, message_stop, error) are
 * parsed; deltas go through as raw bytes.
 */
final class AnthropicPassthroughStream implements StreamTranslator {
  private final String provider;
  private final SseEventSplitter splitter = new SseEventSplitter();
  private boolean completed;
  private boolean emitted;
  private Usage usage = Usage.UNKNOWN;
  private String errorCode;

  AnthropicPassthroughStream(String provider) {
    this.provider = provider;
  }

  @Override
  public void onChunk(Buffer chunk, Consumer<Buffer> emit) {
    splitter.feed(chunk, e -> onEvent(e, emit));
  }

  private void onEvent(SseEvent e, Consumer<Buffer> emit) {
    String name = e.event();
    if (name != null && e.data() != null) {
      switch (name) {
        case "message_start" -> usage = AnthropicCodec.usage(Nodes.node(parse(e.data()).path("message"), "usage")).orElse(usage);
        case "message_delta" -> usage = AnthropicCodec.usage(Nodes.node(parse(e.data()), "usage")).orElse(usage);
        case "message_stop" -> completed = true;
        case "error" -> {
          completed = true;
          errorCode = AnthropicErrors.map(provider, 200, parse(e.data())).code();
        }
        default -> { }
      }
    }
    emitted = true;
    emit.accept(e.raw());
  }

  private static JsonNode parse(String data) {
    try {
      return Json.MAPPER.readTree(data);
    } catch (Exception ex) {
      return Json.MAPPER.createObjectNode();
    }
  }

  @Override
  public void onEnd(Consumer<Buffer> emit) {
    splitter.finish(e -> onEvent(e, emit));
  }

  @Override public boolean completed() { return completed; }
  @Override public boolean emittedAny() { return emitted; }
  @Override public Usage usage() { return usage; }
  @Override public String inStreamErrorCode() { return errorCode; }
}
