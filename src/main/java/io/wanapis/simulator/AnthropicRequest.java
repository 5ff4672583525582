package io.wanapis.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The parts of an Anthropic {@code /v1/messages} (or {@code count_tokens}) body that shape the simulated answer,
 * checked with Anthropic's error texts ({@code "max_tokens: Field required"} and the like).
 */
record AnthropicRequest(
    String model,
    int maxTokens,
    boolean stream,
    JsonNode system,
    List<JsonNode> messages,
    List<Tool> tools,
    String toolChoice,
    String toolChoiceName,
    int thinkingBudget) {

  /** A client tool: {@code {name, description, input_schema}} (server tools have a {@code type} and no schema). */
  record Tool(String name, String description, JsonNode inputSchema, JsonNode raw) {}

  static final int NO_THINKING = -1;

  static AnthropicRequest parse(String rawBody, boolean countTokens) {
    JsonNode body;
    try {
      body = rawBody == null || rawBody.isBlank() ? null : Json.MAPPER.readTree(rawBody);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ApiException(AnthropicError.invalidRequest("The request body is not valid JSON: " + e.getOriginalMessage()));
    }
    if (body == null || !body.isObject()) {
      throw new ApiException(AnthropicError.invalidRequest("The request body must be a JSON object."));
    }
    JsonNode model = body.get("model");
    if (model == null || model.isNull()) {
      throw new ApiException(AnthropicError.fieldRequired("model"));
    }
    if (!model.isTextual()) {
      throw new ApiException(AnthropicError.invalidRequest("model: Input should be a valid string"));
    }
    int maxTokens = Integer.MAX_VALUE;
    if (!countTokens) {
      JsonNode max = body.get("max_tokens");
      if (max == null || max.isNull()) {
        throw new ApiException(AnthropicError.fieldRequired("max_tokens"));
      }
      if (!max.isIntegralNumber()) {
        throw new ApiException(AnthropicError.invalidRequest("max_tokens: Input should be a valid integer"));
      }
      if (max.asLong() < 1) {
        throw new ApiException(AnthropicError.invalidRequest(
            "max_tokens: Input should be greater than or equal to 1"));
      }
      maxTokens = (int) Math.min(Integer.MAX_VALUE, max.asLong());
    }
    List<JsonNode> messages = messages(body.get("messages"));
    List<Tool> tools = new ArrayList<>();
    for (JsonNode tool : body.path("tools")) {
      if (tool.path("name").isTextual() && tool.has("input_schema")) {
        tools.add(new Tool(tool.get("name").asText(), tool.path("description").asText(""), tool.get("input_schema"), tool));
      }
    }
    JsonNode choice = body.path("tool_choice");
    String toolChoice = choice.path("type").asText("auto");
    String toolChoiceName = null;
    if (toolChoice.equals("tool")) {
      if (!choice.path("name").isTextual()) {
        throw new ApiException(AnthropicError.fieldRequired("tool_choice.tool.name"));
      }
      toolChoiceName = choice.get("name").asText();
    }
    int thinkingBudget = thinking(body.path("thinking"), maxTokens, countTokens);
    if (thinkingBudget != NO_THINKING && (toolChoice.equals("any") || toolChoice.equals("tool"))) {
      throw new ApiException(AnthropicError.invalidRequest(
          "Thinking may not be enabled when tool_choice forces tool use."));
    }
    return new AnthropicRequest(model.asText(), maxTokens, body.path("stream").asBoolean(false), body.get("system"),
        messages, List.copyOf(tools), toolChoice, toolChoiceName, thinkingBudget);
  }

  private static List<JsonNode> messages(JsonNode messages) {
    if (messages == null || messages.isNull()) {
      throw new ApiException(AnthropicError.fieldRequired("messages"));
    }
    if (!messages.isArray()) {
      throw new ApiException(AnthropicError.invalidRequest("messages: Input should be a valid list"));
    }
    if (messages.isEmpty()) {
      throw new ApiException(AnthropicError.invalidRequest("messages: at least one message is required"));
    }
    List<JsonNode> out = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String role = m.path("role").asText("");
      if (!role.equals("user") && !role.equals("assistant")) {
        throw new ApiException(AnthropicError.invalidRequest(
            "messages." + i + ".role: Input should be 'user' or 'assistant'"));
      }
      if (!m.has("content") || m.get("content").isNull()) {
        throw new ApiException(AnthropicError.fieldRequired("messages." + i + ".content"));
      }
      out.add(m);
    }
    return List.copyOf(out);
  }

  private static int thinking(JsonNode thinking, int maxTokens, boolean countTokens) {
    if (!thinking.isObject() || !"enabled".equals(thinking.path("type").asText())) {
      return NO_THINKING;
    }
    JsonNode budget = thinking.get("budget_tokens");
    if (budget == null || budget.isNull()) {
      throw new ApiException(AnthropicError.fieldRequired("thinking.enabled.budget_tokens"));
    }
    if (!budget.isIntegralNumber() || budget.asLong() < 1024) {
      throw new ApiException(AnthropicError.invalidRequest(
          "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"));
    }
    if (!countTokens && budget.asLong() >= maxTokens) {
      throw new ApiException(AnthropicError.invalidRequest(
          "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at"
              + " https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size"));
    }
    return budget.asInt();
  }

  /** The content blocks of a message; a string content is one text block. */
  static List<JsonNode> blocks(JsonNode message) {
    JsonNode content = message.get("content");
    List<JsonNode> out = new ArrayList<>();
    if (content.isTextual()) {
      out.add(Json.object().put("type", "text").put("text", content.asText()));
    } else if (content.isArray()) {
      content.forEach(out::add);
    }
    return out;
  }

  /** Text of a block list or string ({@code tool_result.content} is either). */
  static String text(JsonNode content) {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    var sb = new StringBuilder();
    for (JsonNode block : content) {
      if ("text".equals(block.path("type").asText())) {
        sb.append(sb.length() == 0 ? "" : "\n").append(block.path("text").asText());
      }
    }
    return sb.toString();
  }

  JsonNode lastMessage() {
    return messages.get(messages.size() - 1);
  }

  /** Whether the conversation ends with a user turn that gives tool results. */
  boolean endsWithToolResult() {
    JsonNode last = lastMessage();
    return "user".equals(last.path("role").asText())
        && blocks(last).stream().anyMatch(b -> "tool_result".equals(b.path("type").asText()));
  }

  /** Names of the tools the assistant already called in this conversation. */
  Set<String> calledTools() {
    Set<String> called = new HashSet<>();
    for (JsonNode m : messages) {
      if ("assistant".equals(m.path("role").asText())) {
        blocks(m).stream().filter(b -> "tool_use".equals(b.path("type").asText()))
            .forEach(b -> called.add(b.path("name").asText()));
      }
    }
    return called;
  }

  int images() {
    int images = 0;
    for (JsonNode m : messages) {
      for (JsonNode b : blocks(m)) {
        String type = b.path("type").asText();
        if (type.equals("image")) {
          images++;
        } else if (type.equals("tool_result") && b.path("content").isArray()) {
          for (JsonNode inner : b.get("content")) {
            if ("image".equals(inner.path("type").asText())) {
              images++;
            }
          }
        }
      }
    }
    return images;
  }

  /** What the reply is built from: the trailing tool results (with their tools' names) or the last user text. */
  ChatReplyPlanner.ReplyContext replyContext() {
    List<String[]> results = new ArrayList<>();
    String lastUserText = "";
    JsonNode last = lastMessage();
    if ("user".equals(last.path("role").asText())) {
      for (JsonNode b : blocks(last)) {
        switch (b.path("type").asText()) {
          case "tool_result" -> results.add(new String[] {toolName(b.path("tool_use_id").asText()), text(b.get("content"))});
          case "text" -> lastUserText = lastUserText.isEmpty() ? b.path("text").asText()
              : lastUserText + "\n" + b.path("text").asText();
          default -> { }
        }
      }
    }
    if (results.isEmpty() && lastUserText.isEmpty()) {
      for (int i = messages.size() - 1; i >= 0 && lastUserText.isEmpty(); i--) {
        if ("user".equals(messages.get(i).path("role").asText())) {
          lastUserText = text(messages.get(i).get("content"));
        }
      }
    }
    return new ChatReplyPlanner.ReplyContext(model, images(), results, lastUserText);
  }

  private String toolName(String toolUseId) {
    for (JsonNode m : messages) {
      for (JsonNode b : blocks(m)) {
        if ("tool_use".equals(b.path("type").asText()) && toolUseId.equals(b.path("id").asText())) {
          return b.path("name").asText("tool");
        }
      }
    }
    return toolUseId;
  }
}
