package io.wanapis.cache;

import io.wanapis.usage.Usage;

/**
 * A stored answer: the exact bytes the client received (a JSON body, or the whole SSE stream in
 * the client's protocol), with what is needed to account for a hit.
 */
public record CachedAnswer(byte[] body, boolean stream, Usage usage, String routedModel, String deployment, long ttlNanos) {}
