package io.wanapis.canonical;

import io.wanapis.providers.StreamTranslator;
import io.wanapis.usage.Usage;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * A cross-protocol stream: the upstream's decoder feeds canonical events to the client's encoder,
 * event by event (never buffering the whole answer), keeping the usage and errors it sees.
 */
public final class TranslatingStream implements StreamTranslator {
  private final StreamDecoder decoder;
  private final StreamEncoder encoder;
  private Usage usage = Usage.UNKNOWN;
  private boolean emitted;
  private boolean completed;
  private String errorCode;

  public TranslatingStream(StreamDecoder decoder, StreamEncoder encoder) {
    this.decoder = decoder;
    this.encoder = encoder;
  }

  @Override
  public void onChunk(Buffer chunk, Consumer<Buffer> emit) {
    process(emit, sink -> decoder.decode(chunk, sink));
  }

  @Override
  public void onEnd(Consumer<Buffer> emit) {
    process(emit, decoder::end);
  }

  private void process(Consumer<Buffer> emit, Consumer<Consumer<StreamEvent>> source) {
    Consumer<Buffer> counting = b -> {
      emitted = true;
      emit.accept(b);
    };
    source.accept(e -> {
      if (e instanceof StreamEvent.Start s && s.usage() != null) usage = s.usage().orElse(usage);
      if (e instanceof StreamEvent.Finish f && f.usage() != null) usage = f.usage().orElse(usage);
      if (e instanceof StreamEvent.Error err) {
        errorCode = err.error().code();
        completed = true;
      }
      encoder.encode(e, counting);
    });
    if (!completed && decoder.completed()) {
      completed = true;
      encoder.complete(counting);
    }
  }

  @Override public boolean completed() { return completed; }
  @Override public boolean emittedAny() { return emitted; }
  @Override public Usage usage() { return usage; }
  @Override public String inStreamErrorCode() { return errorCode; }
}
