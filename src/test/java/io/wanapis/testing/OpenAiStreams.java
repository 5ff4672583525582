package io.wanapis.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanapis.json.Json;
import io.wanapis.sse.SseEvent;
import io.wanapis.sse.SseEventSplitter;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helper: the meaning of an OpenAI chat stream, to compare translations. */
public final class OpenAiStreams {
  private OpenAiStreams() {}

  /** Reassembles an OpenAI stream into text, reasoning, tool calls (id → name+args) and finish reason. */
  public static Map<String, String> assemble(String sse) throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    StringBuilder text = new StringBuilder(), reasoning = new StringBuilder();
    Map<Integer, String> ids = new LinkedHashMap<>();
    Map<Integer, StringBuilder> args = new LinkedHashMap<>();
    List<SseEvent> events = new ArrayList<>();
    new SseEventSplitter().feed(Buffer.buffer(sse), events::add);
    for (SseEvent e : events) {
      if (e.isDone()) { out.put("done", "true"); continue; }
      JsonNode c = Json.MAPPER.readTree(e.data());
      if (c.has("error")) { out.put("error", c.at("/error/code").asText()); continue; }
      if (c.has("usage") && c.get("usage").isObject()) out.put("usage", c.at("/usage/prompt_tokens") + "/" + c.at("/usage/completion_tokens"));
      JsonNode ch = c.path("choices").path(0);
      if (ch.isMissingNode()) continue;
      JsonNode d = ch.path("delta");
      if (d.hasNonNull("content")) text.append(d.get("content").asText());
      if (d.hasNonNull("reasoning_content")) reasoning.append(d.get("reasoning_content").asText());
      for (JsonNode tc : d.path("tool_calls")) {
        int i = tc.path("index").asInt();
        if (tc.has("id")) ids.put(i, tc.get("id").asText() + ":" + tc.at("/function/name").asText());
        args.computeIfAbsent(i, k -> new StringBuilder()).append(tc.at("/function/arguments").asText(""));
      }
      if (ch.hasNonNull("finish_reason")) out.put("finish", ch.get("finish_reason").asText());
    }
    out.put("text", text.toString());
    out.put("reasoning", reasoning.toString());
    ids.forEach((i, id) -> out.put("tool" + i, id + ":" + args.get(i)));
    return out;
  }

}
