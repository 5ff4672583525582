package io.wanapis.pipeline;

import io.wanapis.auth.Principal;
import io.wanapis.errors.ApiError;
import io.wanapis.providers.Endpoint;
import io.wanapis.providers.InboundCall;
import io.wanapis.routing.ModelRoute;
import io.wanapis.routing.Router;
import io.wanapis.routing.RoutingSession;
import io.wanapis.usage.RequestRecord;
import io.wanapis.usage.Usage;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

/**
 * The request's way after the ingress: (authorization, limits, cache and guard steps join here
 * with their issues) then the router and the upstream exchange. Also records requests the
 * ingress refused, so every request appears in the access log.
 */
public final class Pipeline {
  private final GatewayRuntime rt;
  private final Vertx vertx;

  public Pipeline(GatewayRuntime rt, Vertx vertx) {
    this.rt = rt;
    this.vertx = vertx;
  }

  public void run(HttpServerRequest req, InboundCall call, ModelRoute route, Principal principal, long startNanos, long totalOverrideMs) {
    // usage issue: reserve the request's estimated cost against its budgets, or refuse it
    var usage = rt.usage();
    if (usage != null && usage.budgets() != null) {
      ApiError refused = usage.budgets().reserve(principal, call, route);
      if (refused != null) {
        if (usage.metrics() != null) usage.metrics().budgetRefused();
        if (refused.retryAfterSeconds() != null) req.response().putHeader("retry-after", refused.retryAfterSeconds());
        reject(req, call, principal, refused, startNanos);
        return;
      }
    }
    Router.Resolution resolution;
    try {
      resolution = rt.router().resolve(route, call, principal.keyId());
    } catch (ApiError e) {
      reject(req, call, principal, e, startNanos);
      return;
    }
    RoutingSession session = new RoutingSession(rt.models(), resolution.route());
    new ProxyExchange(rt, vertx, req, call, session, resolution, principal, startNanos, totalOverrideMs).start();
  }

  private void reject(HttpServerRequest req, InboundCall call, Principal principal, ApiError e, long startNanos) {
    var resp = req.response();
    resp.setStatusCode(e.status()).putHeader("content-type", "application/json").putHeader("x-request-id", call.requestId());
    resp.end(io.vertx.core.buffer.Buffer.buffer(call.protocol().errorBody(e, call.requestId())));
    recordRejection(call.requestId(), principal, call.endpoint(), call.peek().model(), e, startNanos);
  }

  public void recordRejection(String requestId, Principal principal, Endpoint endpoint, String model, ApiError e, long startNanos) {
    RequestRecord r = new RequestRecord(System.currentTimeMillis(), requestId, principal == null ? null : principal.keyId(),
        endpoint.id(), model, null, null, e.status(), e.code(), false, Usage.UNKNOWN,
        (System.nanoTime() - startNanos) / 1e6, -1, 0, null, null, null, false);
    // usage issue: refused requests are attributed too (no body: no tags, no cost)
    if (rt.usage() != null) r = rt.usage().metering().complete(r, null, null, 0);
    rt.publish(r);
  }
}
