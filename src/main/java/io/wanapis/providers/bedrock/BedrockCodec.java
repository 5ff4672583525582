package io.wanapis.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanapis.canonical.ChatRequest;
import io.wanapis.canonical.ChatResponse;
import io.wanapis.canonical.Message;
import io.wanapis.canonical.Nodes;
import io.wanapis.canonical.Part;
import io.wanapis.canonical.ResponseFormat;
import io.wanapis.canonical.StopReason;
import io.wanapis.canonical.ToolDef;
import io.wanapis.errors.ApiError;
import io.wanapis.json.Json;
import io.wanapis.usage.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * Canonical model ⇄ Bedrock Converse. JSON mode uses a forced synthetic tool, as for Anthropic
 * (Converse has no response_format). Reasoning (Claude on Bedrock) goes through
 * {@code additionalModelRequestFields.thinking}.
 */
public final class BedrockCodec {
  static final String JSON_TOOL = "json_response";

  private BedrockCodec() {}

  public static ObjectNode encodeRequest(ChatRequest r) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    String system = r.systemText();
    if (system != null && !system.isEmpty()) out.putArray("system").addObject().put("text", system);
    ArrayNode msgs = out.putArray("messages");
    for (int i = 0; i < r.messages().size(); i++) {
      Message m = r.messages().get(i);
      ArrayNode content = Json.MAPPER.createArrayNode();
      for (Part p : m.content()) {
        JsonNode b = block(p, i);
        if (b != null) content.add(b);
      }
      if (content.isEmpty()) continue;
      String role = m.role() == Message.Role.ASSISTANT ? "assistant" : "user";
      ObjectNode last = msgs.isEmpty() ? null : (ObjectNode) msgs.get(msgs.size() - 1);
      if (last != null && role.equals(last.path("role").asText())) ((ArrayNode) last.get("content")).addAll(content);
      else msgs.addObject().put("role", role).set("content", content);
    }
    ObjectNode inf = out.putObject("inferenceConfig");
    if (r.maxTokens() != null) inf.put("maxTokens", r.maxTokens());
    if (r.temperature() != null) inf.put("temperature", r.temperature());
    if (r.topP() != null) inf.put("topP", r.topP());
    if (r.stop() != null && !r.stop().isEmpty()) {
      ArrayNode s = inf.putArray("stopSequences");
      r.stop().forEach(s::add);
    }
    boolean jsonMode = r.responseFormat() != null && r.responseFormat().kind() != ResponseFormat.Kind.TEXT;
    List<ToolDef> tools = r.tools() == null ? new ArrayList<>() : new ArrayList<>(r.tools());
    if (jsonMode) {
      JsonNode schema = r.responseFormat().schema() != null ? r.responseFormat().schema() : Json.MAPPER.createObjectNode().put("type", "object");
      tools.add(new ToolDef(JSON_TOOL, "Respond with the final answer as JSON through this tool.", schema, null, null));
    }
    boolean toolsOff = r.toolChoice() != null && r.toolChoice().kind() == io.wanapis.canonical.ToolChoice.Kind.NONE && !jsonMode;
    if (!tools.isEmpty() && !toolsOff) {
      ObjectNode tc = out.putObject("toolConfig");
      ArrayNode arr = tc.putArray("tools");
      for (ToolDef t : tools) {
        ObjectNode spec = arr.addObject().putObject("toolSpec").put("name", t.name());
        if (t.description() != null && !t.description().isEmpty()) spec.put("description", t.description());
        spec.putObject("inputSchema").set("json", t.parameters() != null ? t.parameters() : Json.MAPPER.createObjectNode().put("type", "object"));
      }
      if (jsonMode) tc.putObject("toolChoice").putObject("tool").put("name", JSON_TOOL);
      else if (r.toolChoice() != null) {
        switch (r.toolChoice().kind()) {
          case AUTO -> tc.putObject("toolChoice").putObject("auto");
          case REQUIRED -> tc.putObject("toolChoice").putObject("any");
          case NAMED -> tc.putObject("toolChoice").putObject("tool").put("name", r.toolChoice().name());
          default -> { }
        }
      }
    }
    if (r.reasoning() != null) {
      out.putObject("additionalModelRequestFields").putObject("thinking").put("type", "enabled")
          .put("budget_tokens", r.reasoning().budgetTokens(4096));
    }
    return out;
  }

  private static JsonNode block(Part p, int i) {
    if (p instanceof Part.Text t) return t.text() == null || t.text().isEmpty() ? null : Json.MAPPER.createObjectNode().put("text", t.text());
    if (p instanceof Part.Image img) {
      if (img.base64() == null) {
        throw ApiError.invalidParameter("messages[" + i + "].content",
            "Bedrock takes images inline: send them as base64 data URLs, not as https URLs.");
      }
      String format = img.mediaType() == null ? "png" : img.mediaType().substring(img.mediaType().indexOf('/') + 1);
      ObjectNode o = Json.MAPPER.createObjectNode();
      o.putObject("image").put("format", format).putObject("source").put("bytes", img.base64());
      return o;
    }
    if (p instanceof Part.ToolCall c) {
      ObjectNode o = Json.MAPPER.createObjectNode();
      ObjectNode tu = o.putObject("toolUse").put("toolUseId", c.id()).put("name", c.name());
      tu.set("input", Nodes.parseArguments(c.arguments()));
      return o;
    }
    if (p instanceof Part.ToolResult tr) {
      ObjectNode o = Json.MAPPER.createObjectNode();
      ObjectNode res = o.putObject("toolResult").put("toolUseId", tr.toolCallId());
      ArrayNode content = res.putArray("content");
      for (Part x : tr.content()) if (x instanceof Part.Text t) content.addObject().put("text", t.text());
      if (content.isEmpty()) content.addObject().put("text", "");
      if (tr.isError()) res.put("status", "error");
      return o;
    }
    if (p instanceof Part.Thinking th && th.signature() != null) {
      ObjectNode o = Json.MAPPER.createObjectNode();
      o.putObject("reasoningContent").putObject("reasoningText").put("text", th.text()).put("signature", th.signature());
      return o;
    }
    return null;
  }

  public static ChatResponse decodeResponse(JsonNode body, boolean jsonMode) {
    List<Part> parts = new ArrayList<>();
    StopReason reason = stopReason(Nodes.text(body, "stopReason"));
    for (JsonNode b : body.path("output").path("message").path("content")) {
      if (b.has("text")) parts.add(new Part.Text(b.get("text").asText()));
      else if (b.has("toolUse")) {
        JsonNode tu = b.get("toolUse");
        String input = Nodes.string(tu.has("input") ? tu.get("input") : Json.MAPPER.createObjectNode());
        if (jsonMode && JSON_TOOL.equals(Nodes.text(tu, "name"))) {
          parts.add(new Part.Text(input));
          reason = StopReason.END_TURN;
        } else {
          parts.add(new Part.ToolCall(Nodes.text(tu, "toolUseId"), Nodes.text(tu, "name"), input));
        }
      } else if (b.has("reasoningContent")) {
        JsonNode rt = b.get("reasoningContent").path("reasoningText");
        parts.add(new Part.Thinking(Nodes.text(rt, "text"), Nodes.text(rt, "signature")));
      }
    }
    return new ChatResponse(null, null, parts, reason, null, usage(Nodes.node(body, "usage")), System.currentTimeMillis() / 1000);
  }

  static StopReason stopReason(String s) {
    if (s == null) return StopReason.END_TURN;
    return switch (s) {
      case "tool_use" -> StopReason.TOOL_USE;
      case "max_tokens", "model_context_window_exceeded" -> StopReason.MAX_TOKENS;
      case "stop_sequence" -> StopReason.STOP_SEQUENCE;
      case "guardrail_intervened", "content_filtered" -> StopReason.CONTENT_FILTER;
      default -> StopReason.END_TURN;
    };
  }

  /** Bedrock's inputTokens excludes cache reads and writes, like Anthropic's. */
  static Usage usage(JsonNode u) {
    if (u == null) return Usage.UNKNOWN;
    long in = u.path("inputTokens").asLong(-1);
    long read = u.path("cacheReadInputTokens").asLong(0);
    long write = u.path("cacheWriteInputTokens").asLong(0);
    return new Usage(in < 0 ? -1 : in + read + write, u.path("outputTokens").asLong(-1), read, -1, write, false);
  }
}
