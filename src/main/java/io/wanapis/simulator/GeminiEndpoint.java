package io.wanapis.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Gemini {@code generateContent}, {@code streamGenerateContent} and {@code countTokens}.
 *
 * <p>The answer: an optional thought part ({@code {text, thought: true}}, only with
 * {@code thinkingConfig.includeThoughts}; thinking itself happens for 2.5 and 3 models unless
 * {@code thinkingBudget} is 0, and for others when a budget is set), then either one whole
 * {@code functionCall} part (no {@code id}, as in the recordings; Gemini 3 models add a
 * {@code thoughtSignature}) or a text part (JSON with {@code responseMimeType: application/json}). Gemini
 * has no tool finish reason: it is {@code STOP}, or {@code MAX_TOKENS} when {@code maxOutputTokens} cut
 * the text. {@code usageMetadata} keeps thoughts out of {@code candidatesTokenCount} but in
 * {@code totalTokenCount}, as the recordings do.
 *
 * <p>Prompt tokens: o200k_base tokens of all text, plus 1 per content (the system instruction included),
 * which reproduces the recorded counts for plain prompts, plus {@value #TOKENS_PER_IMAGE} per image (Gemini's
 * cost of one image tile) and the function declarations' JSON.
 */
final class GeminiEndpoint implements Endpoint {

  static final int TOKENS_PER_IMAGE = 258;
  private static final int TOKENS_PER_EVENT = 8;

  enum Mode { WHOLE, SSE, JSON_ARRAY, COUNT_TOKENS }

  private final String version;
  private final String model;
  private final Mode mode;

  GeminiEndpoint(String version, String model, Mode mode) {
    this.version = version;
    this.model = model;
    this.mode = mode;
  }

  private record Prompt(int textTokens, int imageTokens) {
    int total() {
      return textTokens + imageTokens;
    }
  }

  /** The planned answer: thought text, then a function call or text. */
  private record Plan(Tokenizer.Pieces thought, boolean showThought, String functionName, JsonNode args,
      Tokenizer.Pieces text, String signature, boolean gemini3) {

    int thoughtTokens() {
      return thought == null ? 0 : thought.tokens();
    }

    int answerTokens() {
      return functionName != null ? Tokenizer.count(functionName) + Tokenizer.count(Json.write(args)) : text.tokens();
    }

    String finishReason() {
      return functionName == null && text.truncated() ? "MAX_TOKENS" : "STOP";
    }
  }

  @Override
  public void handle(Exchange exchange, String rawBody) {
    JsonNode body = parse(rawBody);
    if (mode == Mode.COUNT_TOKENS && body.has("generateContentRequest")) {
      body = body.get("generateContentRequest");
    }
    List<JsonNode> contents = contents(body);
    Prompt prompt = promptTokens(body, contents);
    exchange.tokensRequested(prompt.total());
    if (mode == Mode.COUNT_TOKENS) {
      ObjectNode root = Json.object();
      root.put("totalTokens", prompt.total());
      root.set("promptTokensDetails", promptDetails(prompt));
      exchange.sendJson(200, root);
      return;
    }
    Plan plan = plan(body, contents);
    String responseId = Ids.geminiResponse();
    if (mode == Mode.SSE) {
      SsePacer.play(exchange, streamEvents(plan, prompt, responseId));
      return;
    }
    int tokens = plan.thoughtTokens() + plan.answerTokens();
    exchange.after(Endpoint.generationDelayMs(exchange, tokens), () -> {
      if (mode == Mode.WHOLE) {
        exchange.sendJson(200, whole(plan, prompt, responseId));
      } else {
        var sb = new StringBuilder("[");
        List<SseEvent> events = streamEvents(plan, prompt, responseId);
        for (int i = 0; i < events.size(); i++) {
          String wire = events.get(i).wire();
          sb.append(i == 0 ? "" : ",\r\n").append(wire, "data: ".length(), wire.length() - 4);
        }
        exchange.sendRaw(200, "application/json; charset=UTF-8", sb.append("]").toString());
      }
    });
  }

  // ---- request

