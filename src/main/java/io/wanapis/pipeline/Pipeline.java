package io.wanapis.pipeline;

import io.wanapis.auth.Principal;
import io.wanapis.errors.ApiError;
import io.wanapis.providers.Endpoint;
import io.wanapis.providers.InboundCall;
import io.wanapis.cache.CacheKeys;
import io.wanapis.limits.TokenEstimate;
import io.wanapis.cache.CachedAnswer;
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
        if (usage.metrics() != null && refused.status() == 429) usage.metrics().budgetRefused();
        if (refused.retryAfterSeconds() != null) req.response().putHeader("retry-after", refused.retryAfterSeconds());
        reject(req, call, principal, refused, startNanos);
        return;
      }
    }
    // quotas issue: the limits of the key, its model, project and team (answered from memory;
    // asynchronously only when a shared counter store must be asked)
    rt.quotas().admit(principal, call).onComplete(ar -> {
      if (ar.failed()) {
        ApiError e = ar.cause() instanceof ApiError a ? a : ApiError.internal("quota check failed: " + ar.cause());
        reject(req, call, principal, e, startNanos);
        return;
      }
      var admission = ar.result();
      call.rateLimit(admission);
      call.schedule(admission != null ? admission.tenant()
          : principal.teamId() != null ? "team:" + principal.teamId() : "key:" + principal.keyId(), admission != null ? admission.weight() : 1);
      routeAndSend(req, call, route, principal, startNanos, totalOverrideMs);
    });
  }

  private void routeAndSend(HttpServerRequest req, InboundCall call, ModelRoute route, Principal principal, long startNanos,
      long totalOverrideMs) {
    Router.Resolution resolution;
    try {
      resolution = rt.router().resolve(route, call, principal.keyId());
    } catch (ApiError e) {
      rt.quotas().release(call.rateLimit(), 0); // never sent: no tokens used
      reject(req, call, principal, e, startNanos);
      return;
    }
    var cacheCfg = route.routing().cache() != null ? route.routing().cache() : resolution.route().routing().cache();
    if (cacheCfg == null) {
      send(req, call, principal, startNanos, totalOverrideMs, resolution, null);
      return;
    }
    String cc = req.getHeader("cache-control");
    boolean noCache = cc != null && (cc.contains("no-cache") || cc.contains("no-store"));
    boolean noStore = cc != null && cc.contains("no-store");
    String scope = "shared".equals(cacheCfg.scope()) ? null : principal.keyId();
    String key = CacheKeys.of(call, resolution.route().name(), scope);
    long ttl = (cacheCfg.ttlSeconds() != null ? cacheCfg.ttlSeconds() : 300) * 1_000_000_000L;
    CacheWrite cacheWrite = !noStore && key != null ? new CacheWrite(key, ttl) : null;
    // in memory, then (local miss, shared state configured) one round trip to Redis: a miss when it cannot answer in time
    var lookup = noCache || key == null ? io.vertx.core.Future.<CachedAnswer>succeededFuture() : rt.cache().lookup(key);
    lookup.onComplete(ar -> {
      CachedAnswer hit = ar.succeeded() ? ar.result() : null;
      if (hit != null) replay(req, call, hit, resolution, principal, startNanos);
      else send(req, call, principal, startNanos, totalOverrideMs, resolution, cacheWrite);
    });
  }

  private void send(HttpServerRequest req, InboundCall call, Principal principal, long startNanos, long totalOverrideMs,
      Router.Resolution resolution, CacheWrite cacheWrite) {
    RoutingSession session = new RoutingSession(rt.models(), resolution.route());
    new ProxyExchange(rt, vertx, req, call, session, resolution, principal, startNanos, totalOverrideMs, cacheWrite).start();
  }

  /** Where a successful answer is stored in the response cache, and for how long. */
  record CacheWrite(String key, long ttlNanos) {}

  /** Answers from the cache: the exact bytes of the first answer (a stream is replayed as a stream). */
  private void replay(HttpServerRequest req, InboundCall call, CachedAnswer hit, Router.Resolution resolution, Principal principal,
      long startNanos) {
    var resp = req.response();
    resp.setStatusCode(200)
        .putHeader("content-type", hit.stream() ? "text/event-stream; charset=utf-8" : "application/json")
        .putHeader("x-request-id", call.requestId())
        .putHeader("x-wanapis-cache", "hit")
        .putHeader("x-wanapis-model", hit.routedModel())
        .putHeader("x-wanapis-deployment", hit.deployment());
    if (resolution.variant() != null) resp.putHeader("x-wanapis-variant", resolution.variant());
    if (hit.stream()) resp.putHeader("cache-control", "no-cache");
    if (call.rateLimit() != null) {
      if (call.rateLimit().status() != null) call.rateLimit().status().writeTo(resp.headers());
      rt.quotas().release(call.rateLimit(), 0); // no upstream tokens were used
    }
    resp.end(io.vertx.core.buffer.Buffer.buffer(hit.body()));
    double ms = (System.nanoTime() - startNanos) / 1e6;
    var peek = call.peek();
    RequestRecord r = new RequestRecord(System.currentTimeMillis(), call.requestId(), principal.keyId(), call.endpoint().id(), peek.model(),
        null, hit.deployment(), 200, null, peek.stream(), hit.usage(), ms, peek.stream() ? ms : -1, 0, peek.user(),
        hit.routedModel(), resolution.variant(), true);
    // attributed (team, project, tags) like any request; a hit costs nothing upstream
    if (rt.usage() != null) r = rt.usage().metering().complete(r, call, null, hit.body().length);
    rt.publish(r);
  }

  private void reject(HttpServerRequest req, InboundCall call, Principal principal, ApiError e, long startNanos) {
    var resp = req.response();
    resp.setStatusCode(e.status()).putHeader("content-type", "application/json").putHeader("x-request-id", call.requestId());
    e.writeHeaders(resp);
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
