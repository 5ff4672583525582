package io.wanapis.providers;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/** What an adapter wants sent upstream; {@code path} is appended to the provider's base URL path. */
public record UpstreamRequest(HttpMethod method, String path, MultiMap headers, Buffer body) {}
