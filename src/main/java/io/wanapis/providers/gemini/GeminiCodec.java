package io.wanapis.providers.gemini;

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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Canonical model ⇄ Gemini generateContent (Google AI Studio, v1beta). Gemini is only an
 * upstream here: requests go canonical → Gemini, answers Gemini → canonical.
 *
 * <p>Tool-call ids: Gemini gives none (or its own); the gateway makes {@code call_} + 24 hex of
 * a hash of the response id and the call's position, so the same answer always yields the same
 * ids (stream or not), and maps them back to function names when the results come back.
 */
public final class GeminiCodec {
  /** OpenAI fields outside the canonical model that Gemini's generationConfig has too. */
  static final java.util.Set<String> HONOURED = java.util.Set.of("presence_penalty", "frequency_penalty");

  private GeminiCodec() {}

  // ------------------------------------------------------------------ request

  public static ObjectNode encodeRequest(ChatRequest r, String model) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    String system = r.systemText();
    if (system != null && !system.isEmpty()) out.putObject("systemInstruction").putArray("parts").addObject().put("text", system);
    Map<String, String> callNames = new HashMap<>();
    for (Message m : r.messages()) for (Part p : m.content()) if (p instanceof Part.ToolCall c) callNames.put(c.id(), c.name());
    ArrayNode contents = out.putArray("contents");
    for (int i = 0; i < r.messages().size(); i++) {
      Message m = r.messages().get(i);
      String role = m.role() == Message.Role.ASSISTANT ? "model" : "user";
      ArrayNode parts = Json.MAPPER.createArrayNode();
      for (Part p : m.content()) {
        JsonNode g = part(p, callNames, i);
        if (g != null) parts.add(g);
      }
      if (parts.isEmpty()) continue;
      // Gemini wants user/model turns; consecutive same-role messages (tool results, then text) merge.
      ObjectNode last = contents.isEmpty() ? null : (ObjectNode) contents.get(contents.size() - 1);
      if (last != null && role.equals(last.path("role").asText())) ((ArrayNode) last.get("parts")).addAll(parts);
      else contents.addObject().put("role", role).set("parts", parts);
    }
    if (r.tools() != null && !r.tools().isEmpty()) {
      ArrayNode decls = out.putArray("tools").addObject().putArray("functionDeclarations");
      for (ToolDef t : r.tools()) {
        ObjectNode d = decls.addObject().put("name", t.name());
        if (t.description() != null) d.put("description", t.description());
        if (t.parameters() != null) d.set("parametersJsonSchema", t.parameters());
      }
      if (r.toolChoice() != null) {
        ObjectNode fc = out.putObject("toolConfig").putObject("functionCallingConfig");
        switch (r.toolChoice().kind()) {
          case AUTO -> fc.put("mode", "AUTO");
          case NONE -> fc.put("mode", "NONE");
          case REQUIRED -> fc.put("mode", "ANY");
          case NAMED -> {
            fc.put("mode", "ANY");
            fc.putArray("allowedFunctionNames").add(r.toolChoice().name());
          }
        }
      }
    }
    ObjectNode gc = out.putObject("generationConfig");
    if (r.maxTokens() != null) gc.put("maxOutputTokens", r.maxTokens());
    if (r.temperature() != null) gc.put("temperature", r.temperature());
    if (r.topP() != null) gc.put("topP", r.topP());
    if (r.topK() != null) gc.put("topK", r.topK());
    if (r.n() != null && r.n() > 1) gc.put("candidateCount", r.n());
    if (r.seed() != null) gc.put("seed", r.seed());
    JsonNode presence = r.unmapped().get("presence_penalty");
    if (presence != null) gc.put("presencePenalty", presence.asDouble());
    JsonNode frequency = r.unmapped().get("frequency_penalty");
    if (frequency != null) gc.put("frequencyPenalty", frequency.asDouble());
    if (r.stop() != null && !r.stop().isEmpty()) {
      ArrayNode s = gc.putArray("stopSequences");
      r.stop().forEach(s::add);
    }
    ResponseFormat f = r.responseFormat();
    if (f != null && f.kind() != ResponseFormat.Kind.TEXT) {
      gc.put("responseMimeType", "application/json");
      if (f.kind() == ResponseFormat.Kind.JSON_SCHEMA && f.schema() != null) gc.set("responseJsonSchema", f.schema());
    }
    if (r.reasoning() != null) {
      gc.putObject("thinkingConfig").put("thinkingBudget", r.reasoning().budgetTokens(4096)).put("includeThoughts", true);
    }
    return out;
  }

  private static JsonNode part(Part p, Map<String, String> callNames, int msgIndex) {
    if (p instanceof Part.Text t) return t.text() == null || t.text().isEmpty() ? null : Json.MAPPER.createObjectNode().put("text", t.text());
    if (p instanceof Part.Image img) {
      if (img.base64() == null) {
        throw ApiError.invalidParameter("messages[" + msgIndex + "].content",
            "Gemini takes images inline: send them as base64 data URLs (data:image/png;base64,...), not as https URLs.");
      }
      ObjectNode o = Json.MAPPER.createObjectNode();
      o.putObject("inlineData").put("mimeType", img.mediaType()).put("data", img.base64());
      return o;
    }
    if (p instanceof Part.ToolCall c) {
      ObjectNode o = Json.MAPPER.createObjectNode();
      ObjectNode fc = o.putObject("functionCall").put("name", c.name());
      fc.set("args", Nodes.parseArguments(c.arguments()));
      String sig = ThoughtSignatures.forCall(c.id());
      if (sig != null) o.put("thoughtSignature", sig);
      return o;
    }
    if (p instanceof Part.ToolResult tr) {
      String name = callNames.get(tr.toolCallId());
      if (name == null) {
        throw ApiError.invalidParameter("messages[" + msgIndex + "].tool_call_id", "Tool result '" + tr.toolCallId()
            + "' answers no tool call in the conversation; Gemini needs the function's name.");
      }
      StringBuilder text = new StringBuilder();
      for (Part x : tr.content()) if (x instanceof Part.Text t) text.append(t.text());
      ObjectNode o = Json.MAPPER.createObjectNode();
      ObjectNode fr = o.putObject("functionResponse").put("name", name);
      ObjectNode resp = fr.putObject("response");
      JsonNode parsed = text.length() > 0 && (text.charAt(0) == '{') ? Nodes.parseArguments(text.toString()) : null;
      if (parsed != null && parsed.isObject() && !parsed.has("_raw_arguments")) fr.set("response", parsed);
      else resp.put(tr.isError() ? "error" : "result", text.toString());
      return o;
    }
    if (p instanceof Part.Thinking th) {
      if (th.signature() == null) return null; // unsigned reasoning from another provider: not Gemini's to read
      return Json.MAPPER.createObjectNode().put("text", th.text()).put("thought", true).put("thoughtSignature", th.signature());
    }
    return null;
  }

  // ------------------------------------------------------------------ response

  public static ChatResponse decodeResponse(JsonNode body, String provider) {
    JsonNode cand = body.path("candidates").path(0);
    String responseId = Nodes.text(body, "responseId");
    List<Part> parts = new ArrayList<>();
    int calls = 0;
    for (JsonNode p : cand.path("content").path("parts")) {
      Part part = decodePart(p, responseId, calls);
      if (part instanceof Part.ToolCall) calls++;
      if (part != null) parts.add(part);
    }
    StopReason reason = stopReason(Nodes.text(cand, "finishReason"), calls > 0);
    if (cand.isMissingNode() && body.path("promptFeedback").has("blockReason")) reason = StopReason.CONTENT_FILTER;
    return new ChatResponse(responseId, Nodes.text(body, "modelVersion"), parts, reason, null,
        usage(Nodes.node(body, "usageMetadata")), System.currentTimeMillis() / 1000);
  }

  /** One Gemini part → canonical part (null for parts with no OpenAI form). */
  static Part decodePart(JsonNode p, String responseId, int callIndex) {
    if (p.has("functionCall")) {
      JsonNode fc = p.get("functionCall");
      String id = Nodes.text(fc, "id");
      if (id == null || id.isEmpty()) id = callId(responseId, callIndex);
      ThoughtSignatures.remember(id, Nodes.text(p, "thoughtSignature"));
      return new Part.ToolCall(id, Nodes.text(fc, "name"), Nodes.string(fc.has("args") ? fc.get("args") : Json.MAPPER.createObjectNode()));
    }
    String text = Nodes.text(p, "text");
    if (text == null) return null;
    if (p.path("thought").asBoolean(false)) return new Part.Thinking(text, Nodes.text(p, "thoughtSignature"));
    return new Part.Text(text);
  }

  static String callId(String responseId, int index) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest((responseId + ":" + index).getBytes(StandardCharsets.UTF_8));
      return "call_" + HexFormat.of().formatHex(h).substring(0, 24);
    } catch (Exception e) {
      return "call_" + index;
    }
  }

  static StopReason stopReason(String finish, boolean calledTools) {
    if (finish == null) return calledTools ? StopReason.TOOL_USE : StopReason.END_TURN;
    return switch (finish) {
      case "MAX_TOKENS" -> StopReason.MAX_TOKENS;
      case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" -> StopReason.CONTENT_FILTER;
      default -> calledTools ? StopReason.TOOL_USE : StopReason.END_TURN;
    };
  }

  /** Gemini counts thoughts apart from candidates; OpenAI's completion tokens include reasoning. */
  static Usage usage(JsonNode u) {
    if (u == null) return Usage.UNKNOWN;
    long in = u.path("promptTokenCount").asLong(-1);
    long cand = u.path("candidatesTokenCount").asLong(0);
    long thoughts = u.path("thoughtsTokenCount").asLong(0);
    long cached = u.path("cachedContentTokenCount").asLong(0);
    return new Usage(in, cand + thoughts, cached, thoughts, -1, false);
  }
}
