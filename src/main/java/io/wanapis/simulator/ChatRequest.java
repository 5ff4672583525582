package io.wanapis.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The parts of a {@code /v1/chat/completions} request body that shape the simulated answer. */
record ChatRequest(
    String model,
    List<JsonNode> messages,
    int n,
    int maxTokens,
    boolean stream,
    boolean includeUsage,
    boolean includeObfuscation,
    List<FunctionTool> tools,
    ToolChoice toolChoice,
    ResponseFormat responseFormat) {

  static final int UNLIMITED = Integer.MAX_VALUE;

  record FunctionTool(String name, String description, JsonNode parameters) {}

  /** {@code none}, {@code auto}, {@code required} or one named function. */
  record ToolChoice(String mode, String functionName) {
    static final ToolChoice AUTO = new ToolChoice("auto", null);

    boolean none() {
      return mode.equals("none");
    }

    boolean forced() {
      return mode.equals("required") || functionName != null;
    }
  }

  /** {@code text}, {@code json_object} or {@code json_schema} (with its schema). */
  record ResponseFormat(String type, JsonNode schema) {
    static final ResponseFormat TEXT = new ResponseFormat("text", null);
  }

  static ChatRequest parse(JsonNode body) {
    RequestFields.requireObject(body);
    String model = RequestFields.requireModel(body);
    JsonNode messages = body.get("messages");
    if (messages == null || messages.isNull()) {
      throw new ApiException(OpenAiError.missingParameter("messages"));
    }
    if (!messages.isArray()) {
      throw new ApiException(OpenAiError.invalidType("messages", "an array", RequestFields.jsonType(messages)));
    }
    if (messages.isEmpty()) {
      throw new ApiException(OpenAiError.invalidRequest(
          "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array"
              + " instead.",
          "messages",
          "empty_array"));
    }
    List<JsonNode> messageList = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      if (!m.isObject() || !m.path("role").isTextual()) {
        throw new ApiException(OpenAiError.missingParameter("messages[" + i + "].role"));
      }
      messageList.add(m);
    }
    JsonNode streamOptions = body.path("stream_options");
    return new ChatRequest(
        model,
        List.copyOf(messageList),
        RequestFields.choiceCount(body),
        RequestFields.maxTokens(body, "max_completion_tokens", "max_tokens"),
        body.path("stream").asBoolean(false),
        streamOptions.path("include_usage").asBoolean(false),
        streamOptions.path("include_obfuscation").asBoolean(true),
        tools(body.path("tools")),
        toolChoice(body.get("tool_choice")),
        responseFormat(body.path("response_format")));
  }

  private static List<FunctionTool> tools(JsonNode tools) {
    List<FunctionTool> out = new ArrayList<>();
    for (JsonNode tool : tools) {
      JsonNode function = tool.path("function");
      if ("function".equals(tool.path("type").asText("function")) && function.path("name").isTextual()) {
        out.add(new FunctionTool(
            function.get("name").asText(), function.path("description").asText(""), function.get("parameters")));
      }
    }
    return List.copyOf(out);
  }

  private static ToolChoice toolChoice(JsonNode choice) {
    if (choice == null || choice.isNull()) {
      return ToolChoice.AUTO;
    }
    if (choice.isTextual()) {
      return new ToolChoice(choice.asText(), null);
    }
    String name = choice.path("function").path("name").asText(null);
    return name == null ? ToolChoice.AUTO : new ToolChoice("function", name);
  }

  private static ResponseFormat responseFormat(JsonNode format) {
    String type = format.path("type").asText("text");
    return switch (type) {
      case "json_object" -> new ResponseFormat(type, null);
      case "json_schema" -> new ResponseFormat(type, format.path("json_schema").get("schema"));
      default -> ResponseFormat.TEXT;
    };
  }

  JsonNode lastMessage() {
    return messages.get(messages.size() - 1);
  }
}
