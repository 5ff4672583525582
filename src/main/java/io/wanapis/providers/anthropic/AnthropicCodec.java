package io.wanapis.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanapis.canonical.ChatRequest;
import io.wanapis.canonical.ChatResponse;
import io.wanapis.canonical.Message;
import io.wanapis.canonical.Nodes;
import io.wanapis.canonical.Part;
import io.wanapis.canonical.Reasoning;
import io.wanapis.canonical.ResponseFormat;
import io.wanapis.canonical.StopReason;
import io.wanapis.canonical.ToolChoice;
import io.wanapis.canonical.ToolDef;
import io.wanapis.errors.ApiError;
import io.wanapis.json.Json;
import io.wanapis.usage.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * Anthropic Messages ⇄ canonical model, both directions, for requests and complete responses.
 *
 * <p>Structured output: Anthropic has no {@code response_format}; a JSON request is sent as a
 * forced call of a synthetic tool ({@value #JSON_TOOL}) whose input schema is the requested
 * schema, and its input comes back to the client as the message text.
 */
public final class AnthropicCodec {
  /** Name of the synthetic tool that carries JSON-mode answers. */
  public static final String JSON_TOOL = "json_response";
  /** max_tokens is required by Anthropic; used when the client gave none. */
  public static final int DEFAULT_MAX_TOKENS = 4096;

  private AnthropicCodec() {}

  // ------------------------------------------------------------------ request: Anthropic -> canonical

  public static ChatRequest decodeRequest(JsonNode body) {
    List<Part> system = null;
    JsonNode sys = Nodes.node(body, "system");
    if (sys != null) system = blocks(sys, "system");
    List<Message> messages = new ArrayList<>();
    JsonNode msgs = body.path("messages");
    for (int i = 0; i < msgs.size(); i++) {
      JsonNode m = msgs.get(i);
      String role = Nodes.text(m, "role");
      Message.Role r = "assistant".equals(role) ? Message.Role.ASSISTANT : Message.Role.USER;
      messages.add(new Message(r, blocks(m.get("content"), "messages[" + i + "].content"), null));
    }
    List<ToolDef> tools = null;
    JsonNode t = Nodes.node(body, "tools");
    if (t != null) {
      tools = new ArrayList<>();
      for (JsonNode tool : t) {
        String type = Nodes.text(tool, "type");
        if (type != null && !"custom".equals(type)) {
          throw ApiError.invalidParameter("tools", "Anthropic server tool '" + type
              + "' can only be used with Anthropic models.");
        }
        tools.add(new ToolDef(Nodes.text(tool, "name"), Nodes.text(tool, "description"), Nodes.node(tool, "input_schema"),
            null, Nodes.node(tool, "cache_control")));
      }
    }
    ToolChoice choice = null;
    Boolean parallel = null;
    JsonNode tc = Nodes.node(body, "tool_choice");
    if (tc != null) {
      choice = switch (String.valueOf(Nodes.text(tc, "type"))) {
        case "any" -> ToolChoice.REQUIRED;
        case "none" -> ToolChoice.NONE;
        case "tool" -> new ToolChoice(ToolChoice.Kind.NAMED, Nodes.text(tc, "name"));
        default -> ToolChoice.AUTO;
      };
      if (Boolean.TRUE.equals(Nodes.bool(tc, "disable_parallel_tool_use"))) parallel = false;
    }
    Reasoning reasoning = null;
    JsonNode thinking = Nodes.node(body, "thinking");
    if (thinking != null && "enabled".equals(Nodes.text(thinking, "type"))) {
      reasoning = new Reasoning(null, Nodes.integer(thinking, "budget_tokens"), true);
    }
    JsonNode meta = Nodes.node(body, "metadata");
    return new ChatRequest(Nodes.text(body, "model"), system, messages, tools, choice, parallel,
        Nodes.integer(body, "max_tokens"), Nodes.number(body, "temperature"), Nodes.number(body, "top_p"),
        Nodes.integer(body, "top_k"), Nodes.strings(Nodes.node(body, "stop_sequences")), null, reasoning,
        Boolean.TRUE.equals(Nodes.bool(body, "stream")), true, meta == null ? null : Nodes.text(meta, "user_id"),
        null, null, meta, unmapped(body));
  }

  private static final java.util.Set<String> MAPPED = java.util.Set.of("model", "messages", "system", "tools", "tool_choice",
      "max_tokens", "temperature", "top_p", "top_k", "stop_sequences", "stream", "metadata", "thinking",
      // Anthropic-side hints with no meaning for another provider
      "service_tier", "container", "context_management", "mcp_servers");

  private static java.util.Map<String, JsonNode> unmapped(JsonNode body) {
    java.util.Map<String, JsonNode> out = new java.util.LinkedHashMap<>();
    for (var e : body.properties()) {
      if (!MAPPED.contains(e.getKey()) && !e.getValue().isNull()) out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  private static List<Part> blocks(JsonNode content, String where) {
    List<Part> parts = new ArrayList<>();
    if (content == null || content.isNull()) return parts;
    if (content.isTextual()) {
      parts.add(new Part.Text(content.asText()));
      return parts;
    }
    for (JsonNode b : content) {
      String type = String.valueOf(Nodes.text(b, "type"));
      JsonNode cc = Nodes.node(b, "cache_control");
      switch (type) {
        case "text" -> parts.add(new Part.Text(Nodes.text(b, "text"), cc));
        case "image" -> {
          JsonNode src = b.path("source");
          if ("url".equals(Nodes.text(src, "type"))) parts.add(new Part.Image(Nodes.text(src, "url"), null, null, null, cc));
          else parts.add(new Part.Image(null, Nodes.text(src, "media_type"), Nodes.text(src, "data"), null, cc));
        }
        case "tool_use" -> parts.add(new Part.ToolCall(Nodes.text(b, "id"), Nodes.text(b, "name"),
            Nodes.string(b.has("input") ? b.get("input") : Json.MAPPER.createObjectNode())));
        case "tool_result" -> parts.add(new Part.ToolResult(Nodes.text(b, "tool_use_id"), blocks(b.get("content"), where),
            Boolean.TRUE.equals(Nodes.bool(b, "is_error")), cc));
        case "thinking" -> parts.add(new Part.Thinking(Nodes.text(b, "thinking"), Nodes.text(b, "signature")));
        case "redacted_thinking" -> parts.add(new Part.RedactedThinking(Nodes.text(b, "data")));
        default -> throw ApiError.invalidParameter(where, "Content blocks of type '" + type
            + "' can only be sent to Anthropic models.");
      }
    }
    return parts;
  }

  // ------------------------------------------------------------------ request: canonical -> Anthropic

  public static ObjectNode encodeRequest(ChatRequest r, String model) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("model", model);
    int budget = r.reasoning() == null ? 0 : r.reasoning().budgetTokens(4096);
    int maxTokens = r.maxTokens() != null ? r.maxTokens() : DEFAULT_MAX_TOKENS;
    // Anthropic requires max_tokens > budget_tokens: the budget is thinking on top of the answer.
    if (budget > 0 && maxTokens <= budget) maxTokens = budget + (r.maxTokens() != null ? r.maxTokens() : DEFAULT_MAX_TOKENS);
    out.put("max_tokens", maxTokens);
    if (r.system() != null && !r.system().isEmpty()) {
      boolean cached = r.system().stream().anyMatch(p -> p instanceof Part.Text t && t.cacheControl() != null);
      if (cached) {
        ArrayNode sys = out.putArray("system");
        for (Part p : r.system()) if (p instanceof Part.Text t) sys.add(textBlock(t));
      } else {
        out.put("system", r.systemText());
      }
    }
    ArrayNode msgs = out.putArray("messages");
    for (Message m : r.messages()) {
      ArrayNode content = Json.MAPPER.createArrayNode();
      for (Part p : m.content()) {
        JsonNode b = block(p);
        if (b != null) content.add(b);
      }
      String role = m.role() == Message.Role.ASSISTANT ? "assistant" : "user";
      if (content.isEmpty()) continue;
      // Anthropic wants strictly alternating turns: tool results and the user text after them
      // (separate messages in OpenAI) go into one user message.
      ObjectNode last = msgs.isEmpty() ? null : (ObjectNode) msgs.get(msgs.size() - 1);
      if (last != null && role.equals(last.path("role").asText())) ((ArrayNode) last.get("content")).addAll(content);
      else msgs.addObject().put("role", role).set("content", content);
    }
    boolean jsonMode = r.responseFormat() != null && r.responseFormat().kind() != ResponseFormat.Kind.TEXT;
    List<ToolDef> tools = r.tools() == null ? new ArrayList<>() : new ArrayList<>(r.tools());
    if (jsonMode) {
      JsonNode schema = r.responseFormat().schema() != null ? r.responseFormat().schema()
          : Json.MAPPER.createObjectNode().put("type", "object");
      tools.add(new ToolDef(JSON_TOOL, "Respond with the final answer as JSON through this tool.", schema, null, null));
    }
    if (!tools.isEmpty()) {
      ArrayNode arr = out.putArray("tools");
      for (ToolDef t : tools) {
        ObjectNode o = arr.addObject().put("name", t.name());
        if (t.description() != null) o.put("description", t.description());
        o.set("input_schema", t.parameters() != null ? t.parameters() : Json.MAPPER.createObjectNode().put("type", "object"));
        if (t.cacheControl() != null) o.set("cache_control", t.cacheControl());
      }
    }
    ObjectNode tc = null;
    if (jsonMode) {
      tc = Json.MAPPER.createObjectNode().put("type", "tool").put("name", JSON_TOOL);
    } else if (r.toolChoice() != null && !tools.isEmpty()) {
      tc = Json.MAPPER.createObjectNode();
      switch (r.toolChoice().kind()) {
        case AUTO -> tc.put("type", "auto");
        case NONE -> tc.put("type", "none");
        case REQUIRED -> tc.put("type", "any");
        case NAMED -> tc.put("type", "tool").put("name", r.toolChoice().name());
      }
    }
    if (Boolean.FALSE.equals(r.parallelToolCalls()) && !tools.isEmpty()) {
      if (tc == null) tc = Json.MAPPER.createObjectNode().put("type", "auto");
      tc.put("disable_parallel_tool_use", true);
    }
    if (tc != null) out.set("tool_choice", tc);
    if (budget > 0) out.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
    else if (r.temperature() != null) out.put("temperature", Math.min(1.0, r.temperature())); // Anthropic's range is 0..1
    if (r.topP() != null) out.put("top_p", r.topP());
    if (r.topK() != null) out.put("top_k", r.topK());
    if (r.stop() != null && !r.stop().isEmpty()) {
      ArrayNode s = out.putArray("stop_sequences");
      r.stop().forEach(s::add);
    }
    if (r.user() != null) out.putObject("metadata").put("user_id", r.user());
    if (r.stream()) out.put("stream", true);
    return out;
  }

  private static ObjectNode textBlock(Part.Text t) {
    ObjectNode o = Json.MAPPER.createObjectNode().put("type", "text").put("text", t.text());
    if (t.cacheControl() != null) o.set("cache_control", t.cacheControl());
    return o;
  }

  private static JsonNode block(Part p) {
    if (p instanceof Part.Text t) {
      return t.text() == null || t.text().isEmpty() ? null : textBlock(t);
    }
    if (p instanceof Part.Image img) {
      ObjectNode o = Json.MAPPER.createObjectNode().put("type", "image");
      ObjectNode src = o.putObject("source");
      if (img.url() != null) src.put("type", "url").put("url", img.url());
      else src.put("type", "base64").put("media_type", img.mediaType()).put("data", img.base64());
      if (img.cacheControl() != null) o.set("cache_control", img.cacheControl());
      return o;
    }
    if (p instanceof Part.ToolCall c) {
      ObjectNode o = Json.MAPPER.createObjectNode().put("type", "tool_use").put("id", c.id()).put("name", c.name());
      o.set("input", Nodes.parseArguments(c.arguments()));
      return o;
    }
    if (p instanceof Part.ToolResult tr) {
      ObjectNode o = Json.MAPPER.createObjectNode().put("type", "tool_result").put("tool_use_id", tr.toolCallId());
      boolean onlyText = tr.content().stream().allMatch(x -> x instanceof Part.Text);
      if (onlyText) {
        StringBuilder sb = new StringBuilder();
        for (Part x : tr.content()) sb.append(((Part.Text) x).text());
        o.put("content", sb.toString());
      } else {
        ArrayNode arr = o.putArray("content");
        for (Part x : tr.content()) {
          JsonNode b = block(x);
          if (b != null) arr.add(b);
        }
      }
      if (tr.isError()) o.put("is_error", true);
      if (tr.cacheControl() != null) o.set("cache_control", tr.cacheControl());
      return o;
    }
    if (p instanceof Part.Thinking th) {
      // Without a signature Anthropic rejects a thinking block; unsigned reasoning (from another
      // provider) is dropped rather than failing the whole request.
      if (th.signature() == null) return null;
      return Json.MAPPER.createObjectNode().put("type", "thinking").put("thinking", th.text()).put("signature", th.signature());
    }
    if (p instanceof Part.RedactedThinking rt) {
      return Json.MAPPER.createObjectNode().put("type", "redacted_thinking").put("data", rt.data());
    }
    return null;
  }

  // ------------------------------------------------------------------ response: Anthropic -> canonical

  public static ChatResponse decodeResponse(JsonNode body, boolean jsonMode) {
    List<Part> parts = new ArrayList<>();
    StopReason reason = StopReason.fromAnthropic(Nodes.text(body, "stop_reason"));
    for (JsonNode b : body.path("content")) {
      switch (String.valueOf(Nodes.text(b, "type"))) {
        case "text" -> parts.add(new Part.Text(Nodes.text(b, "text")));
        case "thinking" -> parts.add(new Part.Thinking(Nodes.text(b, "thinking"), Nodes.text(b, "signature")));
        case "redacted_thinking" -> parts.add(new Part.RedactedThinking(Nodes.text(b, "data")));
        case "tool_use" -> {
          String input = Nodes.string(b.has("input") ? b.get("input") : Json.MAPPER.createObjectNode());
          if (jsonMode && JSON_TOOL.equals(Nodes.text(b, "name"))) {
            parts.add(new Part.Text(input));
            reason = StopReason.END_TURN;
          } else {
            parts.add(new Part.ToolCall(Nodes.text(b, "id"), Nodes.text(b, "name"), input));
          }
        }
        default -> { /* server tool blocks etc. have no OpenAI form */ }
      }
    }
    return new ChatResponse(Nodes.text(body, "id"), Nodes.text(body, "model"), parts, reason,
        Nodes.text(body, "stop_sequence"), usage(Nodes.node(body, "usage")), System.currentTimeMillis() / 1000);
  }

  /** Anthropic's input_tokens excludes cache reads and writes; the canonical input includes them. */
  public static Usage usage(JsonNode u) {
    if (u == null) return Usage.UNKNOWN;
    long in = u.path("input_tokens").asLong(-1);
    long read = u.path("cache_read_input_tokens").asLong(0);
    long write = u.path("cache_creation_input_tokens").asLong(0);
    long out = u.path("output_tokens").asLong(-1);
    return new Usage(in < 0 ? -1 : in + read + write, out, in < 0 ? -1 : read, -1, in < 0 ? -1 : write, false);
  }

  // ------------------------------------------------------------------ response: canonical -> Anthropic

  public static ObjectNode encodeResponse(ChatResponse r, String model) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("id", r.id() != null && r.id().startsWith("msg_") ? r.id() : "msg_" + (r.id() == null ? Long.toHexString(System.nanoTime()) : r.id()));
    out.put("type", "message");
    out.put("role", "assistant");
    out.put("model", model);
    ArrayNode content = out.putArray("content");
    for (Part p : r.content()) {
      if (p instanceof Part.Thinking th) {
        content.addObject().put("type", "thinking").put("thinking", th.text()).put("signature", th.signature() == null ? "" : th.signature());
      } else {
        JsonNode b = block(p);
        if (b != null) content.add(b);
      }
    }
    out.put("stop_reason", r.stopReason().anthropic());
    if (r.stopSequence() != null) out.put("stop_sequence", r.stopSequence());
    else out.putNull("stop_sequence");
    out.set("usage", usageNode(r.usage()));
    return out;
  }

  public static ObjectNode usageNode(Usage u) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    long read = Math.max(u.cachedTokens(), 0), write = Math.max(u.cacheWriteTokens(), 0);
    n.put("input_tokens", Math.max(Math.max(u.inputTokens(), 0) - read - write, 0));
    n.put("cache_creation_input_tokens", write);
    n.put("cache_read_input_tokens", read);
    n.put("output_tokens", Math.max(u.outputTokens(), 0));
    return n;
  }
}
