package io.wanapis.providers;

import io.wanapis.usage.Usage;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Turns one upstream stream into the client's stream, incrementally: each upstream chunk goes in
 * as it arrives, zero or more client-ready byte blocks come out. One instance per request; used
 * only on that request's event loop.
 */
public interface StreamTranslator {
  void onChunk(Buffer chunk, Consumer<Buffer> emit);

  /** The upstream closed the stream: flush whatever was held back (an unterminated last event). */
  default void onEnd(Consumer<Buffer> emit) {}

  /** True once the upstream sent its proper end (e.g. {@code data: [DONE]}). */
  boolean completed();

  /** True once at least one event went to the client (after that, no retry is possible). */
  boolean emittedAny();

  /** Usage seen so far (the final usage once completed). */
  Usage usage();

  /** An error the upstream reported inside the stream, if any (its code), else null. */
  String inStreamErrorCode();
}