  private static JsonNode parse(String rawBody) {
    JsonNode body;
    try {
      body = rawBody == null || rawBody.isBlank() ? Json.object() : Json.MAPPER.readTree(rawBody);
    } catch (java.io.IOException e) {
      throw new ApiException(GeminiError.invalidArgument("Invalid JSON payload received. Unexpected token."));
    }
    if (body == null || !body.isObject()) {
      throw new ApiException(GeminiError.invalidArgument(
          "Invalid JSON payload received. Expected an object for the request body."));
    }
    return body;
  }

  private static List<JsonNode> contents(JsonNode body) {
    JsonNode contents = body.get("contents");
    if (contents == null || !contents.isArray() || contents.isEmpty()) {
      throw new ApiException(GeminiError.invalidArgument(
          "* GenerateContentRequest.contents: contents is not specified\n"));
    }
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode content : contents) {
      String role = content.path("role").asText("user");
      if (!role.equals("user") && !role.equals("model") && !role.equals("function")) {
        throw new ApiException(GeminiError.invalidArgument("Please use a valid role: user, model."));
      }
      out.add(content);
    }
    return out;
  }

  private static Prompt promptTokens(JsonNode body, List<JsonNode> contents) {
    int text = 0;
    int images = 0;
    List<JsonNode> all = new ArrayList<>(contents);
    JsonNode system = field(body, "systemInstruction", "system_instruction");
    if (system != null && system.isObject()) {
      all.add(system);
    }
    for (JsonNode content : all) {
      text += 1;
      for (JsonNode part : content.path("parts")) {
        if (part.has("text") && !part.path("thought").asBoolean(false)) {
          text += Tokenizer.count(part.get("text").asText());
        } else if (part.has("inlineData") || part.has("inline_data") || part.has("fileData") || part.has("file_data")) {
          images += TOKENS_PER_IMAGE;
        } else if (part.has("functionCall") || part.has("function_call")) {
          JsonNode call = field(part, "functionCall", "function_call");
          text += Tokenizer.count(call.path("name").asText()) + Tokenizer.count(Json.write(call.path("args")));
        } else if (part.has("functionResponse") || part.has("function_response")) {
          JsonNode response = field(part, "functionResponse", "function_response");
          text += Tokenizer.count(response.path("name").asText()) + Tokenizer.count(Json.write(response.path("response")));
        }
      }
    }
    for (JsonNode declaration : declarations(body)) {
      text += Tokenizer.count(declaration.path("name").asText()) + Tokenizer.count(declaration.path("description").asText())
          + Tokenizer.count(Json.write(schemaOf(declaration)));
    }
    return new Prompt(text, images);
  }

  private static JsonNode field(JsonNode node, String camel, String snake) {
    JsonNode v = node.get(camel);
    return v != null && !v.isNull() ? v : node.get(snake);
  }

  private static List<JsonNode> declarations(JsonNode body) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode tool : body.path("tools")) {
      JsonNode declarations = field(tool, "functionDeclarations", "function_declarations");
      if (declarations != null) {
        declarations.forEach(out::add);
      }
    }
    return out;
  }

  private static JsonNode schemaOf(JsonNode declaration) {
    for (String name : new String[] {"parametersJsonSchema", "parameters_json_schema", "parameters"}) {
      JsonNode schema = declaration.get(name);
      if (schema != null && !schema.isNull()) {
        return normalizeSchema(schema);
      }
    }
    return null;
  }

  /** Gemini's OpenAPI-style schemas write types in capitals ({@code OBJECT}, {@code STRING}). */
  static JsonNode normalizeSchema(JsonNode schema) {
    if (schema == null) {
      return null;
    }
    if (schema.isObject()) {
      ObjectNode out = Json.object();
      schema.properties().forEach(f -> {
        if (f.getKey().equals("type") && f.getValue().isTextual()) {
          out.put("type", f.getValue().asText().toLowerCase(Locale.ROOT));
        } else if (f.getKey().equals("properties") && f.getValue().isObject()) {
          ObjectNode props = out.putObject("properties");
          f.getValue().properties().forEach(p -> props.set(p.getKey(), normalizeSchema(p.getValue())));
        } else if (f.getKey().equals("enum") || f.getKey().equals("required")) {
          out.set(f.getKey(), f.getValue());
        } else {
          out.set(f.getKey(), normalizeSchema(f.getValue()));
        }
      });
      return out;
    }
    if (schema.isArray()) {
      ArrayNode out = Json.array();
      schema.forEach(item -> out.add(normalizeSchema(item)));
      return out;
    }
    return schema;
  }

  // ---- the answer

  private Plan plan(JsonNode body, List<JsonNode> contents) {
    JsonNode config = field(body, "generationConfig", "generation_config");
    config = config == null ? Json.object() : config;
    int maxOutput = config.has("maxOutputTokens") || config.has("max_output_tokens")
        ? field(config, "maxOutputTokens", "max_output_tokens").asInt(Integer.MAX_VALUE) : Integer.MAX_VALUE;
    JsonNode thinkingConfig = field(config, "thinkingConfig", "thinking_config");
    thinkingConfig = thinkingConfig == null ? Json.object() : thinkingConfig;
    JsonNode budgetNode = field(thinkingConfig, "thinkingBudget", "thinking_budget");
    boolean includeThoughts = field(thinkingConfig, "includeThoughts", "include_thoughts") != null
        && field(thinkingConfig, "includeThoughts", "include_thoughts").asBoolean(false);
    boolean gemini3 = model.startsWith("gemini-3");
    boolean thinkingModel = gemini3 || model.contains("2.5");
    int budget = budgetNode == null ? -1 : budgetNode.asInt(-1);
    boolean thinks = budget != 0 && (thinkingModel || budgetNode != null
        || field(thinkingConfig, "thinkingLevel", "thinking_level") != null);

    ChatReplyPlanner.ReplyContext context = replyContext(contents);
    String functionName = functionToCall(body, contents);
    Tokenizer.Pieces thought = null;
    if (thinks) {
      String text = "**Answering as the simulator**\n\n" + (context.toolResults().isEmpty()
          ? (context.lastUserText().isEmpty() ? "The user said nothing." : "The user wrote: \""
              + ChatReplyPlanner.quote(context.lastUserText()) + "\".")
          : "The function results are in, so I can answer now.")
          + (functionName != null ? " I should call " + functionName + " first." : " I will give my usual"
              + " deterministic reply.");
      thought = Tokenizer.split(text, budget > 0 ? budget : Integer.MAX_VALUE);
    }
    String signature = thinks ? signature(thought.joined()) : null;
    if (functionName != null) {
      JsonNode schema = declarations(body).stream().filter(d -> functionName.equals(d.path("name").asText()))
          .findFirst().map(GeminiEndpoint::schemaOf).orElse(null);
      return new Plan(thought, includeThoughts, functionName, JsonSchemaSampler.sample(schema, false), null,
          gemini3 ? (signature != null ? signature : signature(functionName)) : null, gemini3);
    }
    String mime = field(config, "responseMimeType", "response_mime_type") == null ? ""
        : field(config, "responseMimeType", "response_mime_type").asText();
    String reply;
    if (mime.equals("application/json")) {
      JsonNode schema = null;
      for (String name : new String[] {"responseJsonSchema", "response_json_schema", "_responseJsonSchema",
          "responseSchema", "response_schema"}) {
        if (config.has(name) && !config.get(name).isNull()) {
          schema = normalizeSchema(config.get(name));
          break;
        }
      }
      reply = schema != null ? Json.write(JsonSchemaSampler.sample(schema, true))
          : Json.write(Json.object().put("reply", ChatReplyPlanner.prose(context, 0)));
    } else {
      reply = ChatReplyPlanner.prose(context, 0);
    }
    return new Plan(thought, includeThoughts, null, null, Tokenizer.split(reply, maxOutput),
        includeThoughts || gemini3 ? signature : null, gemini3);
  }

  /**
   * AUTO (the default) calls a function unless the conversation ends with function responses; ANY always
   * calls one (of {@code allowedFunctionNames}, if given); NONE never.
   */
  private static String functionToCall(JsonNode body, List<JsonNode> contents) {
    List<String> names = new ArrayList<>();
    declarations(body).forEach(d -> names.add(d.path("name").asText()));
    JsonNode toolConfig = field(body, "toolConfig", "tool_config");
    JsonNode calling = toolConfig == null ? null : field(toolConfig, "functionCallingConfig", "function_calling_config");
    String mode = calling == null ? "AUTO" : calling.path("mode").asText("AUTO").toUpperCase(Locale.ROOT);
    if (names.isEmpty() || mode.equals("NONE")) {
      return null;
    }
    JsonNode allowed = calling == null ? null : field(calling, "allowedFunctionNames", "allowed_function_names");
    if (mode.equals("ANY") && allowed != null && allowed.isArray() && !allowed.isEmpty()) {
      names.clear();
      allowed.forEach(a -> names.add(a.asText()));
    }
    JsonNode last = contents.get(contents.size() - 1);
    boolean afterResponses = false;
    for (JsonNode part : last.path("parts")) {
      afterResponses |= part.has("functionResponse") || part.has("function_response");
    }
    if (afterResponses && !mode.equals("ANY")) {
      return null;
    }
    Set<String> called = new HashSet<>();
    for (JsonNode content : contents) {
      for (JsonNode part : content.path("parts")) {
        JsonNode call = field(part, "functionCall", "function_call");
        if (call != null) {
          called.add(call.path("name").asText());
        }
      }
    }
    return ChatReplyPlanner.nextTool(names, called);
  }

  private ChatReplyPlanner.ReplyContext replyContext(List<JsonNode> contents) {
    int images = 0;
    for (JsonNode content : contents) {
      for (JsonNode part : content.path("parts")) {
        if (part.has("inlineData") || part.has("inline_data") || part.has("fileData") || part.has("file_data")) {
          images++;
        }
      }
    }
    List<String[]> results = new ArrayList<>();
    String lastUserText = "";
    for (JsonNode part : contents.get(contents.size() - 1).path("parts")) {
      JsonNode response = field(part, "functionResponse", "function_response");
      if (response != null) {
        JsonNode value = response.path("response");
        String text = value.size() == 1 && value.elements().next().isValueNode()
            ? value.elements().next().asText() : Json.write(value);
        results.add(new String[] {response.path("name").asText("function"), text});
      } else if (part.has("text") && !part.path("thought").asBoolean(false)) {
        lastUserText = lastUserText.isEmpty() ? part.get("text").asText() : lastUserText + "\n" + part.get("text").asText();
      }
    }
    return new ChatReplyPlanner.ReplyContext(model, images, results, lastUserText);
  }

  /** A deterministic stand-in for the opaque thought signature (standard base64, as the API returns it). */
  private static String signature(String seed) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[144];
      for (int i = 0; i < out.length; i++) {
        out[i] = (byte) (hash[i % hash.length] ^ (i * 7));
      }
      return Base64.getEncoder().encodeToString(out);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- rendering

  private ObjectNode whole(Plan plan, Prompt prompt, String responseId) {
    List<ObjectNode> parts = new ArrayList<>();
    if (plan.thought() != null && plan.showThought()) {
      parts.add(thoughtPart(plan.thought().joined()));
    }
    parts.add(plan.functionName() != null ? callPart(plan) : textPart(plan.text().joined(), plan.signature()));
    ObjectNode candidate = candidate(parts, plan.finishReason());
    if (plan.functionName() != null && plan.gemini3()) {
      candidate.put("finishMessage", "Model generated function call(s).");
    }
    return response(candidate, usage(prompt, plan.answerTokens(), plan.thoughtTokens()), responseId);
  }

  /**
   * Thought text in events of up to {@value #TOKENS_PER_EVENT} tokens, then the function call whole in one
   * event or the text in events of up to {@value #TOKENS_PER_EVENT} tokens; {@code finishReason} on the last
   * event (Gemini 3 sends it after a call, on an extra event with empty text); usage on every event.
   */
  private List<SseEvent> streamEvents(Plan plan, Prompt prompt, String responseId) {
    List<SseEvent> events = new ArrayList<>();
    int thoughts = 0;
    if (plan.thought() != null) {
      for (List<String> group : groups(plan.thought().texts())) {
        thoughts += group.size();
        if (plan.showThought()) {
          events.add(event(List.of(thoughtPart(String.join("", group))), null, prompt, 0, thoughts, responseId,
              group.size()));
        }
      }
    }
    if (plan.functionName() != null) {
      boolean separateFinish = plan.gemini3();
      events.add(event(List.of(callPart(plan)), separateFinish ? null : "STOP", prompt, plan.answerTokens(), thoughts,
          responseId, plan.answerTokens()));
      if (separateFinish) {
        events.add(event(List.of(textPart("", null)), "STOP", prompt, plan.answerTokens(), thoughts, responseId, 0));
      }
      return events;
    }
    List<List<String>> groups = groups(plan.text().texts());
    if (groups.isEmpty()) {
      groups = List.of(List.of(""));
    }
    int answered = 0;
    for (int i = 0; i < groups.size(); i++) {
      List<String> group = groups.get(i);
      answered += group.size();
      boolean last = i == groups.size() - 1;
      // the text's pieces may stand for more tokens than pieces (split characters); the last event tells the truth
      int reported = last ? plan.answerTokens() : answered;
      events.add(event(List.of(textPart(String.join("", group), i == 0 ? plan.signature() : null)),
          last ? plan.finishReason() : null, prompt, reported, thoughts, responseId, group.size()));
    }
    return events;
  }

  private static List<List<String>> groups(List<String> pieces) {
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < pieces.size(); i += TOKENS_PER_EVENT) {
      out.add(pieces.subList(i, Math.min(pieces.size(), i + TOKENS_PER_EVENT)));
    }
    return out;
  }

  private SseEvent event(List<ObjectNode> parts, String finishReason, Prompt prompt, int answerTokens,
      int thoughtTokens, String responseId, int tokens) {
    return SseEvent.crlf(Json.write(response(candidate(parts, finishReason), usage(prompt, answerTokens, thoughtTokens),
        responseId)), tokens);
  }

  private static ObjectNode thoughtPart(String text) {
    ObjectNode part = Json.object();
    part.put("text", text);
    part.put("thought", true);
    return part;
  }

  private static ObjectNode textPart(String text, String signature) {
    ObjectNode part = Json.object();
    part.put("text", text);
    if (signature != null) {
      part.put("thoughtSignature", signature);
    }
    return part;
  }

  private static ObjectNode callPart(Plan plan) {
    ObjectNode part = Json.object();
    ObjectNode call = part.putObject("functionCall");
    call.put("name", plan.functionName());
    call.set("args", plan.args());
    if (plan.signature() != null) {
      part.put("thoughtSignature", plan.signature());
    }
    return part;
  }

  private static ObjectNode candidate(List<ObjectNode> parts, String finishReason) {
    ObjectNode candidate = Json.object();
    ObjectNode content = candidate.putObject("content");
    ArrayNode array = content.putArray("parts");
    parts.forEach(array::add);
    content.put("role", "model");
    if (finishReason != null) {
      candidate.put("finishReason", finishReason);
    }
    candidate.put("index", 0);
    return candidate;
  }

  private ObjectNode response(ObjectNode candidate, ObjectNode usage, String responseId) {
    ObjectNode root = Json.object();
    root.putArray("candidates").add(candidate);
    root.set("usageMetadata", usage);
    root.put("modelVersion", model);
    root.put("responseId", responseId);
    return root;
  }

  private static ObjectNode usage(Prompt prompt, int candidates, int thoughts) {
    ObjectNode usage = Json.object();
    usage.put("promptTokenCount", prompt.total());
    if (candidates > 0) {
      usage.put("candidatesTokenCount", candidates);
    }
    usage.put("totalTokenCount", prompt.total() + candidates + thoughts);
    usage.set("promptTokensDetails", promptDetails(prompt));
    if (thoughts > 0) {
      usage.put("thoughtsTokenCount", thoughts);
    } else if (candidates > 0) { // as the recorded models without thinking (2.0) report it
      usage.putArray("candidatesTokensDetails").addObject().put("modality", "TEXT").put("tokenCount", candidates);
    }
    return usage;
  }

  private static ArrayNode promptDetails(Prompt prompt) {
    ArrayNode details = Json.array();
    details.addObject().put("modality", "TEXT").put("tokenCount", prompt.textTokens());
    if (prompt.imageTokens() > 0) {
      details.addObject().put("modality", "IMAGE").put("tokenCount", prompt.imageTokens());
    }
    return details;
  }

}
