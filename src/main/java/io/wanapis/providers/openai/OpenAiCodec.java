package io.wanapis.providers.openai;

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
 * OpenAI chat completions ⇄ canonical model, both directions, for requests and complete
 * responses. Streams are in {@link OpenAiStreamDecoder} and {@link OpenAiStreamEncoder}.
 *
 * <p>Reasoning travels as {@code reasoning_content} (DeepSeek's field, which most OpenAI-style
 * clients understand) and, where the provider signs it (Anthropic), also as
 * {@code thinking_blocks} so a client can send it back in the next turn.
 */
public final class OpenAiCodec {
  private OpenAiCodec() {}

  // ------------------------------------------------------------------ request: OpenAI -> canonical

  public static ChatRequest decodeRequest(JsonNode body) {
    List<Part> system = new ArrayList<>();
    List<Message> messages = new ArrayList<>();
    JsonNode msgs = body.path("messages");
    for (int i = 0; i < msgs.size(); i++) {
      JsonNode m = msgs.get(i);
      String role = Nodes.text(m, "role");
      if (role == null) throw ApiError.missingParameter("messages[" + i + "].role");
      switch (role) {
        case "system", "developer" -> system.addAll(contentParts(m.get("content"), i));
        case "user" -> messages.add(new Message(Message.Role.USER, contentParts(m.get("content"), i), Nodes.text(m, "name")));
        case "assistant" -> messages.add(assistant(m, i));
        case "tool" -> messages.add(new Message(Message.Role.TOOL, List.of(new Part.ToolResult(
            Nodes.text(m, "tool_call_id"), contentParts(m.get("content"), i), false, null)), null));
        case "function" -> throw ApiError.invalidParameter("messages[" + i + "].role",
            "The deprecated 'function' role cannot be translated for this model; use 'tool' messages.");
        default -> throw ApiError.invalidParameter("messages[" + i + "].role", "Unknown role '" + role + "'.");
      }
    }
    List<ToolDef> tools = null;
    JsonNode t = Nodes.node(body, "tools");
    if (t != null) {
      tools = new ArrayList<>();
      for (JsonNode tool : t) {
        JsonNode f = tool.path("function");
        tools.add(new ToolDef(Nodes.text(f, "name"), Nodes.text(f, "description"), Nodes.node(f, "parameters"),
            Nodes.bool(f, "strict"), null));
      }
    }
    JsonNode so = Nodes.node(body, "stream_options");
    Integer maxTokens = Nodes.integer(body, "max_completion_tokens");
    if (maxTokens == null) maxTokens = Nodes.integer(body, "max_tokens");
    String effort = Nodes.text(body, "reasoning_effort");
    return new ChatRequest(
        Nodes.text(body, "model"), system.isEmpty() ? null : system, messages, tools, toolChoice(Nodes.node(body, "tool_choice")),
        Nodes.bool(body, "parallel_tool_calls"), maxTokens, Nodes.number(body, "temperature"), Nodes.number(body, "top_p"),
        null, Nodes.strings(Nodes.node(body, "stop")), responseFormat(Nodes.node(body, "response_format")),
        effort == null ? null : new Reasoning(effort, null, true),
        Boolean.TRUE.equals(Nodes.bool(body, "stream")), so != null && so.path("include_usage").asBoolean(false),
        Nodes.text(body, "user"), Nodes.integer(body, "n"), Nodes.longValue(body, "seed"), Nodes.node(body, "metadata"),
        unmapped(body));
  }

  /** Fields the canonical request carries; everything else is "unmapped" (see ChatRequest#unmapped). */
  private static final java.util.Set<String> MAPPED = java.util.Set.of("model", "messages", "tools", "tool_choice",
      "parallel_tool_calls", "max_tokens", "max_completion_tokens", "temperature", "top_p", "stop", "response_format",
      "reasoning_effort", "stream", "stream_options", "user", "n", "seed", "metadata",
      // accepted and meaningless once translated: OpenAI-side storage, caching and tiering hints
      "store", "service_tier", "prompt_cache_key", "safety_identifier", "include_obfuscation");

