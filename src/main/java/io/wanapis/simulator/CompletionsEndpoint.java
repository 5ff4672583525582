package io.wanapis.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/completions}, the legacy {@code text_completion} API. Like the real one it stops at 16
 * tokens when {@code max_tokens} is not given. {@code echo: true} puts the prompt before the continuation.
 */
final class CompletionsEndpoint implements Endpoint {

  private static final int DEFAULT_MAX_TOKENS = 16;

  private record Choice(int index, Tokenizer.Pieces pieces, String finishReason) {}

  @Override
  public void handle(Exchange exchange, String rawBody) {
    JsonNode body = RequestFields.parseBody(rawBody);
    String model = RequestFields.requireModel(body);
    List<PromptInputs.Input> prompts = PromptInputs.parse(body.get("prompt"), "prompt");
    int n = RequestFields.choiceCount(body);
    int maxTokens = RequestFields.maxTokens(body, "max_tokens");
    if (maxTokens == ChatRequest.UNLIMITED) {
      maxTokens = DEFAULT_MAX_TOKENS;
    }
    boolean echo = body.path("echo").asBoolean(false);

    List<Choice> choices = new ArrayList<>();
    int promptTokens = 0;
    for (PromptInputs.Input prompt : prompts) {
      promptTokens += prompt.tokens();
      for (int i = 0; i < n; i++) {
        Tokenizer.Pieces pieces = Tokenizer.split(continuation(i), maxTokens);
        if (echo) { // the prompt is sent back before the generated text but not paced or counted as generated
          var withPrompt = new ArrayList<String>();
          withPrompt.add(prompt.text());
          withPrompt.addAll(pieces.texts());
          pieces = new Tokenizer.Pieces(List.copyOf(withPrompt), pieces.tokens(), pieces.truncated());
        }
        choices.add(new Choice(choices.size(), pieces, pieces.truncated() ? "length" : "stop"));
      }
    }
    exchange.tokensRequested(promptTokens);
    var answer = new Answer(Ids.textCompletion(), System.currentTimeMillis() / 1000, model, choices, promptTokens,
        body.path("stream_options").path("include_usage").asBoolean(false));
    if (body.path("stream").asBoolean(false)) {
      SsePacer.play(exchange, answer.streamEvents());
    } else {
      int slowest = choices.stream().mapToInt(c -> c.pieces().tokens()).max().orElse(0);
      exchange.after(Endpoint.generationDelayMs(exchange, slowest), () -> exchange.sendJson(200, answer.completion()));
    }
  }

  /**
   * Deterministic continuation of any prompt, kept under the default 16 tokens so that a request without
   * {@code max_tokens} ends with {@code stop}; the answering model shows in the {@code model} field.
   */
  static String continuation(int alternative) {
    return alternative == 0
        ? " and so the WanAPIs simulator continues."
        : " and so, alternatively (" + (alternative + 1) + "), the simulator continues.";
  }

  private record Answer(String id, long created, String model, List<Choice> choices, int promptTokens,
      boolean includeUsage) {

    int completionTokens() {
      return choices.stream().mapToInt(c -> c.pieces().tokens()).sum();
    }

    ObjectNode completion() {
      ObjectNode root = envelope();
      ArrayNode out = root.putArray("choices");
      for (Choice choice : choices) {
        addChoice(out, choice.index(), choice.pieces().joined(), choice.finishReason());
      }
      root.set("usage", Usage.legacy(promptTokens, completionTokens()));
      return root;
    }

    /** Token chunks per choice, a finish chunk with empty text, and the usage chunk when asked for. */
    List<SseEvent> streamEvents() {
      List<SseEvent> events = new ArrayList<>();
      for (Choice choice : choices) {
        for (String piece : choice.pieces().texts()) {
          events.add(SseEvent.data(chunk(choice.index(), piece, null), true));
        }
        events.add(SseEvent.data(chunk(choice.index(), "", choice.finishReason()), false));
      }
      if (includeUsage) {
        ObjectNode last = envelope();
        last.putArray("choices");
        last.set("usage", Usage.legacy(promptTokens, completionTokens()));
        events.add(SseEvent.data(Json.write(last), false));
      }
      return events;
    }

    private String chunk(int index, String text, String finishReason) {
      ObjectNode root = envelope();
      addChoice(root.putArray("choices"), index, text, finishReason);
      if (includeUsage) {
        root.putNull("usage");
      }
      return Json.write(root);
    }

    private ObjectNode envelope() {
      ObjectNode root = Json.object();
      root.put("id", id);
      root.put("object", "text_completion");
      root.put("created", created);
      root.put("model", model);
      return root;
    }

    private static void addChoice(ArrayNode out, int index, String text, String finishReason) {
      ObjectNode c = out.addObject();
      c.put("text", text);
      c.put("index", index);
      c.putNull("logprobs");
      c.put("finish_reason", finishReason);
    }
  }
}
