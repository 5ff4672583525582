package io.wanapis.canonical;

import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/** Writes canonical stream events in a client protocol. One per request. */
public interface StreamEncoder {
  void encode(StreamEvent event, Consumer<Buffer> out);

  /** The upstream ended properly: write the protocol's end (e.g. {@code data: [DONE]}). */
  void complete(Consumer<Buffer> out);
}
