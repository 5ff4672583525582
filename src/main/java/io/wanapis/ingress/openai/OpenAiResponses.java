package io.wanapis.ingress.openai;

import io.wanapis.errors.ApiError;
import io.vertx.core.http.HttpServerResponse;

/** Writes complete OpenAI-shaped answers (errors and small JSON documents). */
final class OpenAiResponses {
  private OpenAiResponses() {}

  static void error(HttpServerResponse resp, ApiError e, String requestId) {
    if (resp.ended() || resp.headWritten()) return;
    resp.setStatusCode(e.status()).putHeader("content-type", "application/json").putHeader("x-request-id", requestId);
    e.writeHeaders(resp);
    resp.end(io.vertx.core.buffer.Buffer.buffer(io.wanapis.providers.Protocol.OPENAI.errorBody(e, requestId)));
  }

  static void json(HttpServerResponse resp, String requestId, byte[] body) {
    resp.setStatusCode(200)
        .putHeader("content-type", "application/json")
        .putHeader("x-request-id", requestId)
        .end(io.vertx.core.buffer.Buffer.buffer(body));
  }
}
