package io.wanapis.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Bedrock {@code Converse} ({@code {output: {message}, stopReason, usage, metrics}}) and {@code ConverseStream}
 * (event-stream frames {@code messageStart}, per block an optional {@code contentBlockStart} (tool use only),
 * {@code contentBlockDelta}s and {@code contentBlockStop}, then {@code messageStop} and {@code metadata}, every
 * payload padded with a random-length {@code p} field, keys in alphabetical order as AWS writes them).
 *
 * <p>The answer: a {@code reasoningContent} block first for Anthropic models with
 * {@code additionalModelRequestFields.thinking} enabled; then either a {@code toolUse} (after a one-line text
 * block under {@code auto}, as the recorded Nova stream had one) or a text block. A tool is called when the
 * request has tools and the conversation does not end with tool results; {@code any} and a named {@code tool}
 * force the call even then. {@code stopSequences} cut the text ({@code stop_sequence}), {@code maxTokens} cuts it
 * ({@code max_tokens}).
 *
 * <p>Input tokens: o200k_base tokens of the system and message texts with no framing overhead (which reproduces
 * the recorded Nova counts), {@value #TOOL_USE_OVERHEAD} more per {@code toolUse} and {@value #TOOL_RESULT_OVERHEAD}
 * per {@code toolResult} block, {@value #TOKENS_PER_IMAGE} per image, the tool specs' names, descriptions and
 * schemas plus a tool prompt of {@value #TOOL_PROMPT_AUTO} ({@code auto}) or {@value #TOOL_PROMPT_FORCED}
 * ({@code any}/{@code tool}) tokens, and {@value #THINKING_OVERHEAD} for extended thinking; all fitted to the
 * recordings under {@code bedrock/recorded/}.
 */
final class BedrockConverseEndpoint implements Endpoint {

  static final int TOKENS_PER_IMAGE = 1826;
  static final int TOOL_USE_OVERHEAD = 20;
  static final int TOOL_RESULT_OVERHEAD = 19;
  static final int TOOL_PROMPT_AUTO = 368;
  static final int TOOL_PROMPT_FORCED = 416;
  static final int THINKING_OVERHEAD = 35;
  /** Generated tokens per {@code contentBlockDelta} frame. */
  static final int TOKENS_PER_DELTA = 3;
  private static final String PADDING = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

  private final String modelId;
  private final boolean stream;

  BedrockConverseEndpoint(String modelId, boolean stream) {
    this.modelId = modelId;
    this.stream = stream;
  }

  /** A content block of the answer: {@code reasoning}, {@code text} or {@code toolUse}. */
  private record Block(String kind, Tokenizer.Pieces pieces, String signature, String toolUseId, String toolName,
      int tokens) {}

  private record Answer(List<Block> blocks, String stopReason, int inputTokens) {
    int outputTokens() {
      return blocks.stream().mapToInt(Block::tokens).sum();
    }
  }

  @Override
  public void handle(Exchange exchange, String body) {
    BedrockRequest request = BedrockRequest.parse(modelId, body);
    int input = inputTokens(request);
    exchange.tokensRequested(input);
    Answer answer = plan(request, input);
    if (stream) {
      long latency = Endpoint.generationDelayMs(exchange, answer.outputTokens()) + exchange.elapsedMs();
      SsePacer.play(exchange, streamEvents(answer, latency));
    } else {
      exchange.after(Endpoint.generationDelayMs(exchange, answer.outputTokens()),
          () -> exchange.sendJson(200, whole(answer, exchange.elapsedMs())));
    }
  }

  // ---- input tokens

  static int inputTokens(BedrockRequest request) {
    int tokens = 0;
    for (JsonNode block : request.system()) {
      tokens += Tokenizer.count(block.path("text").asText(""));
    }
    for (JsonNode message : request.messages()) {
      for (JsonNode block : BedrockRequest.blocks(message)) {
        tokens += blockTokens(block);
      }
    }
    if (!request.tools().isEmpty()) {
      tokens += request.toolChoice().equals("auto") ? TOOL_PROMPT_AUTO : TOOL_PROMPT_FORCED;
      for (BedrockRequest.Tool tool : request.tools()) {
        tokens += Tokenizer.count(tool.name()) + Tokenizer.count(tool.description())
            + (tool.inputSchema() == null ? 0 : Tokenizer.count(Json.write(tool.inputSchema())));
      }
    }
    if (request.thinkingBudget() != BedrockRequest.NO_THINKING) {
      tokens += THINKING_OVERHEAD;
    }
    return tokens;
  }

  private static int blockTokens(JsonNode block) {
    if (block.has("text")) {
      return Tokenizer.count(block.get("text").asText());
    }
    if (block.has("image") || block.has("document") || block.has("video")) {
      return TOKENS_PER_IMAGE;
    }
    if (block.has("toolUse")) {
      JsonNode use = block.get("toolUse");
      return TOOL_USE_OVERHEAD + Tokenizer.count(use.path("name").asText()) + Tokenizer.count(Json.write(use.path("input")));
    }
    if (block.has("toolResult")) {
      int tokens = TOOL_RESULT_OVERHEAD + Tokenizer.count(BedrockRequest.toolResultText(block.get("toolResult")));
      for (JsonNode inner : block.get("toolResult").path("content")) {
        if (inner.has("image") || inner.has("document")) {
          tokens += TOKENS_PER_IMAGE;
        }
      }
      return tokens;
    }
    return 0; // reasoning of earlier turns, cache points and guard content are not counted
  }

  // ---- the answer

  private static Answer plan(BedrockRequest request, int inputTokens) {
    List<Block> blocks = new ArrayList<>();
    String tool = toolToCall(request);
    int budget = request.maxTokens();
    if (request.thinkingBudget() != BedrockRequest.NO_THINKING) {
      Tokenizer.Pieces pieces = Tokenizer.split(thinking(request, tool), Math.min(request.thinkingBudget(), budget));
      blocks.add(new Block("reasoning", pieces, signature(pieces.joined()), null, null, pieces.tokens()));
      budget -= pieces.tokens();
    }
    if (tool != null && request.toolChoice().equals("auto")) {
      Tokenizer.Pieces pieces = Tokenizer.split("I'll use the " + tool + " tool for this.", budget);
      blocks.add(new Block("text", pieces, null, null, null, pieces.tokens()));
      budget -= pieces.tokens();
    }
    boolean stopSequence = false;
    if (tool != null) {
      JsonNode schema = request.tools().stream().filter(t -> t.name().equals(tool)).findFirst()
          .map(BedrockRequest.Tool::inputSchema).orElse(null);
      Tokenizer.Pieces pieces = Tokenizer.split(Json.write(JsonSchemaSampler.sample(schema, false)), budget);
      blocks.add(new Block("toolUse", pieces, null, Ids.bedrockToolUse(), tool, pieces.tokens()
          + Tokenizer.count(tool)));
    } else {
      String reply = ChatReplyPlanner.prose(request.replyContext(), 0);
      int cut = -1;
      for (String stop : request.stopSequences()) {
        int at = reply.indexOf(stop);
        if (at >= 0 && (cut < 0 || at < cut)) {
          cut = at;
        }
      }
      if (cut >= 0) {
        reply = reply.substring(0, cut);
        stopSequence = true;
      }
      Tokenizer.Pieces pieces = Tokenizer.split(reply, budget);
      stopSequence &= !pieces.truncated();
      blocks.add(new Block("text", pieces, null, null, null, pieces.tokens()));
    }
    String stopReason = blocks.stream().anyMatch(b -> b.pieces().truncated()) ? "max_tokens"
        : stopSequence ? "stop_sequence"
        : blocks.get(blocks.size() - 1).kind().equals("toolUse") ? "tool_use" : "end_turn";
    return new Answer(List.copyOf(blocks), stopReason, inputTokens);
  }

  private static String toolToCall(BedrockRequest request) {
    if (request.tools().isEmpty()) {
      return null;
    }
    if (request.toolChoiceName() != null) {
      return request.toolChoiceName();
    }
    if (request.endsWithToolResult() && !request.toolChoice().equals("any")) {
      return null;
    }
    return ChatReplyPlanner.nextTool(request.tools().stream().map(BedrockRequest.Tool::name).toList(),
        request.calledTools());
  }

  private static String thinking(BedrockRequest request, String tool) {
    ChatReplyPlanner.ReplyContext context = request.replyContext();
    String said = context.lastUserText();
    return (!context.toolResults().isEmpty() ? "The tool results are in, so I can answer now."
        : said.isEmpty() ? "The user said nothing." : "The user wrote: \"" + ChatReplyPlanner.quote(said) + "\".")
        + (tool != null ? " I should call the tool " + tool + " first." : " I am the WanAPIs simulator, so I will"
            + " answer with my usual deterministic reply.");
  }

  /** A deterministic stand-in for Anthropic's opaque signature: base64 of 192 bytes derived from the reasoning. */
  private static String signature(String reasoning) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(reasoning.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[192];
      for (int i = 0; i < out.length; i++) {
        out[i] = (byte) (hash[i % hash.length] ^ (i * 3));
      }
      return Base64.getEncoder().encodeToString(out);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- rendering (keys in alphabetical order, as AWS serialises them)

  private static ObjectNode whole(Answer answer, long latencyMs) {
    ObjectNode root = Json.object();
    root.putObject("metrics").put("latencyMs", latencyMs);
    ObjectNode message = root.putObject("output").putObject("message");
    var content = message.putArray("content");
    for (Block b : answer.blocks()) {
      ObjectNode block = content.addObject();
      switch (b.kind()) {
        case "reasoning" -> {
          ObjectNode text = block.putObject("reasoningContent").putObject("reasoningText");
          text.put("signature", b.signature());
          text.put("text", b.pieces().joined());
        }
        case "toolUse" -> {
          ObjectNode use = block.putObject("toolUse");
          use.set("input", input(b));
          use.put("name", b.toolName());
          use.put("toolUseId", b.toolUseId());
        }
        default -> block.put("text", b.pieces().joined());
      }
    }
    message.put("role", "assistant");
    root.put("stopReason", answer.stopReason());
    root.set("usage", usage(answer));
    return root;
  }

  /** The tool input; arguments cut by {@code maxTokens} are not valid JSON, so they give an empty object. */
  private static JsonNode input(Block b) {
    try {
      JsonNode parsed = Json.MAPPER.readTree(b.pieces().joined());
      return parsed != null && parsed.isObject() ? parsed : Json.object();
    } catch (java.io.IOException e) {
      return Json.object();
    }
  }

  private static ObjectNode usage(Answer answer) {
    ObjectNode usage = Json.object();
    usage.put("inputTokens", answer.inputTokens());
    usage.put("outputTokens", answer.outputTokens());
    usage.putObject("serverToolUsage");
    usage.put("totalTokens", answer.inputTokens() + answer.outputTokens());
    return usage;
  }

  private static List<SseEvent> streamEvents(Answer answer, long latencyMs) {
    List<SseEvent> events = new ArrayList<>();
    ObjectNode start = Json.object();
    start.put("p", padding());
    start.put("role", "assistant");
    events.add(frame("messageStart", start, 0));
    for (int index = 0; index < answer.blocks().size(); index++) {
      Block b = answer.blocks().get(index);
      if (b.kind().equals("toolUse")) {
        ObjectNode blockStart = Json.object();
        blockStart.put("contentBlockIndex", index);
        blockStart.put("p", padding());
        ObjectNode use = blockStart.putObject("start").putObject("toolUse");
        use.put("name", b.toolName());
        use.put("toolUseId", b.toolUseId());
        events.add(frame("contentBlockStart", blockStart, 0));
      }
      List<String> texts = b.pieces().texts();
      for (int i = 0; i < texts.size(); i += TOKENS_PER_DELTA) {
        List<String> group = texts.subList(i, Math.min(texts.size(), i + TOKENS_PER_DELTA));
        String piece = String.join("", group);
        ObjectNode delta = Json.object();
        switch (b.kind()) {
          case "reasoning" -> delta.putObject("reasoningContent").put("text", piece);
          case "toolUse" -> delta.putObject("toolUse").put("input", piece);
          default -> delta.put("text", piece);
        }
        events.add(deltaFrame(index, delta, group.size()));
      }
      if (b.kind().equals("reasoning")) {
        ObjectNode delta = Json.object();
        delta.putObject("reasoningContent").put("signature", b.signature());
        events.add(deltaFrame(index, delta, 0));
      }
      ObjectNode stop = Json.object();
      stop.put("contentBlockIndex", index);
      stop.put("p", padding());
      events.add(frame("contentBlockStop", stop, 0));
    }
    ObjectNode messageStop = Json.object();
    messageStop.put("p", padding());
    messageStop.put("stopReason", answer.stopReason());
    events.add(frame("messageStop", messageStop, 0));
    ObjectNode metadata = Json.object();
    metadata.putObject("metrics").put("latencyMs", latencyMs);
    metadata.put("p", padding());
    metadata.set("usage", usage(answer));
    events.add(frame("metadata", metadata, 0));
    return events;
  }

  private static SseEvent deltaFrame(int index, ObjectNode delta, int tokens) {
    ObjectNode event = Json.object();
    event.put("contentBlockIndex", index);
    event.set("delta", delta);
    event.put("p", padding());
    return frame("contentBlockDelta", event, tokens);
  }

  private static SseEvent frame(String eventType, ObjectNode payload, int tokens) {
    return SseEvent.binary(BedrockProtocol.eventFrame(eventType, Json.write(payload)), tokens);
  }

  /** AWS pads every event with {@code "p"}: a prefix of a-z, A-Z, 0-9 of random length, hiding token lengths. */
  static String padding() {
    return PADDING.substring(0, 1 + ThreadLocalRandom.current().nextInt(PADDING.length()));
  }
}
