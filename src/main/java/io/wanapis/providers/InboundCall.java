package io.wanapis.providers;

import io.wanapis.json.RequestPeek;
import io.vertx.core.MultiMap;

/** A client request as the adapters see it: the original body bytes and what was peeked from them. */
public record InboundCall(
    String requestId, Endpoint endpoint, byte[] body, int bodyLength, RequestPeek peek, MultiMap clientHeaders) {}
