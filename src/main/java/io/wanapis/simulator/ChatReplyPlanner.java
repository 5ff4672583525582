package io.wanapis.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Decides, deterministically from the request, what the simulated model answers. */
final class ChatReplyPlanner {

  /** Tokens a tool call costs beyond its name and arguments (fitted to recorded OpenAI usage). */
  private static final int TOOL_CALL_COMPLETION_OVERHEAD = 8;
  private static final int QUOTE_LIMIT = 80;

  private ChatReplyPlanner() {}

  static List<PlannedChoice> plan(ChatRequest request) {
    List<PlannedChoice> choices = new ArrayList<>(request.n());
    ChatRequest.FunctionTool tool = toolToCall(request);
    for (int i = 0; i < request.n(); i++) {
      choices.add(tool != null ? toolCall(request, tool, i) : text(request, i));
    }
    return choices;
  }

  /**
   * A model calls a tool when it has tools, may use them, and has not just received a tool result;
   * {@code required} or a named function force the call even then.
   */
  private static ChatRequest.FunctionTool toolToCall(ChatRequest request) {
    ChatRequest.ToolChoice choice = request.toolChoice();
    if (request.tools().isEmpty() || choice.none()) {
      return null;
    }
    boolean afterToolResult = "tool".equals(MessageContent.role(request.lastMessage()));
    if (afterToolResult && !choice.forced()) {
      return null;
    }
    if (choice.functionName() != null) {
      return request.tools().stream()
          .filter(t -> t.name().equals(choice.functionName()))
          .findFirst()
          .orElse(new ChatRequest.FunctionTool(choice.functionName(), "", null));
    }
    return request.tools().get(0);
  }

  private static PlannedChoice toolCall(ChatRequest request, ChatRequest.FunctionTool tool, int index) {
    String arguments = Json.write(JsonSchemaSampler.sample(tool.parameters(), false));
    Tokenizer.Pieces pieces = Tokenizer.split(arguments, request.maxTokens());
    int tokens = pieces.tokens() + Tokenizer.count(tool.name()) + TOOL_CALL_COMPLETION_OVERHEAD;
    return new PlannedChoice(index, pieces, Ids.toolCall(), tool.name(), pieces.truncated() ? "length" : "tool_calls",
        tokens);
  }

  private static PlannedChoice text(ChatRequest request, int index) {
    String reply = switch (request.responseFormat().type()) {
      case "json_object" -> jsonObjectReply(request, index);
      case "json_schema" -> Json.write(JsonSchemaSampler.sample(request.responseFormat().schema(), true));
      default -> prose(request, index);
    };
    Tokenizer.Pieces pieces = Tokenizer.split(reply, request.maxTokens());
    return new PlannedChoice(index, pieces, null, null, pieces.truncated() ? "length" : "stop", pieces.tokens());
  }

  private static String jsonObjectReply(ChatRequest request, int index) {
    var object = Json.object();
    object.put("reply", prose(request, index));
    return Json.write(object);
  }

  /**
   * What a reply is made from, whatever the protocol: the model name, how many images the conversation
   * holds, the tool results at its end (name and text, in order) and the last user text.
   */
  record ReplyContext(String model, int images, List<String[]> toolResults, String lastUserText) {}

  static String prose(ChatRequest request, int index) {
    List<String[]> results = new ArrayList<>();
    List<JsonNode> messages = request.messages();
    for (int i = messages.size() - 1; i >= 0 && "tool".equals(MessageContent.role(messages.get(i))); i--) {
      JsonNode message = messages.get(i);
      results.add(0, new String[] {toolNameFor(messages, Json.text(message, "tool_call_id")), MessageContent.text(message)});
    }
    int images = request.messages().stream().mapToInt(MessageContent::imageCount).sum();
    return prose(new ReplyContext(request.model(), images, results, lastUserText(request)), index);
  }

  /**
   * The reply text: a greeting naming the model, how many images it saw, and either the tool results it
   * was given or a quote of the start of the last user message. Choices after the first are marked as
   * alternatives so n > 1 gives distinct texts.
   */
  static String prose(ReplyContext context, int index) {
    var sb = new StringBuilder();
    if (index > 0) {
      sb.append("Alternative ").append(index + 1).append(": ");
    }
    sb.append("Hello! This is the WanAPIs simulator answering as ").append(context.model()).append('.');
    int images = context.images();
    if (images > 0) {
      sb.append(" I saw ").append(images).append(images == 1 ? " image." : " images.");
    }
    if (!context.toolResults().isEmpty()) {
      context.toolResults().forEach(r -> sb.append(" The tool ").append(r[0]).append(" returned: ")
          .append(quote(r[1])).append('.'));
    } else {
      String said = context.lastUserText();
      sb.append(said.isEmpty() ? " You said nothing." : " You said: \"" + quote(said) + "\"");
    }
    return sb.toString();
  }

  /**
   * The tool a model calls when it must call one: the first of {@code names} it has not called yet in this
   * conversation (so a forced agent loop moves on, as the recorded models did), else the first one.
   */
  static String nextTool(List<String> names, java.util.Set<String> alreadyCalled) {
    for (String name : names) {
      if (!alreadyCalled.contains(name)) {
        return name;
      }
    }
    return names.get(0);
  }

  private static String toolNameFor(List<JsonNode> messages, String toolCallId) {
    for (JsonNode message : messages) {
      for (JsonNode call : message.path("tool_calls")) {
        if (call.path("id").asText().equals(toolCallId)) {
          return call.path("function").path("name").asText("tool");
        }
      }
    }
    return toolCallId == null ? "tool" : toolCallId;
  }

  private static String lastUserText(ChatRequest request) {
    List<JsonNode> messages = request.messages();
    for (int i = messages.size() - 1; i >= 0; i--) {
      if ("user".equals(MessageContent.role(messages.get(i)))) {
        return MessageContent.text(messages.get(i));
      }
    }
    return "";
  }

  /** The start of a text on one line, cut at a word boundary. */
  static String quote(String text) {
    String flat = text.strip().replaceAll("\\s+", " ");
    if (flat.length() <= QUOTE_LIMIT) {
      return flat;
    }
    int cut = flat.lastIndexOf(' ', QUOTE_LIMIT);
    return flat.substring(0, cut > QUOTE_LIMIT / 2 ? cut : QUOTE_LIMIT) + "…";
  }
}
