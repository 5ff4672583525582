package io.wanapis.pipeline;

import io.wanapis.auth.Principal;
import io.wanapis.errors.ApiError;
import io.wanapis.providers.Endpoint;
import io.wanapis.providers.InboundCall;
import io.wanapis.routing.ModelRoute;
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
    new ProxyExchange(rt, vertx, req, call, route, principal, startNanos, totalOverrideMs).start();
  }

  public void recordRejection(String requestId, Principal principal, Endpoint endpoint, String model, ApiError e, long startNanos) {
    rt.publish(new RequestRecord(System.currentTimeMillis(), requestId, principal == null ? null : principal.keyId(),
        endpoint.id(), model, null, null, e.status(), e.code(), false, Usage.UNKNOWN,
        (System.nanoTime() - startNanos) / 1e6, -1, 0, null));
  }
}
