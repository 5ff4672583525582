package io.wanapis.ingress;

import io.wanapis.auth.Permissions;
import io.wanapis.auth.Principal;
import io.wanapis.errors.ApiError;
import io.wanapis.json.RequestPeek;
import io.wanapis.pipeline.GatewayRuntime;
import io.wanapis.pipeline.Pipeline;
import io.wanapis.pipeline.RequestIds;
import io.wanapis.providers.Endpoint;
import io.wanapis.providers.Protocol;
import io.wanapis.routing.ModelRoute;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Consumer;

/**
 * The steps every proxying ingress takes before the pipeline, whatever its protocol: a request
 * id, the key (from headers only), the endpoint permission, the body read within its limit; then,
 * once the body is peeked, the model permission and route. Refusals are written in the ingress's
 * own error shape and recorded like any request.
 */
public final class IngressSteps {
  /** A request that passed authentication, the endpoint permission and the size limit. */
  public record Admitted(String requestId, long startNanos, Principal principal, BodyReader.Body body) {}

  private final GatewayRuntime rt;
  private final Pipeline pipeline;

  public IngressSteps(GatewayRuntime rt, Pipeline pipeline) {
    this.rt = rt;
    this.pipeline = pipeline;
  }

  /** @param permission the key permission the endpoint needs (see KeyEndpoints) */
  public void admit(HttpServerRequest req, Endpoint endpoint, String permission, Protocol protocol, Consumer<Admitted> next) {
    long start = System.nanoTime();
    String requestId = RequestIds.next();
    Principal principal;
    try {
      principal = rt.authenticator().authenticate(req);
    } catch (ApiError e) {
      reject(req, protocol, e, requestId, endpoint, null, null, start);
      return;
    }
    try {
      Permissions.requireEndpoint(principal, permission); // before the body is even read
    } catch (ApiError e) {
      reject(req, protocol, e, requestId, endpoint, principal, null, start);
      return;
    }
    long limit = rt.settings().maxBodyBytes();
    BodyReader.read(req, limit,
        body -> next.accept(new Admitted(requestId, start, principal, body)),
        () -> reject(req, protocol, ApiError.bodyTooLarge(limit), requestId, endpoint, principal, null, start));
  }

  /** The route of the peeked model, checked against the key's models before revealing whether it exists. */
  public ModelRoute route(Principal principal, RequestPeek peek) {
    if (peek.model() == null || peek.model().isEmpty()) throw ApiError.missingParameter("model");
    Permissions.requireModel(principal, peek.model());
    ModelRoute route = rt.models().resolve(peek.model());
    if (route == null) throw ApiError.modelNotFound(peek.model(), Permissions.visible(principal, rt.models().listedNames()));
    return route;
  }

  /** {@code x-wanapis-timeout-ms}: the client's own total timeout for this request (0 = none). */
  public static long timeoutHeader(HttpServerRequest req) {
    String v = req.getHeader("x-wanapis-timeout-ms");
    if (v == null) return 0;
    try {
      long ms = Long.parseLong(v.trim());
      if (ms <= 0) throw new NumberFormatException();
      return ms;
    } catch (NumberFormatException e) {
      throw new ApiError(400, "invalid_request_error", "invalid_header",
          "Header x-wanapis-timeout-ms must be a positive number of milliseconds, not '" + v + "'.", null);
    }
  }

  public void reject(HttpServerRequest req, Protocol protocol, ApiError e, Admitted a, Endpoint endpoint, String model) {
    reject(req, protocol, e, a.requestId(), endpoint, a.principal(), model, a.startNanos());
  }

  private void reject(HttpServerRequest req, Protocol protocol, ApiError e, String requestId, Endpoint endpoint,
      Principal principal, String model, long start) {
    error(req, protocol, e, requestId);
    pipeline.recordRejection(requestId, principal, endpoint, model, e, start);
  }

  /** Writes a complete error answer in the protocol's shape (nothing if the head is already out). */
  public static void error(HttpServerRequest req, Protocol protocol, ApiError e, String requestId) {
    var resp = req.response();
    if (resp.ended() || resp.headWritten()) return;
    resp.setStatusCode(e.status()).putHeader("content-type", "application/json").putHeader("x-request-id", requestId);
    e.writeHeaders(resp);
    if (e.status() == 413) resp.putHeader("connection", "close"); // don't read the rest of the upload
    resp.end(Buffer.buffer(protocol.errorBody(e, requestId)));
  }
}
