package io.wanapis.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanapis.json.Json;
import io.wanapis.providers.StreamTranslator;
import io.wanapis.sse.SseEvent;
import io.wanapis.sse.SseEventSplitter;
import io.wanapis.usage.OpenAiUsageReader;
import io.wanapis.usage.Usage;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Relays an OpenAI SSE stream event by event, unchanged, except that the usage-only chunk the
 * gateway asked for is dropped when the client did not ask for it. Only events that carry a
 * usage object or an error are parsed; the rest are forwarded as raw bytes.
 */
final class OpenAiPassthroughStream implements StreamTranslator {
  private final boolean clientWantsUsage;
  private final SseEventSplitter splitter = new SseEventSplitter();
  private boolean completed;
  private boolean emitted;
  private Usage usage = Usage.UNKNOWN;
  private String errorCode;

  OpenAiPassthroughStream(boolean clientWantsUsage) {
    this.clientWantsUsage = clientWantsUsage;
  }

  @Override
  public void onChunk(Buffer chunk, Consumer<Buffer> emit) {
    splitter.feed(chunk, e -> onEvent(e, emit));
  }

  private void onEvent(SseEvent e, Consumer<Buffer> emit) {
    String data = e.data();
    if (data == null) { // comment / keep-alive: harmless to pass on
      emit.accept(e.raw());
      return;
    }
    if (e.isDone()) {
      completed = true;
      emit(e, emit);
      return;
    }
    if ("error".equals(e.event()) || hasObjectField(data, "error")) {
      errorCode = errorCode(data);
      completed = true; // the upstream ended the stream on purpose; relay its error as is
      emit(e, emit);
      return;
    }
    if (hasObjectField(data, "usage")) {
      JsonNode chunk = parse(data);
      if (chunk != null && chunk.path("usage").isObject()) {
        usage = OpenAiUsageReader.read(data);
        boolean usageOnly = chunk.path("choices").isArray() && chunk.path("choices").isEmpty();
        if (usageOnly && !clientWantsUsage) return;
      }
    }
    emit(e, emit);
  }

  private void emit(SseEvent e, Consumer<Buffer> emit) {
    emitted = true;
    emit.accept(e.raw());
  }

  /** Cheap pre-check: {@code "name"} followed by ':' and an object, anywhere in the data. */
  static boolean hasObjectField(String data, String name) {
    String quoted = "\"" + name + "\"";
    int i = data.indexOf(quoted);
    while (i >= 0) {
      int j = i + quoted.length();
      while (j < data.length() && Character.isWhitespace(data.charAt(j))) j++;
      if (j < data.length() && data.charAt(j) == ':') {
        j++;
        while (j < data.length() && Character.isWhitespace(data.charAt(j))) j++;
        if (j < data.length() && data.charAt(j) == '{') return true;
      }
      i = data.indexOf(quoted, i + 1);
    }
    return false;
  }

  private static JsonNode parse(String data) {
    try {
      return Json.MAPPER.readTree(data);
    } catch (Exception ex) {
      return null;
    }
  }

  private static String errorCode(String data) {
    JsonNode n = parse(data);
    if (n == null) return "upstream_stream_error";
    JsonNode err = n.path("error");
    String code = err.path("code").asText(null);
    if (code == null || code.isEmpty()) code = err.path("type").asText(null);
    return code == null || code.isEmpty() ? "upstream_stream_error" : code;
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
