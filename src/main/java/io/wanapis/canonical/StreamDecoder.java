package io.wanapis.canonical;

import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/** Reads an upstream protocol's stream bytes into canonical events, incrementally. One per request. */
public interface StreamDecoder {
  void decode(Buffer chunk, Consumer<StreamEvent> out);

  /** The upstream closed the stream: decode what was held back. */
  default void end(Consumer<StreamEvent> out) {}

  /** True once the upstream's proper end was seen. */
  boolean completed();
}
