package io.wanapis.providers.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanapis.canonical.Nodes;
import io.wanapis.canonical.StreamEncoder;
import io.wanapis.canonical.StreamEvent;
import io.wanapis.errors.OpenAiErrorBody;
import io.wanapis.json.Json;
import io.wanapis.usage.Usage;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Canonical stream events → OpenAI {@code chat.completion.chunk} SSE, in the order OpenAI sends
 * them: a role chunk, content / reasoning / tool-call deltas, a chunk with {@code finish_reason},
 * the usage chunk when the client asked for it, then {@code data: [DONE]}.
 */
public final class OpenAiStreamEncoder implements StreamEncoder {
  private final String model;
  private final boolean includeUsage;
  private final String requestId;
  private String id;
  private long created = System.currentTimeMillis() / 1000;
  private boolean started;
  private Usage usage = Usage.UNKNOWN;

  public OpenAiStreamEncoder(String model, boolean includeUsage, String requestId) {
    this.model = model;
    this.includeUsage = includeUsage;
    this.requestId = requestId;
  }

  @Override
  public void encode(StreamEvent event, Consumer<Buffer> out) {
    if (event instanceof StreamEvent.Start s) {
        id = OpenAiCodec.chatId(s.id());
        if (s.usage() != null) usage = s.usage().orElse(usage);
        ensureStarted(out);
    } else if (event instanceof StreamEvent.TextDelta t) {
        ensureStarted(out);
        ObjectNode c = chunk();
        delta(c).put("content", t.text());
        write(c, out);
    } else if (event instanceof StreamEvent.ThinkingDelta t) {
        ensureStarted(out);
        ObjectNode c = chunk();
        delta(c).put("reasoning_content", t.text());
        write(c, out);
    } else if (event instanceof StreamEvent.ToolCallStart t) {
        ensureStarted(out);
        ObjectNode c = chunk();
        ObjectNode call = delta(c).putArray("tool_calls").addObject();
        call.put("index", t.toolIndex()).put("id", t.id()).put("type", "function");
        call.putObject("function").put("name", t.name()).put("arguments", "");
        write(c, out);
    } else if (event instanceof StreamEvent.ToolArgsDelta t) {
        if (t.partialJson() == null || t.partialJson().isEmpty()) return;
        ObjectNode c = chunk();
        ObjectNode call = delta(c).putArray("tool_calls").addObject();
        call.put("index", t.toolIndex());
        call.putObject("function").put("arguments", t.partialJson());
        write(c, out);
    } else if (event instanceof StreamEvent.Finish f) {
        ensureStarted(out);
        if (f.usage() != null) usage = f.usage().orElse(usage);
        ObjectNode c = chunk();
        delta(c);
        ((ObjectNode) c.get("choices").get(0)).put("finish_reason", f.reason().openAi());
        write(c, out);
        if (includeUsage) {
          ObjectNode u = base();
          u.putArray("choices");
          u.set("usage", OpenAiCodec.usageNode(usage));
          write(u, out);
        }
    } else if (event instanceof StreamEvent.Error e) {
        out.accept(Buffer.buffer("data: ")
          .appendBytes(OpenAiErrorBody.bytes(e.error(), requestId)).appendString("\n\n"));
    }
    // SignatureDelta, RedactedThinking, BlockStop: OpenAI chunks have no place for them.
  }

  @Override
  public void complete(Consumer<Buffer> out) {
    out.accept(Buffer.buffer("data: [DONE]\n\n"));
  }

  private void ensureStarted(Consumer<Buffer> out) {
    if (started) return;
    started = true;
    ObjectNode c = chunk();
    delta(c).put("role", "assistant").put("content", "");
    write(c, out);
  }

  private ObjectNode base() {
    ObjectNode c = Json.MAPPER.createObjectNode();
    c.put("id", id != null ? id : (id = OpenAiCodec.chatId(null)));
    c.put("object", "chat.completion.chunk");
    c.put("created", created);
    c.put("model", model);
    return c;
  }

  private ObjectNode chunk() {
    ObjectNode c = base();
    ArrayNode choices = c.putArray("choices");
    ObjectNode ch = choices.addObject();
    ch.put("index", 0);
    ch.putObject("delta");
    ch.putNull("logprobs");
    ch.putNull("finish_reason");
    return c;
  }

  private static ObjectNode delta(ObjectNode chunk) {
    return (ObjectNode) chunk.get("choices").get(0).get("delta");
  }

  private static void write(ObjectNode c, Consumer<Buffer> out) {
    byte[] b = Nodes.bytes(c);
    out.accept(Buffer.buffer(b.length + 8).appendString("data: ").appendBytes(b).appendString("\n\n"));
  }
}
