package io.wanapis.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code POST /v1/messages}: Anthropic {@code message} objects and their named-event streams
 * ({@code message_start}, {@code content_block_start}, {@code ping}, {@code content_block_delta},
 * {@code content_block_stop}, {@code message_delta}, {@code message_stop}); and
 * {@code POST /v1/messages/count_tokens}: {@code {"input_tokens": N}}.
 *
 * <p>Input tokens are counted with o200k_base (Anthropic's tokenizer is not public), with fitted overheads:
 * 3 per request, 3 per message, a tool-use system prompt when tools are given (346 tokens for
 * {@code auto}/{@code none}, 313 for {@code any}/{@code tool}, Anthropic's published figures), 8 per
 * {@code tool_use} and 5 per {@code tool_result} block, and {@value #TOKENS_PER_IMAGE} per image (fitted to
 * the recorded image request). Blocks marked {@code cache_control} are prompt-cache breakpoints: the prefix up
 * to a breakpoint (tools, then system, then messages) is written to the cache on first use and read on an
 * identical repeat, if it reaches the minimum cacheable size (1024 tokens, 2048 for Haiku models).
 */
final class AnthropicMessagesEndpoint implements Endpoint {

  static final int TOKENS_PER_IMAGE = 285;
  private static final int REQUEST_OVERHEAD = 3;
  private static final int MESSAGE_FRAMING = 3;
  private static final int TOOL_USE_OVERHEAD = 8;
  private static final int TOOL_RESULT_OVERHEAD = 5;
  private static final int TOOL_PROMPT_AUTO = 346;
  private static final int TOOL_PROMPT_FORCED = 313;

  private final boolean countTokens;

  AnthropicMessagesEndpoint(boolean countTokens) {
    this.countTokens = countTokens;
  }

  /** A piece of the prompt in cache order, with its tokens and its {@code cache_control} (or null). */
  private record Segment(String json, int tokens, JsonNode cacheControl) {}

  /** How the input tokens split between uncached input, cache writes and cache reads. */
  record InputUsage(int input, int cacheCreation, int cacheRead, boolean oneHour) {
    int total() {
      return input + cacheCreation + cacheRead;
    }
  }

  /** A content block of the answer: thinking, text or tool_use. */
  private record Block(String type, Tokenizer.Pieces pieces, String signature, String toolId, String toolName,
      int tokens) {}

  @Override
  public void handle(Exchange exchange, String body) {
    AnthropicRequest request = AnthropicRequest.parse(body, countTokens);
    List<Segment> segments = segments(request);
    int total = segments.stream().mapToInt(Segment::tokens).sum();
    exchange.tokensRequested(total);
    if (countTokens) {
      exchange.sendJson(200, Json.object().put("input_tokens", total));
      return;
    }
    InputUsage usage = cacheUsage(request.model(), segments, exchange.promptCache());
    var answer = new Answer(Ids.anthropicMessage(), request, plan(request), usage);
    if (request.stream()) {
      SsePacer.play(exchange, answer.streamEvents());
    } else {
      exchange.after(Endpoint.generationDelayMs(exchange, answer.outputTokens()), () -> exchange.sendJson(200, answer.message()));
    }
  }

  // ---- input tokens and the prompt cache

  private static List<Segment> segments(AnthropicRequest request) {
    List<Segment> out = new ArrayList<>();
    int preamble = REQUEST_OVERHEAD;
    if (!request.tools().isEmpty()) {
      preamble += request.toolChoice().equals("any") || request.toolChoice().equals("tool")
          ? TOOL_PROMPT_FORCED : TOOL_PROMPT_AUTO;
    }
    out.add(new Segment("", preamble, null));
    for (AnthropicRequest.Tool tool : request.tools()) {
      int tokens = 3 + Tokenizer.count(tool.name()) + Tokenizer.count(tool.description())
          + Tokenizer.count(Json.write(tool.inputSchema()));
      out.add(new Segment(Json.write(tool.raw()), tokens, tool.raw().get("cache_control")));
    }
    JsonNode system = request.system();
    if (system != null && system.isTextual()) {
      out.add(new Segment(Json.write(system), MESSAGE_FRAMING + Tokenizer.count(system.asText()), null));
    } else if (system != null && system.isArray()) {
      int framing = MESSAGE_FRAMING;
      for (JsonNode block : system) {
        out.add(new Segment(Json.write(block), framing + Tokenizer.count(block.path("text").asText()),
            block.get("cache_control")));
        framing = 0;
      }
    }
    for (JsonNode message : request.messages()) {
      int framing = MESSAGE_FRAMING + Tokenizer.count(message.path("role").asText());
      List<JsonNode> blocks = AnthropicRequest.blocks(message);
      if (blocks.isEmpty()) {
        out.add(new Segment(Json.write(message), framing, null));
      }
      for (JsonNode block : blocks) {
        out.add(new Segment(message.path("role").asText() + ":" + Json.write(block), framing + blockTokens(block),
            block.get("cache_control")));
        framing = 0;
      }
    }
    return out;
  }

  private static int blockTokens(JsonNode block) {
    return switch (block.path("type").asText()) {
      case "text" -> Tokenizer.count(block.path("text").asText());
      case "image" -> TOKENS_PER_IMAGE;
      case "tool_use" -> Tokenizer.count(block.path("name").asText()) + Tokenizer.count(Json.write(block.path("input")))
          + TOOL_USE_OVERHEAD;
      case "tool_result" -> {
        int tokens = TOOL_RESULT_OVERHEAD + Tokenizer.count(AnthropicRequest.text(block.get("content")));
        for (JsonNode inner : block.path("content")) {
          if ("image".equals(inner.path("type").asText())) {
            tokens += TOKENS_PER_IMAGE;
          }
        }
        yield tokens;
      }
      case "document" -> "text".equals(block.path("source").path("type").asText())
          ? Tokenizer.count(block.path("source").path("data").asText()) : TOKENS_PER_IMAGE;
      default -> 0; // thinking blocks of earlier turns are not counted
    };
  }

  /**
   * The longest breakpoint prefix already cached is read; the part from there to the last breakpoint is
   * written (and every breakpoint prefix remembered); prefixes under the minimum size are not cached at all.
   */
  static InputUsage cacheUsage(String model, List<Segment> segments, PromptCache cache) {
    int minimum = model.contains("haiku") ? 2048 : 1024;
    List<String> keys = new ArrayList<>();
    List<Integer> prefixTokens = new ArrayList<>();
    boolean oneHour = false;
    MessageDigest digest = sha256();
    int tokens = 0;
    for (Segment segment : segments) {
      tokens += segment.tokens();
      digest.update(segment.json().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      if (segment.cacheControl() != null && !segment.cacheControl().isNull() && tokens >= minimum) {
        keys.add(model + "|" + HexFormat.of().formatHex(clone(digest).digest()));
        prefixTokens.add(tokens);
        oneHour = "1h".equals(segment.cacheControl().path("ttl").asText());
      }
    }
    int total = tokens;
    if (keys.isEmpty()) {
      return new InputUsage(total, 0, 0, false);
    }
    int read = 0;
    for (int i = keys.size() - 1; i >= 0; i--) {
      if (cache.contains(keys.get(i))) {
        read = prefixTokens.get(i);
        break;
      }
    }
    int creation = prefixTokens.get(prefixTokens.size() - 1) - read;
    keys.forEach(cache::add);
    return new InputUsage(total - read - creation, creation, read, oneHour);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static MessageDigest clone(MessageDigest digest) {
    try {
      return (MessageDigest) digest.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- the answer

  /**
   * Thinking first (when enabled), then either a tool_use block (after a one-line text block under
   * {@code tool_choice: auto}, as the recorded models wrote one) or a text block. A tool is called when the
   * request has tools and may use them and the conversation does not end with tool results; {@code any} and
   * a named {@code tool} force the call even then.
   */
  private static List<Block> plan(AnthropicRequest request) {
    List<Block> blocks = new ArrayList<>();
    String tool = toolToCall(request);
    int budget = request.maxTokens();
    if (request.thinkingBudget() != AnthropicRequest.NO_THINKING) {
      String thought = thinking(request, tool);
      Tokenizer.Pieces pieces = Tokenizer.split(thought, Math.min(request.thinkingBudget(), budget));
      blocks.add(new Block("thinking", pieces, signature(pieces.joined()), null, null, pieces.tokens()));
      budget -= pieces.tokens();
    }
    if (tool != null && request.toolChoice().equals("auto")) {
      // under auto the recorded models said what they were about to do first; forced calls come bare
      Tokenizer.Pieces pieces = Tokenizer.split("I'll use the " + tool + " tool for this.", budget);
      blocks.add(new Block("text", pieces, null, null, null, pieces.tokens()));
      budget -= pieces.tokens();
    }
    if (tool != null) {
      JsonNode schema = request.tools().stream().filter(t -> t.name().equals(tool)).findFirst()
          .map(AnthropicRequest.Tool::inputSchema).orElse(null);
      Tokenizer.Pieces pieces = Tokenizer.split(Json.write(JsonSchemaSampler.sample(schema, false)), budget);
      blocks.add(new Block("tool_use", pieces, null, Ids.anthropicToolUse(), tool,
          pieces.tokens() + Tokenizer.count(tool) + TOOL_USE_OVERHEAD));
    } else {
      Tokenizer.Pieces pieces = Tokenizer.split(ChatReplyPlanner.prose(request.replyContext(), 0), budget);
      blocks.add(new Block("text", pieces, null, null, null, pieces.tokens()));
    }
    return blocks;
  }

  private static String toolToCall(AnthropicRequest request) {
    if (request.tools().isEmpty() && request.toolChoiceName() == null || request.toolChoice().equals("none")) {
      return null;
    }
    if (request.toolChoiceName() != null) {
      return request.toolChoiceName();
    }
    boolean forced = request.toolChoice().equals("any");
    if (request.endsWithToolResult() && !forced) {
      return null;
    }
    List<String> names = request.tools().stream().map(AnthropicRequest.Tool::name).collect(Collectors.toList());
    return ChatReplyPlanner.nextTool(names, request.calledTools());
  }

  private static String thinking(AnthropicRequest request, String tool) {
    ChatReplyPlanner.ReplyContext context = request.replyContext();
    var sb = new StringBuilder();
    if (!context.toolResults().isEmpty()) {
      sb.append("The tool results are in, so I can answer now.");
    } else {
      String said = context.lastUserText();
      sb.append(said.isEmpty() ? "The user said nothing." : "The user wrote: \"" + ChatReplyPlanner.quote(said) + "\".");
    }
    sb.append(tool != null ? " I should call the tool " + tool + " first." : " I am the WanAPIs simulator, so I will"
        + " answer with my usual deterministic reply.");
    return sb.toString();
  }

  /** A deterministic stand-in for the opaque signature: base64 of 192 bytes derived from the thinking text. */
  private static String signature(String thinking) {
    byte[] hash = sha256().digest(thinking.getBytes(StandardCharsets.UTF_8));
    byte[] out = new byte[192];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) (hash[i % hash.length] ^ i);
    }
    return Base64.getEncoder().encodeToString(out);
  }

  /** One answer, rendered either as a whole message or as the stream events that add up to it. */
  private record Answer(String id, AnthropicRequest request, List<Block> blocks, InputUsage usage) {

    int outputTokens() {
      return blocks.stream().mapToInt(Block::tokens).sum();
    }

    String stopReason() {
      if (blocks.stream().anyMatch(b -> b.pieces().truncated())) {
        return "max_tokens";
      }
      return blocks.get(blocks.size() - 1).type().equals("tool_use") ? "tool_use" : "end_turn";
    }

    ObjectNode message() {
      ObjectNode root = envelope();
      var content = root.putArray("content");
      blocks.forEach(b -> content.add(block(b, true)));
      root.put("stop_reason", stopReason());
      root.putNull("stop_sequence");
      root.set("usage", usage(outputTokens(), true));
      return root;
    }

    private ObjectNode envelope() {
      ObjectNode root = Json.object();
      root.put("id", id);
      root.put("type", "message");
      root.put("role", "assistant");
      root.put("model", request.model());
      return root;
    }

    /** {@code complete}: the block as in a message; otherwise as in {@code content_block_start} (empty). */
    private static ObjectNode block(Block b, boolean complete) {
      ObjectNode node = Json.object();
      node.put("type", b.type());
      switch (b.type()) {
        case "thinking" -> {
          node.put("thinking", complete ? b.pieces().joined() : "");
          node.put("signature", complete ? b.signature() : "");
        }
        case "tool_use" -> {
          node.put("id", b.toolId());
          node.put("name", b.toolName());
          node.putObject("caller").put("type", "direct"); // as the SDK's fixture; the SDK 3.13 requires it
          node.set("input", complete ? input(b) : Json.object());
        }
        default -> node.put("text", complete ? b.pieces().joined() : "");
      }
      return node;
    }

    /** The tool input; arguments cut by {@code max_tokens} are not valid JSON, so they give an empty object. */
    private static JsonNode input(Block b) {
      try {
        JsonNode parsed = Json.MAPPER.readTree(b.pieces().joined());
        return parsed != null && parsed.isObject() ? parsed : Json.object();
      } catch (java.io.IOException e) {
        return Json.object();
      }
    }

    /** Usage as in a message (and {@code message_start}); {@code false}: the cumulative one of {@code message_delta}. */
    private ObjectNode usage(int outputTokens, boolean full) {
      ObjectNode u = Json.object();
      u.put("input_tokens", usage.input());
      u.put("cache_creation_input_tokens", usage.cacheCreation());
      u.put("cache_read_input_tokens", usage.cacheRead());
      if (full) {
        ObjectNode creation = u.putObject("cache_creation");
        creation.put("ephemeral_5m_input_tokens", usage.oneHour() ? 0 : usage.cacheCreation());
        creation.put("ephemeral_1h_input_tokens", usage.oneHour() ? usage.cacheCreation() : 0);
      }
      u.put("output_tokens", outputTokens);
      if (full) {
        u.put("service_tier", "standard");
        u.put("inference_geo", "not_available");
      }
      return u;
    }

    List<SseEvent> streamEvents() {
      List<SseEvent> events = new ArrayList<>();
      ObjectNode start = Json.object();
      start.put("type", "message_start");
      ObjectNode message = start.putObject("message");
      message.setAll(envelope());
      message.putArray("content");
      message.putNull("stop_reason");
      message.putNull("stop_sequence");
      message.set("usage", usage(1, true));
      events.add(SseEvent.named("message_start", Json.write(start), 0));
      for (int index = 0; index < blocks.size(); index++) {
        Block b = blocks.get(index);
        ObjectNode blockStart = Json.object();
        blockStart.put("type", "content_block_start");
        blockStart.put("index", index);
        blockStart.set("content_block", block(b, false));
        events.add(SseEvent.named("content_block_start", Json.write(blockStart), 0));
        if (index == 0) {
          events.add(SseEvent.named("ping", "{\"type\": \"ping\"}", 0));
        }
        if (b.type().equals("tool_use")) {
          events.add(delta(index, "input_json_delta", "partial_json", "", 0));
        }
        for (String piece : b.pieces().texts()) {
          switch (b.type()) {
            case "thinking" -> events.add(delta(index, "thinking_delta", "thinking", piece, 1));
            case "tool_use" -> events.add(delta(index, "input_json_delta", "partial_json", piece, 1));
            default -> events.add(delta(index, "text_delta", "text", piece, 1));
          }
        }
        if (b.type().equals("thinking")) {
          events.add(delta(index, "signature_delta", "signature", b.signature(), 0));
        }
        ObjectNode stop = Json.object();
        stop.put("type", "content_block_stop");
        stop.put("index", index);
        events.add(SseEvent.named("content_block_stop", Json.write(stop), 0));
      }
      ObjectNode messageDelta = Json.object();
      messageDelta.put("type", "message_delta");
      ObjectNode delta = messageDelta.putObject("delta");
      delta.put("stop_reason", stopReason());
      delta.putNull("stop_sequence");
      messageDelta.set("usage", usage(outputTokens(), false));
      events.add(SseEvent.named("message_delta", Json.write(messageDelta), 0));
      events.add(SseEvent.named("message_stop", "{\"type\":\"message_stop\"}", 0));
      return events;
    }

    private static SseEvent delta(int index, String type, String field, String value, int tokens) {
      ObjectNode event = Json.object();
      event.put("type", "content_block_delta");
      event.put("index", index);
      ObjectNode delta = event.putObject("delta");
      delta.put("type", type);
      delta.put(field, value);
      return SseEvent.named("content_block_delta", Json.write(event), tokens);
    }
  }
}
