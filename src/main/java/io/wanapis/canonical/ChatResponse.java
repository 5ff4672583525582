package io.wanapis.canonical;

import io.wanapis.usage.Usage;
import java.util.List;

/** A complete (non-streamed) answer: one choice's content, why it stopped, and the usage. */
public record ChatResponse(String id, String model, List<Part> content, StopReason stopReason, String stopSequence,
    Usage usage, long created) {}
