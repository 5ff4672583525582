package io.wanapis.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The parts of a Bedrock {@code Converse} / {@code ConverseStream} body that shape the simulated answer, checked
 * with AWS's error texts ({@code 1 validation error detected: Value ... at '...' failed to satisfy constraint: ...}).
 *
 * @param maxTokens      {@code inferenceConfig.maxTokens}, or {@link Integer#MAX_VALUE} when not given
 * @param toolChoice     {@code auto} (also when only tools are given), {@code any}, {@code tool}; {@code none}
 *                       without tools
 * @param thinkingBudget {@code additionalModelRequestFields.thinking.budget_tokens} for Anthropic models with
 *                       thinking enabled, else {@link #NO_THINKING}
 */
record BedrockRequest(
    String modelId,
    List<JsonNode> system,
    List<JsonNode> messages,
    int maxTokens,
    List<String> stopSequences,
    List<Tool> tools,
    String toolChoice,
    String toolChoiceName,
    int thinkingBudget) {

  static final int NO_THINKING = -1;

  /** A {@code toolSpec}: name, description and {@code inputSchema.json}. */
  record Tool(String name, String description, JsonNode inputSchema) {}

  static BedrockRequest parse(String modelId, String rawBody) {
    JsonNode body;
    try {
      body = rawBody == null || rawBody.isBlank() ? Json.object() : Json.MAPPER.readTree(rawBody);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ApiException(new BedrockError(400, "SerializationException",
          "The request body is not valid JSON: " + e.getOriginalMessage()));
    }
    if (body == null || !body.isObject()) {
      throw new ApiException(new BedrockError(400, "SerializationException", "The request body must be a JSON object."));
    }
    List<JsonNode> messages = messages(body.get("messages"));
    List<JsonNode> system = new ArrayList<>();
    JsonNode systemNode = body.get("system");
    if (systemNode != null && !systemNode.isNull()) {
      if (!systemNode.isArray()) {
        throw new ApiException(new BedrockError(400, "SerializationException",
            "Unexpected value for system: a list of system content blocks is expected."));
      }
      systemNode.forEach(system::add);
    }
    JsonNode config = body.path("inferenceConfig");
    int maxTokens = Integer.MAX_VALUE;
    JsonNode max = config.get("maxTokens");
    if (max != null && !max.isNull()) {
      if (!max.isIntegralNumber() || max.asLong() < 1) {
        throw new ApiException(BedrockError.constraint(max.asText(), "inferenceConfig.maxTokens",
            "Member must have value greater than or equal to 1"));
      }
      maxTokens = (int) Math.min(Integer.MAX_VALUE, max.asLong());
    }
    for (String field : new String[] {"temperature", "topP"}) {
      JsonNode v = config.get(field);
      if (v != null && !v.isNull() && (!v.isNumber() || v.asDouble() < 0 || v.asDouble() > 1)) {
        throw new ApiException(BedrockError.constraint(v.asText(), "inferenceConfig." + field,
            v.isNumber() && v.asDouble() < 0 ? "Member must have value greater than or equal to 0"
                : "Member must have value less than or equal to 1"));
      }
    }
    List<String> stopSequences = new ArrayList<>();
    for (JsonNode s : config.path("stopSequences")) {
      if (s.isTextual() && !s.asText().isEmpty()) {
        stopSequences.add(s.asText());
      }
    }
    List<Tool> tools = new ArrayList<>();
    String toolChoice = "none";
    String toolChoiceName = null;
    JsonNode toolConfig = body.get("toolConfig");
    if (toolConfig != null && !toolConfig.isNull()) {
      JsonNode toolList = toolConfig.get("tools");
      if (toolList == null || !toolList.isArray() || toolList.isEmpty()) {
        throw new ApiException(BedrockError.constraint(null, "toolConfig.tools",
            "Member must have length greater than or equal to 1"));
      }
      for (JsonNode tool : toolList) {
        JsonNode spec = tool.path("toolSpec");
        if (spec.path("name").isTextual()) {
          tools.add(new Tool(spec.get("name").asText(), spec.path("description").asText(""),
              spec.path("inputSchema").get("json")));
        }
      }
      toolChoice = "auto";
      JsonNode choice = toolConfig.path("toolChoice");
      if (choice.has("any")) {
        toolChoice = "any";
      } else if (choice.has("tool")) {
        toolChoice = "tool";
        toolChoiceName = choice.path("tool").path("name").asText(null);
        if (toolChoiceName == null) {
          throw new ApiException(BedrockError.constraint(null, "toolConfig.toolChoice.tool.name",
              "Member must not be null"));
        }
        String wanted = toolChoiceName;
        if (tools.stream().noneMatch(t -> t.name().equals(wanted))) {
          throw new ApiException(BedrockError.validation("The tool " + wanted + " named in toolChoice is not"
              + " defined in toolConfig.tools."));
        }
      }
    }
    int thinkingBudget = thinking(modelId, body.path("additionalModelRequestFields").path("thinking"),
        max == null || max.isNull() ? -1 : maxTokens, toolChoice);
    return new BedrockRequest(modelId, List.copyOf(system), messages, maxTokens, List.copyOf(stopSequences),
        List.copyOf(tools), toolChoice, toolChoiceName, thinkingBudget);
  }

  private static List<JsonNode> messages(JsonNode messages) {
    if (messages == null || messages.isNull() || (messages.isArray() && messages.isEmpty())) {
      throw new ApiException(BedrockError.validation("A conversation must start with a user message. Try again with"
          + " a conversation that starts with a user message."));
    }
    if (!messages.isArray()) {
      throw new ApiException(new BedrockError(400, "SerializationException",
          "Unexpected value for messages: a list of messages is expected."));
    }
    List<JsonNode> out = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String role = m.path("role").asText(null);
      if (!"user".equals(role) && !"assistant".equals(role)) {
        throw new ApiException(BedrockError.constraint(role, "messages." + (i + 1) + ".member.role",
            "Member must satisfy enum value set: [user, assistant]"));
      }
      if (!m.path("content").isArray()) {
        throw new ApiException(BedrockError.constraint(null, "messages." + (i + 1) + ".member.content",
            "Member must not be null"));
      }
      out.add(m);
    }
    if (!"user".equals(out.get(0).path("role").asText())) {
      throw new ApiException(BedrockError.validation("A conversation must start with a user message. Try again with"
          + " a conversation that starts with a user message."));
    }
    return List.copyOf(out);
  }

  /** Extended thinking, which Bedrock passes to Anthropic models; the checks are Anthropic's, relayed by Bedrock. */
  private static int thinking(String modelId, JsonNode thinking, int maxTokensGiven, String toolChoice) {
    if (!BedrockProtocol.anthropicModel(modelId) || !thinking.isObject()
        || !"enabled".equals(thinking.path("type").asText())) {
      return NO_THINKING;
    }
    JsonNode budget = thinking.get("budget_tokens");
    if (budget == null || !budget.isIntegralNumber() || budget.asLong() < 1024) {
      throw new ApiException(BedrockError.validation("The model returned the following errors:"
          + " thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"));
    }
    if (maxTokensGiven > 0 && budget.asLong() >= maxTokensGiven) {
      throw new ApiException(BedrockError.validation("The model returned the following errors: `max_tokens` must be"
          + " greater than `thinking.budget_tokens`. Please consult our documentation at"
          + " https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size"));
    }
    if (toolChoice.equals("any") || toolChoice.equals("tool")) {
      throw new ApiException(BedrockError.validation("The model returned the following errors: Thinking may not be"
          + " enabled when tool_choice forces tool use."));
    }
    return budget.asInt();
  }

  static List<JsonNode> blocks(JsonNode message) {
    List<JsonNode> out = new ArrayList<>();
    message.path("content").forEach(out::add);
    return out;
  }

  /** Text of a {@code toolResult.content} list: {@code text} items as they are, {@code json} items as JSON. */
  static String toolResultText(JsonNode toolResult) {
    var sb = new StringBuilder();
    for (JsonNode item : toolResult.path("content")) {
      String piece = item.has("text") ? item.get("text").asText() : item.has("json") ? Json.write(item.get("json")) : null;
      if (piece != null) {
        sb.append(sb.length() == 0 ? "" : "\n").append(piece);
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
    return "user".equals(last.path("role").asText()) && blocks(last).stream().anyMatch(b -> b.has("toolResult"));
  }

  /** Names of the tools the assistant already called in this conversation. */
  Set<String> calledTools() {
    Set<String> called = new HashSet<>();
    for (JsonNode m : messages) {
      for (JsonNode b : blocks(m)) {
        if (b.has("toolUse")) {
          called.add(b.get("toolUse").path("name").asText());
        }
      }
    }
    return called;
  }

  int images() {
    int images = 0;
    for (JsonNode m : messages) {
      for (JsonNode b : blocks(m)) {
        if (b.has("image")) {
          images++;
        }
        for (JsonNode inner : b.path("toolResult").path("content")) {
          if (inner.has("image")) {
            images++;
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
        if (b.has("toolResult")) {
          JsonNode result = b.get("toolResult");
          results.add(new String[] {toolName(result.path("toolUseId").asText()), toolResultText(result)});
        } else if (b.has("text")) {
          lastUserText = lastUserText.isEmpty() ? b.get("text").asText() : lastUserText + "\n" + b.get("text").asText();
        }
      }
    }
    for (int i = messages.size() - 1; i >= 0 && results.isEmpty() && lastUserText.isEmpty(); i--) {
      if ("user".equals(messages.get(i).path("role").asText())) {
        for (JsonNode b : blocks(messages.get(i))) {
          if (b.has("text")) {
            lastUserText = lastUserText.isEmpty() ? b.get("text").asText() : lastUserText + "\n" + b.get("text").asText();
          }
        }
      }
    }
    return new ChatReplyPlanner.ReplyContext(modelId, images(), results, lastUserText);
  }

  private String toolName(String toolUseId) {
    for (JsonNode m : messages) {
      for (JsonNode b : blocks(m)) {
        if (b.has("toolUse") && toolUseId.equals(b.get("toolUse").path("toolUseId").asText())) {
          return b.get("toolUse").path("name").asText("tool");
        }
      }
    }
    return toolUseId;
  }
}
