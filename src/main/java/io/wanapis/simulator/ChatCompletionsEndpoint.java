package io.wanapis.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/chat/completions}: {@code chat.completion} objects and {@code chat.completion.chunk} streams.
 * In Azure's flavour the answer also carries Azure's content-filter results ({@code prompt_filter_results} on
 * the completion, {@code content_filter_results} on each choice; a stream starts with a chunk that has an empty
 * id, no choices and the {@code prompt_filter_results}) and stream chunks carry no obfuscation padding.
 */
final class ChatCompletionsEndpoint implements Endpoint {

  private final boolean azure;

  ChatCompletionsEndpoint() {
    this(false);
  }

  ChatCompletionsEndpoint(boolean azure) {
    this.azure = azure;
  }

  @Override
  public void handle(Exchange exchange, String body) {
    ChatRequest request = ChatRequest.parse(RequestFields.parseBody(body));
    int promptTokens = PromptTokenCounter.count(request);
    exchange.tokensRequested(promptTokens);
    List<PlannedChoice> choices = ChatReplyPlanner.plan(request);
    var answer = new Answer(Ids.chatCompletion(), System.currentTimeMillis() / 1000, request, choices, promptTokens,
        azure);
    if (request.stream()) {
      SsePacer.play(exchange, answer.streamEvents());
    } else {
      int slowest = choices.stream().mapToInt(PlannedChoice::completionTokens).max().orElse(0);
      exchange.after(Endpoint.generationDelayMs(exchange, slowest), () -> exchange.sendJson(200, answer.completion()));
    }
  }

  /** One answer, rendered either as a whole or as stream chunks that add up to the same thing. */
  private record Answer(String id, long created, ChatRequest request, List<PlannedChoice> choices, int promptTokens,
      boolean azure) {

    int completionTokens() {
      return choices.stream().mapToInt(PlannedChoice::completionTokens).sum();
    }

    ObjectNode completion() {
      ObjectNode root = Json.object();
      root.put("id", id);
      root.put("object", "chat.completion");
      root.put("created", created);
      root.put("model", request.model());
      ArrayNode out = root.putArray("choices");
      for (PlannedChoice choice : choices) {
        ObjectNode c = out.addObject();
        c.put("index", choice.index());
        ObjectNode message = c.putObject("message");
        message.put("role", "assistant");
        if (choice.isToolCall()) {
          message.putNull("content");
          ObjectNode call = message.putArray("tool_calls").addObject();
          call.put("id", choice.toolCallId());
          call.put("type", "function");
          ObjectNode function = call.putObject("function");
          function.put("name", choice.functionName());
          function.put("arguments", choice.content());
        } else {
          message.put("content", choice.content());
        }
        message.putNull("refusal");
        message.putArray("annotations");
        c.putNull("logprobs");
        c.put("finish_reason", choice.finishReason());
        if (azure) {
          c.set("content_filter_results", ContentFilter.results());
        }
      }
      if (azure) {
        root.set("prompt_filter_results", ContentFilter.promptResults());
      }
      root.set("usage", Usage.chat(promptTokens, completionTokens()));
      root.put("service_tier", "default");
      root.put("system_fingerprint", Ids.SYSTEM_FINGERPRINT);
      return root;
    }

    /**
     * Per choice: a role chunk ({@code content: ""}, or {@code content: null} plus the tool call's id and
     * name with empty arguments), one chunk per token, a finish chunk with an empty delta; then, only with
     * {@code include_usage}, a usage chunk with no choices (and {@code usage: null} on all other chunks).
     */
    List<SseEvent> streamEvents() {
      List<SseEvent> events = new ArrayList<>();
      if (azure) {
        ObjectNode filters = Json.object();
        filters.putArray("choices");
        filters.put("created", 0);
        filters.put("id", "");
        filters.put("model", "");
        filters.put("object", "");
        filters.putNull("system_fingerprint");
        filters.set("prompt_filter_results", ContentFilter.promptResults());
        events.add(SseEvent.data(Json.write(filters), false));
      }
      for (PlannedChoice choice : choices) {
        events.add(SseEvent.data(chunk(choice.index(), roleDelta(choice), null, false), false));
        for (String piece : choice.pieces().texts()) {
          events.add(SseEvent.data(chunk(choice.index(), pieceDelta(choice, piece), null, true), true));
        }
        events.add(SseEvent.data(chunk(choice.index(), Json.object(), choice.finishReason(), false), false));
      }
      if (request.includeUsage()) {
        ObjectNode last = chunkEnvelope();
        last.putArray("choices");
        last.set("usage", Usage.chat(promptTokens, completionTokens()));
        obfuscate(last);
        events.add(SseEvent.data(Json.write(last), false));
      }
      return events;
    }

    private static ObjectNode roleDelta(PlannedChoice choice) {
      ObjectNode delta = Json.object();
      delta.put("role", "assistant");
      if (choice.isToolCall()) {
        delta.putNull("content");
        ObjectNode call = delta.putArray("tool_calls").addObject();
        call.put("index", 0);
        call.put("id", choice.toolCallId());
        call.put("type", "function");
        ObjectNode function = call.putObject("function");
        function.put("name", choice.functionName());
        function.put("arguments", "");
      } else {
        delta.put("content", "");
      }
      delta.putNull("refusal");
      return delta;
    }

    private static ObjectNode pieceDelta(PlannedChoice choice, String piece) {
      ObjectNode delta = Json.object();
      if (choice.isToolCall()) {
        ObjectNode call = delta.putArray("tool_calls").addObject();
        call.put("index", 0);
        call.putObject("function").put("arguments", piece);
      } else {
        delta.put("content", piece);
      }
      return delta;
    }

    /** @param filtered Azure only: full content-filter results (token chunks) rather than an empty object */
    private String chunk(int index, ObjectNode delta, String finishReason, boolean filtered) {
      ObjectNode root = chunkEnvelope();
      ObjectNode c = root.putArray("choices").addObject();
      c.put("index", index);
      c.set("delta", delta);
      c.putNull("logprobs");
      c.put("finish_reason", finishReason);
      if (azure) {
        c.set("content_filter_results", filtered ? ContentFilter.results() : Json.object());
      }
      if (request.includeUsage()) {
        root.putNull("usage");
      }
      obfuscate(root);
      return Json.write(root);
    }

    private ObjectNode chunkEnvelope() {
      ObjectNode root = Json.object();
      root.put("id", id);
      root.put("object", "chat.completion.chunk");
      root.put("created", created);
      root.put("model", request.model());
      root.put("service_tier", "default");
      root.put("system_fingerprint", Ids.SYSTEM_FINGERPRINT);
      return root;
    }

    /** OpenAI pads chunks by default; {@code stream_options.include_obfuscation: false} turns it off. */
    private void obfuscate(ObjectNode chunk) {
      if (request.includeObfuscation() && !azure) {
        chunk.put("obfuscation", Ids.obfuscation());
      }
    }
  }
}