  private static java.util.Map<String, JsonNode> unmapped(JsonNode body) {
    java.util.Map<String, JsonNode> out = new java.util.LinkedHashMap<>();
    for (var e : body.properties()) {
      if (!MAPPED.contains(e.getKey()) && !e.getValue().isNull()) out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  private static Message assistant(JsonNode m, int i) {
    List<Part> parts = new ArrayList<>();
    JsonNode blocks = Nodes.node(m, "thinking_blocks");
    if (blocks != null) {
      for (JsonNode b : blocks) {
        if ("redacted_thinking".equals(Nodes.text(b, "type"))) parts.add(new Part.RedactedThinking(Nodes.text(b, "data")));
        else parts.add(new Part.Thinking(Nodes.text(b, "thinking"), Nodes.text(b, "signature")));
      }
    } else if (Nodes.text(m, "reasoning_content") != null) {
      parts.add(new Part.Thinking(Nodes.text(m, "reasoning_content"), null));
    }
    JsonNode content = Nodes.node(m, "content");
    if (content != null) parts.addAll(contentParts(content, i));
    JsonNode calls = Nodes.node(m, "tool_calls");
    if (calls != null) {
      for (JsonNode c : calls) {
        JsonNode f = c.path("function");
        parts.add(new Part.ToolCall(Nodes.text(c, "id"), Nodes.text(f, "name"), Nodes.text(f, "arguments")));
      }
    }
    return new Message(Message.Role.ASSISTANT, parts, Nodes.text(m, "name"));
  }

  private static List<Part> contentParts(JsonNode content, int i) {
    List<Part> parts = new ArrayList<>();
    if (content == null || content.isNull()) return parts;
    if (content.isTextual()) {
      parts.add(new Part.Text(content.asText()));
      return parts;
    }
    for (JsonNode p : content) {
      String type = Nodes.text(p, "type");
      if (type == null) type = "text";
      switch (type) {
        case "text" -> parts.add(new Part.Text(Nodes.text(p, "text"), Nodes.node(p, "cache_control")));
        case "image_url" -> {
          JsonNode iu = p.path("image_url");
          String url = iu.isTextual() ? iu.asText() : Nodes.text(iu, "url");
          parts.add(Part.Image.fromDataOrUrl(url, iu.isObject() ? Nodes.text(iu, "detail") : null));
        }
        case "refusal" -> parts.add(new Part.Text(Nodes.text(p, "refusal")));
        default -> throw ApiError.invalidParameter("messages[" + i + "].content",
            "Content parts of type '" + type + "' cannot be translated for this model.");
      }
    }
    return parts;
  }

  private static ToolChoice toolChoice(JsonNode tc) {
    if (tc == null) return null;
    if (tc.isTextual()) {
      return switch (tc.asText()) {
        case "none" -> ToolChoice.NONE;
        case "required" -> ToolChoice.REQUIRED;
        default -> ToolChoice.AUTO;
      };
    }
    String name = Nodes.text(tc.path("function"), "name");
    return name == null ? ToolChoice.AUTO : new ToolChoice(ToolChoice.Kind.NAMED, name);
  }

  private static ResponseFormat responseFormat(JsonNode rf) {
    if (rf == null) return null;
    String type = Nodes.text(rf, "type");
    if ("json_object".equals(type)) return new ResponseFormat(ResponseFormat.Kind.JSON_OBJECT, null, null, null);
    if ("json_schema".equals(type)) {
      JsonNode js = rf.path("json_schema");
      return new ResponseFormat(ResponseFormat.Kind.JSON_SCHEMA, Nodes.text(js, "name"), Nodes.node(js, "schema"), Nodes.bool(js, "strict"));
    }
    return new ResponseFormat(ResponseFormat.Kind.TEXT, null, null, null);
  }

  // ------------------------------------------------------------------ request: canonical -> OpenAI

  /**
   * @param maxTokensField {@code max_completion_tokens} for OpenAI itself (its reasoning models
   *     refuse {@code max_tokens}), {@code max_tokens} for the compatible servers
   */
  public static ObjectNode encodeRequest(ChatRequest r, String model, String maxTokensField) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("model", model);
    ArrayNode msgs = out.putArray("messages");
    String system = r.systemText();
    if (system != null && !system.isEmpty()) msgs.addObject().put("role", "system").put("content", system);
    for (Message m : r.messages()) {
      switch (m.role()) {
        case USER -> {
          List<Part> rest = new ArrayList<>();
          for (Part p : m.content()) {
            if (p instanceof Part.ToolResult tr) msgs.add(toolMessage(tr));
            else rest.add(p);
          }
          if (!rest.isEmpty()) msgs.addObject().put("role", "user").set("content", userContent(rest));
        }
        case TOOL -> {
          for (Part p : m.content()) if (p instanceof Part.ToolResult tr) msgs.add(toolMessage(tr));
        }
        case ASSISTANT -> msgs.add(assistantMessage(m));
      }
    }
    if (r.tools() != null && !r.tools().isEmpty()) {
      ArrayNode tools = out.putArray("tools");
      for (ToolDef t : r.tools()) {
        ObjectNode f = tools.addObject().put("type", "function").putObject("function");
        f.put("name", t.name());
        if (t.description() != null) f.put("description", t.description());
        f.set("parameters", t.parameters() != null ? t.parameters() : Json.MAPPER.createObjectNode().put("type", "object"));
        if (t.strict() != null) f.put("strict", t.strict());
      }
    }
    if (r.toolChoice() != null) {
      switch (r.toolChoice().kind()) {
        case AUTO -> out.put("tool_choice", "auto");
        case NONE -> out.put("tool_choice", "none");
        case REQUIRED -> out.put("tool_choice", "required");
        case NAMED -> out.putObject("tool_choice").put("type", "function").putObject("function").put("name", r.toolChoice().name());
      }
    }
    if (r.parallelToolCalls() != null && r.tools() != null && !r.tools().isEmpty()) out.put("parallel_tool_calls", r.parallelToolCalls());
    if (r.maxTokens() != null) out.put(maxTokensField, r.maxTokens());
    if (r.temperature() != null) out.put("temperature", r.temperature());
    if (r.topP() != null) out.put("top_p", r.topP());
    if (r.stop() != null && !r.stop().isEmpty()) {
      ArrayNode stop = out.putArray("stop");
      r.stop().forEach(stop::add);
    }
    if (r.responseFormat() != null) {
      ResponseFormat f = r.responseFormat();
      ObjectNode rf = out.putObject("response_format");
      switch (f.kind()) {
        case TEXT -> rf.put("type", "text");
        case JSON_OBJECT -> rf.put("type", "json_object");
        case JSON_SCHEMA -> {
          rf.put("type", "json_schema");
          ObjectNode js = rf.putObject("json_schema");
          js.put("name", f.name() != null ? f.name() : "response");
          if (f.schema() != null) js.set("schema", f.schema());
          if (f.strict() != null) js.put("strict", f.strict());
        }
      }
    }
    if (r.reasoning() != null) {
      out.put("reasoning_effort", r.reasoning().effort() != null ? r.reasoning().effort()
          : Reasoning.effortFor(r.reasoning().budgetTokens(4096)));
    }
    if (r.user() != null) out.put("user", r.user());
    if (r.seed() != null) out.put("seed", r.seed());
    if (r.stream()) {
      out.put("stream", true);
      out.putObject("stream_options").put("include_usage", true);
    }
    return out;
  }

  private static ObjectNode toolMessage(Part.ToolResult tr) {
    ObjectNode m = Json.MAPPER.createObjectNode().put("role", "tool").put("tool_call_id", tr.toolCallId());
    StringBuilder text = new StringBuilder();
    for (Part p : tr.content()) if (p instanceof Part.Text t) text.append(t.text());
    String s = text.toString();
    m.put("content", tr.isError() && !s.startsWith("Error") ? "Error: " + s : s);
    return m;
  }

  private static JsonNode userContent(List<Part> parts) {
    boolean onlyText = parts.stream().allMatch(p -> p instanceof Part.Text);
    if (onlyText) {
      StringBuilder sb = new StringBuilder();
      for (Part p : parts) sb.append(((Part.Text) p).text());
      return Json.MAPPER.getNodeFactory().textNode(sb.toString());
    }
    ArrayNode arr = Json.MAPPER.createArrayNode();
    for (Part p : parts) {
      if (p instanceof Part.Text t) arr.addObject().put("type", "text").put("text", t.text());
      else if (p instanceof Part.Image img) {
        ObjectNode iu = arr.addObject().put("type", "image_url").putObject("image_url");
        iu.put("url", img.asDataUrlOrUrl());
        if (img.detail() != null) iu.put("detail", img.detail());
      }
    }
    return arr;
  }

  private static ObjectNode assistantMessage(Message m) {
    ObjectNode o = Json.MAPPER.createObjectNode().put("role", "assistant");
    StringBuilder text = new StringBuilder();
    ArrayNode calls = null;
    for (Part p : m.content()) {
      if (p instanceof Part.Text t) text.append(t.text());
      else if (p instanceof Part.ToolCall c) {
        if (calls == null) calls = Json.MAPPER.createArrayNode();
        ObjectNode call = calls.addObject().put("id", c.id()).put("type", "function");
        call.putObject("function").put("name", c.name()).put("arguments", c.arguments() == null ? "{}" : c.arguments());
      }
      // Thinking is not sent back to OpenAI-style upstreams: they do not accept it as input.
    }
    if (text.length() > 0) o.put("content", text.toString());
    else o.putNull("content");
    if (calls != null) o.set("tool_calls", calls);
    return o;
  }

  // ------------------------------------------------------------------ response: OpenAI -> canonical

  public static ChatResponse decodeResponse(JsonNode body) {
    JsonNode choice = body.path("choices").path(0);
    JsonNode msg = choice.path("message");
    List<Part> parts = new ArrayList<>();
    String reasoning = Nodes.text(msg, "reasoning_content");
    if (reasoning == null) reasoning = Nodes.text(msg, "reasoning");
    if (reasoning != null && !reasoning.isEmpty()) parts.add(new Part.Thinking(reasoning, null));
    String content = Nodes.text(msg, "content");
    if (content != null && !content.isEmpty()) parts.add(new Part.Text(content));
    String refusal = Nodes.text(msg, "refusal");
    if (refusal != null && !refusal.isEmpty()) parts.add(new Part.Text(refusal));
    JsonNode calls = Nodes.node(msg, "tool_calls");
    if (calls != null) {
      for (JsonNode c : calls) {
        JsonNode f = c.path("function");
        parts.add(new Part.ToolCall(Nodes.text(c, "id"), Nodes.text(f, "name"), Nodes.text(f, "arguments")));
      }
    }
    StopReason reason = refusal != null && !refusal.isEmpty() ? StopReason.REFUSAL : StopReason.fromOpenAi(Nodes.text(choice, "finish_reason"));
    return new ChatResponse(Nodes.text(body, "id"), Nodes.text(body, "model"), parts, reason, null,
        usage(Nodes.node(body, "usage")), body.path("created").asLong(System.currentTimeMillis() / 1000));
  }

  static Usage usage(JsonNode u) {
    if (u == null) return Usage.UNKNOWN;
    long in = u.path("prompt_tokens").asLong(-1);
    long out = u.path("completion_tokens").asLong(-1);
    long cached = u.path("prompt_tokens_details").path("cached_tokens").asLong(-1);
    long reasoning = u.path("completion_tokens_details").path("reasoning_tokens").asLong(-1);
    return new Usage(in, out, cached, reasoning, false);
  }

  // ------------------------------------------------------------------ response: canonical -> OpenAI

  public static ObjectNode encodeResponse(ChatResponse r, String model) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("id", chatId(r.id()));
    out.put("object", "chat.completion");
    out.put("created", r.created());
    out.put("model", model);
    ObjectNode choice = out.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode msg = choice.putObject("message");
    msg.put("role", "assistant");
    StringBuilder text = new StringBuilder();
    StringBuilder thinking = new StringBuilder();
    ArrayNode calls = null;
    ArrayNode blocks = null;
    for (Part p : r.content()) {
      if (p instanceof Part.Text t) text.append(t.text());
      else if (p instanceof Part.Thinking th) {
        thinking.append(th.text() == null ? "" : th.text());
        if (th.signature() != null) {
          if (blocks == null) blocks = Json.MAPPER.createArrayNode();
          blocks.addObject().put("type", "thinking").put("thinking", th.text()).put("signature", th.signature());
        }
      } else if (p instanceof Part.RedactedThinking rt) {
        if (blocks == null) blocks = Json.MAPPER.createArrayNode();
        blocks.addObject().put("type", "redacted_thinking").put("data", rt.data());
      } else if (p instanceof Part.ToolCall c) {
        if (calls == null) calls = Json.MAPPER.createArrayNode();
        ObjectNode call = calls.addObject().put("id", c.id()).put("type", "function");
        call.putObject("function").put("name", c.name()).put("arguments", c.arguments() == null ? "{}" : c.arguments());
      }
    }
    if (text.length() > 0 || calls == null) msg.put("content", text.toString());
    else msg.putNull("content");
    msg.putNull("refusal");
    if (thinking.length() > 0) msg.put("reasoning_content", thinking.toString());
    if (blocks != null) msg.set("thinking_blocks", blocks);
    if (calls != null) msg.set("tool_calls", calls);
    choice.putNull("logprobs");
    choice.put("finish_reason", r.stopReason().openAi());
    out.set("usage", usageNode(r.usage()));
    return out;
  }

  public static ObjectNode usageNode(Usage u) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    long in = Math.max(u.inputTokens(), 0), out = Math.max(u.outputTokens(), 0);
    n.put("prompt_tokens", in);
    n.put("completion_tokens", out);
    n.put("total_tokens", in + out);
    n.putObject("prompt_tokens_details").put("cached_tokens", Math.max(u.cachedTokens(), 0));
    n.putObject("completion_tokens_details").put("reasoning_tokens", Math.max(u.reasoningTokens(), 0));
    return n;
  }

  static String chatId(String upstreamId) {
    if (upstreamId == null) return "chatcmpl-" + Long.toHexString(System.nanoTime());
    return upstreamId.startsWith("chatcmpl") ? upstreamId : "chatcmpl-" + upstreamId;
  }
}
