package io.wanapis.ingress.openai;

import io.wanapis.errors.ApiError;
import io.wanapis.errors.OpenAiErrorBody;
import io.vertx.core.http.HttpServerResponse;

/** Writes complete OpenAI-shaped answers (errors and small JSON documents). */
final class OpenAiResponses {
  private OpenAiResponses() {}

  static void error(HttpServerResponse resp, ApiError e, String requestId) {
    if (resp.ended() || resp.headWritten()) return;
    resp.setStatusCode(e.status())
        .putHeader("content-type", "application/json")
        .putHeader("x-request-id", requestId);
    e.writeHeaders(resp);
    if (e.status() == 413) resp.putHeader("connection", "close"); // don't read the rest of the upload
    resp.end(OpenAiErrorBody.render(e, requestId));
  }

  static void json(HttpServerResponse resp, String requestId, byte[] body) {
    resp.setStatusCode(200)
        .putHeader("content-type", "application/json")
        .putHeader("x-request-id", requestId)
        .end(io.vertx.core.buffer.Buffer.buffer(body));
  }
}
