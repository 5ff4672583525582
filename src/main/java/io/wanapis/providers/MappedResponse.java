package io.wanapis.providers;

import io.wanapis.usage.Usage;
import io.vertx.core.buffer.Buffer;

/** A non-streamed upstream answer mapped to the client's protocol, with its usage. */
public record MappedResponse(Buffer body, Usage usage) {}
