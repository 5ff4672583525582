package io.wanapis.canonical;

import io.wanapis.errors.ApiError;
import io.wanapis.usage.Usage;

/**
 * A streamed answer as a sequence of protocol-neutral events. Decoders turn an upstream's stream
 * into these, encoders turn them into the client's protocol. Content arrives in blocks (text,
 * thinking, tool call), one open at a time, as Anthropic frames them; OpenAI-shaped encoders
 * simply ignore block boundaries.
 */
public sealed interface StreamEvent {
  /** First event: message id, model, and the usage known up front (Anthropic reports input tokens here). */
  record Start(String id, String model, Usage usage) implements StreamEvent {}

  record TextDelta(String text) implements StreamEvent {}

  record ThinkingDelta(String text) implements StreamEvent {}

  record SignatureDelta(String signature) implements StreamEvent {}

  record RedactedThinking(String data) implements StreamEvent {}

  /** A tool call begins; {@code toolIndex} counts tool calls from 0 within the message. */
  record ToolCallStart(int toolIndex, String id, String name) implements StreamEvent {}

  record ToolArgsDelta(int toolIndex, String partialJson) implements StreamEvent {}

  /** The current content block ended (text, thinking or tool call). */
  record BlockStop() implements StreamEvent {}

  /** Generation ended; usage is the final, cumulative usage when known. */
  record Finish(StopReason reason, String stopSequence, Usage usage) implements StreamEvent {}

  /** The upstream reported an error inside the stream. */
  record Error(ApiError error) implements StreamEvent {}
}
