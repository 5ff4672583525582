package io.wanapis.pipeline;

import io.wanapis.auth.Principal;
import io.wanapis.config.Timeouts;
import io.wanapis.errors.ApiError;
import io.wanapis.json.RequestPeek;
import io.wanapis.providers.InboundCall;
import io.wanapis.providers.MappedResponse;
import io.wanapis.providers.Provider;
import io.wanapis.providers.StreamTranslator;
import io.wanapis.providers.UpstreamRequest;
import io.wanapis.routing.ConcurrencyGate;
import io.wanapis.routing.DeploymentHealth;
import io.wanapis.routing.ModelRoute;
import io.wanapis.routing.Router;
import io.wanapis.routing.RoutingSession;
import io.wanapis.routing.Target;
import io.wanapis.usage.RequestRecord;
import io.wanapis.usage.Usage;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * One client request on its way through router, adapter and upstream, and its answer on the way
 * back. Everything runs on the request's event loop; nothing here blocks.
 *
 * <p>Retries: while nothing has been sent to the client, a retryable failure (connection error,
 * timeout, 429, 5xx, a stream that ends before its first event) moves on to the next target of
 * the route. Once bytes went out, a failure ends the stream with an error event instead.
 *
 * <p>Cancellation: if the client goes away, the upstream request is reset at once so nobody pays
 * for tokens nobody reads.
 */
final class ProxyExchange {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ProxyExchange.class);
  /** Upper bound for a buffered (non-stream) upstream answer. */
  private static final int MAX_UPSTREAM_BODY = 64 * 1024 * 1024;

  private enum Phase { WAITING_HEAD, READING_BODY, DONE }

  private final GatewayRuntime rt;
  private final Vertx vertx;
  private final HttpServerRequest req;
  private final HttpServerResponse resp;
  private final InboundCall call;
  private final RoutingSession session;
  private final Router.Resolution resolution;
  private final Principal principal;
  private final long startNanos;
  private final long totalOverrideMs;

  private int attempt = -1;
  /** The current target's health was told the attempt started (and must hear how it ended). */
  private boolean attemptOpen;
  /** The current target's concurrency slot is held. */
  private boolean holdsSlot;
  private ModelRoute route;
  /**
   * Bumped whenever the current upstream exchange is started or abandoned; callbacks of an
   * abandoned exchange (a reset fires its handlers synchronously) see a stale value and do nothing.
   */
  private int generation;
  private Target target;
  private Timeouts timeouts;
  private HttpClientRequest upstream;
  private HttpClientResponse upstreamResp;
  private StreamTranslator translator;
  private Phase phase = Phase.WAITING_HEAD;
  private long phaseStartNanos;
  private long lastActivityNanos;
  private long timerId = -1;
  private boolean clientHeadersSent;
  private boolean finished;
  private long ttftNanos = -1;
  private Usage usage = Usage.UNKNOWN;
  /** Set when the answer should be cached; a stream's client bytes are collected in {@code cacheBytes}. */
  private final Pipeline.CacheWrite cacheWrite;
  private Buffer cacheBytes;
  private Buffer collected;
  private boolean collectedOwned;
  private boolean cacheOverflow;

  ProxyExchange(GatewayRuntime rt, Vertx vertx, HttpServerRequest req, InboundCall call, RoutingSession session,
      Router.Resolution resolution, Principal principal, long startNanos, long totalOverrideMs, Pipeline.CacheWrite cacheWrite) {
    this.cacheWrite = cacheWrite;
    this.rt = rt;
    this.vertx = vertx;
    this.req = req;
    this.resp = req.response();
    this.call = call;
    this.session = session;
    this.resolution = resolution;
    this.route = session.route();
    this.principal = principal;
    this.startNanos = startNanos;
    this.totalOverrideMs = totalOverrideMs;
  }

  void start() {
    resp.closeHandler(v -> onClientGone());
    nextAttempt(null);
  }

  // ---------------------------------------------------------------- attempts

  /** Tries the next target the routing session offers, or answers with {@code lastError} when none is left. */
  private void nextAttempt(ApiError lastError) {
    if (finished) return;
    Target next = session.next(lastError);
    if (next == null) {
      fail(lastError != null ? lastError : session.unavailable());
      return;
    }
    attempt++;
    target = next;
    route = session.route();
    Provider provider = target.provider();
    timeouts = route.timeoutsFor(target);
    if (totalOverrideMs > 0) timeouts = timeouts.withTotal(totalOverrideMs);
    if (target.gate() == null) {
      send(provider);
      return;
    }
    // A deployment with a concurrency limit: wait (bounded, fair between tenants) for a slot.
    final Target waitingFor = target;
    target.gate().acquire(vertx, call.tenant(), call.weight()).onComplete(ar -> {
      if (ar.failed()) {
        if (finished || waitingFor != target) return;
        ConcurrencyGate.Refused r = ar.cause() instanceof ConcurrencyGate.Refused x ? x : null;
        boolean full = r != null && r.reason() == ConcurrencyGate.Refusal.QUEUE_FULL;
        nextAttempt(new ApiError(full ? 429 : 503, "upstream_error", full ? "deployment_queue_full" : "deployment_queue_timeout",
            "Deployment '" + waitingFor.label() + "' of model '" + route.name() + "' is at its concurrency limit and "
                + (r != null ? r.getMessage() : "the request could not wait in its queue") + ". Retry later.", null, "1"));
        return;
      }
      if (finished || waitingFor != target) {
        waitingFor.gate().release(); // the client left or the exchange moved on while waiting
        return;
      }
      holdsSlot = true;
      send(provider);
    });
  }

  private void send(Provider provider) {
    UpstreamRequest up;
    try {
      if (!provider.adapter().supports(call.endpoint())) {
        throw ApiError.invalidParameter("model", "Model '" + route.name() + "' (provider '" + provider.name()
            + "') does not support the " + call.endpoint().path() + " endpoint.");
      }
      up = provider.adapter().prepare(call, provider, target.upstreamModel());
    } catch (ApiError e) {
      endAttempt(null);
      fail(e);
      return;
    }
    if (!session.inLastResort() && !target.health().tryEnter(System.nanoTime())) {
      // another request took the breaker's single probe meanwhile
      endAttempt(null);
      nextAttempt(new ApiError(503, "upstream_error", "deployment_cooling_down",
          "Deployment '" + target.label() + "' is cooling down.", null));
      return;
    }
    target.health().started(call.bodyLength() / 4);
    attemptOpen = true;
    phase = Phase.WAITING_HEAD;
    phaseStartNanos = System.nanoTime();
    armWatchdog();
    final int thisAttempt = ++generation;
    provider.client().request(provider.requestOptions(up, timeouts.connectMs())).onComplete(ar -> {
      if (finished || thisAttempt != generation) {
        if (ar.succeeded()) ar.result().reset();
        return;
      }
      if (ar.failed()) {
        retryOrFail(ApiError.upstreamUnreachable(provider.name(), describe(ar.cause())));
        return;
      }
      upstream = ar.result();
      upstream.exceptionHandler(err -> onUpstreamFailure(thisAttempt, err));
      upstream.send(up.body()).onComplete(sr -> {
        if (finished || thisAttempt != generation) return;
        if (sr.failed()) onUpstreamFailure(thisAttempt, sr.cause());
        else onUpstreamHead(sr.result());
      });
    });
  }

  /**
   * Tells the target's health and gate how the attempt ended: {@code failure} null and
   * {@code success} true for a good answer; a retryable failure counts against the deployment;
   * others (the client's own errors, a client that left) are neutral.
   */
  private void endAttempt(ApiError failure) {
    endAttempt(failure, false);
  }

  private void endAttempt(ApiError failure, boolean success) {
    if (target == null) return;
    if (holdsSlot) {
      holdsSlot = false;
      target.gate().release();
    }
    if (!attemptOpen) return;
    attemptOpen = false;
    DeploymentHealth h = target.health();
    h.finished();
    long now = System.nanoTime();
    if (success) {
      h.succeeded((now - phaseStartNanos) / 1e6, ttftNanos < 0 ? -1 : ttftNanos / 1e6);
      if (usage.known()) h.addTokens(Math.max(usage.inputTokens(), 0) + Math.max(usage.outputTokens(), 0));
    } else if (failure != null && failure.retryable()) {
      long retryAfter = -1;
      if (failure.retryAfterSeconds() != null && (failure.status() == 429 || failure.status() == 503)) {
        try {
          retryAfter = Long.parseLong(failure.retryAfterSeconds().trim());
        } catch (NumberFormatException ignored) {
          // an HTTP date: fall back to the failure count
        }
      }
      // A model with one deployment has nowhere else to go: count-based cooldown would only turn
      // a flaky upstream into a dead one. An explicit retry-after is still honoured.
      int threshold = route.targets().size() > 1 ? route.routing().cooldownFailures() : 0;
      h.failed(now, retryAfter, threshold, route.routing().cooldownSeconds(), failure.code());
    }
  }

  private void retryOrFail(ApiError e) {
    cancelUpstream();
    endAttempt(e);
    if (!clientHeadersSent) nextAttempt(e);
    else fail(e);
  }

  private void onUpstreamFailure(int forGeneration, Throwable err) {
    if (finished || forGeneration != generation) return;
    String provider = target.provider().name();
    if (translator != null && clientHeadersSent) {
      ApiError e = ApiError.streamInterrupted(provider, describe(err));
      endAttempt(e);
      failMidStream(e);
    } else {
      retryOrFail(ApiError.upstreamUnreachable(provider, describe(err)));
    }
  }

  // ---------------------------------------------------------------- upstream answer

  private void onUpstreamHead(HttpClientResponse r) {
    upstreamResp = r;
    phase = Phase.READING_BODY;
    lastActivityNanos = System.nanoTime();
    armWatchdog();
    int status = r.statusCode();
    String ct = r.getHeader("content-type");
    boolean streamed = target.provider().adapter().isStream(ct);
    if (status >= 200 && status < 300 && streamed && call.peek().stream()) {
      relayStream(r);
    } else {
      readWhole(r, status);
    }
  }

  private void readWhole(HttpClientResponse r, int status) {
    Buffer body = Buffer.buffer();
    final int thisAttempt = generation;
    r.handler(chunk -> {
      lastActivityNanos = System.nanoTime();
      if (body.length() + chunk.length() > MAX_UPSTREAM_BODY) {
        cancelUpstream();
        fail(new ApiError(502, "upstream_error", "upstream_body_too_large",
            "Provider '" + target.provider().name() + "' sent an answer larger than " + MAX_UPSTREAM_BODY + " bytes.", null));
        return;
      }
      body.appendBuffer(chunk);
    });
    r.exceptionHandler(err -> onUpstreamFailure(thisAttempt, err));
    r.endHandler(v -> {
      if (finished || thisAttempt != generation) return;
      Provider p = target.provider();
      if (status >= 200 && status < 300) {
        MappedResponse mapped;
        try {
          mapped = p.adapter().mapResponse(call, body);
        } catch (ApiError e) {
          // an answer the gateway cannot read is the upstream's fault, not a bad request
          fail("invalid_json".equals(e.code()) ? new ApiError(502, "upstream_error", "upstream_bad_response",
              "Provider '" + p.name() + "' sent an answer the gateway cannot read (" + e.getMessage() + ").", null) : e);
          return;
        } catch (RuntimeException e) {
          log.warn("{}: cannot map the answer of provider '{}'", call.requestId(), p.name(), e);
          fail(ApiError.internal("reading the answer of provider '" + p.name() + "'"));
          return;
        }
        usage = mapped.usage();
        writeHead(200, "application/json");
        resp.end(mapped.body());
        if (cacheWrite != null) {
          rt.cache().put(cacheWrite.key(), new io.wanapis.cache.CachedAnswer(mapped.body().getBytes(), false, usage, route.name(),
              target.label(), cacheWrite.ttlNanos()));
        }
        endAttempt(null, true);
        finish(200, null);
      } else {
        retryOrFail(p.adapter().mapError(p, status, r.headers(), body));
      }
    });
  }

  private void relayStream(HttpClientResponse r) {
    translator = target.provider().adapter().streamTranslator(call, target.provider(), target.upstreamModel());
    final int thisAttempt = generation;
    r.handler(chunk -> {
      if (finished || thisAttempt != generation) return;
      lastActivityNanos = System.nanoTime();
      try {
        translator.onChunk(chunk, this::collect);
        flushCollected();
      } catch (RuntimeException e) {
        log.warn("{}: cannot translate the stream of provider '{}'", call.requestId(), target.provider().name(), e);
        if (clientHeadersSent) failMidStream(ApiError.internal("translating the stream"));
        else fail(ApiError.internal("translating the stream"));
        return;
      }
      if (!finished && resp.writeQueueFull()) {
        r.pause();
        resp.drainHandler(v -> r.resume());
      }
    });
    r.exceptionHandler(err -> onUpstreamFailure(thisAttempt, err));
    r.endHandler(v -> {
      if (finished || thisAttempt != generation) return;
      try {
        translator.onEnd(this::collect);
        flushCollected();
      } catch (RuntimeException e) {
        log.warn("{}: cannot translate the end of the stream of provider '{}'", call.requestId(), target.provider().name(), e);
      }
      if (finished) return;
      usage = translator.usage();
      if (translator.completed()) {
        resp.end();
        if (cacheWrite != null && cacheBytes != null && translator.inStreamErrorCode() == null) {
          rt.cache().put(cacheWrite.key(), new io.wanapis.cache.CachedAnswer(cacheBytes.getBytes(), true, translator.usage(),
              route.name(), target.label(), cacheWrite.ttlNanos()));
        }
        endAttempt(null, translator.inStreamErrorCode() == null);
        finish(200, translator.inStreamErrorCode());
      } else if (!translator.emittedAny()) {
        // Nothing reached the client yet: as good as a failed connection, try elsewhere.
        retryOrFail(ApiError.streamInterrupted(target.provider().name(), "it closed before its first event"));
      } else {
        ApiError e = ApiError.streamInterrupted(target.provider().name(), "the connection closed before [DONE]");
        endAttempt(e);
        failMidStream(e);
      }
    });
  }

  /**
   * Events translated from one upstream chunk are gathered and written to the client at once:
   * one write (one flush, one TCP segment) per upstream chunk instead of one per event.
   */
  private void collect(Buffer bytes) {
    if (collected == null) collected = bytes;
    else {
      if (!collectedOwned) {
        collected = Buffer.buffer(collected.length() + bytes.length() + 256).appendBuffer(collected);
        collectedOwned = true;
      }
      collected.appendBuffer(bytes);
    }
  }

  private void flushCollected() {
    Buffer out = collected;
    collected = null;
    collectedOwned = false;
    if (out != null) writeStreamBytes(out);
  }

  private void writeStreamBytes(Buffer bytes) {
    if (finished) return;
    if (!clientHeadersSent) {
      writeHead(200, "text/event-stream; charset=utf-8");
      resp.setChunked(true);
      resp.putHeader("cache-control", "no-cache");
      ttftNanos = System.nanoTime() - startNanos;
    }
    resp.write(bytes);
    if (cacheWrite != null && !cacheOverflow) {
      if (cacheBytes == null) cacheBytes = Buffer.buffer();
      if (cacheBytes.length() + bytes.length() <= io.wanapis.cache.ResponseCache.MAX_ENTRY_BYTES) {
        cacheBytes.appendBuffer(bytes);
      } else {
        cacheOverflow = true; // too long to keep: this answer will not be cached
        cacheBytes = null;
      }
    }
  }

  private void writeHead(int status, String contentType) {
    clientHeadersSent = true;
    resp.setStatusCode(status);
    resp.putHeader("content-type", contentType);
    resp.putHeader("x-request-id", call.requestId());
    if (call.rateLimit() != null && call.rateLimit().status() != null) call.rateLimit().status().writeTo(resp.headers());
    if (target != null) {
      resp.putHeader("x-wanapis-model", route.name());
      resp.putHeader("x-wanapis-deployment", target.label());
      if (session.fallbackReason() != null) resp.putHeader("x-wanapis-fallback", session.fallbackReason());
      if (session.degradedReason() != null) resp.putHeader("x-wanapis-degraded", session.degradedReason());
      if (resolution.variant() != null) resp.putHeader("x-wanapis-variant", resolution.variant());
      String upId = upstreamResp == null ? null : upstreamResp.getHeader("x-request-id");
      if (upId != null) resp.putHeader("x-wanapis-upstream-request-id", upId);
    }
  }

  // ---------------------------------------------------------------- endings

  private void fail(ApiError e) {
    if (finished) return;
    if (clientHeadersSent) {
      failMidStream(e);
      return;
    }
    cancelUpstream();
    endAttempt(null);
    writeHead(e.status(), "application/json");
    e.writeHeaders(resp);
    resp.end(Buffer.buffer(call.protocol().errorBody(e, call.requestId())));
    finish(e.status(), e.code());
  }

  /** Headers are out: tell the client in-band, the way OpenAI's SDKs recognise, then end. */
  private void failMidStream(ApiError e) {
    if (finished) return;
    cancelUpstream();
    endAttempt(null);
    if (translator != null) usage = translator.usage();
    resp.end(call.protocol().streamError(e, call.requestId()));
    finish(e.status(), e.code());
  }

  private void onClientGone() {
    // An HTTP/2 stream closes as soon as the answer is ended: that is not the client leaving.
    if (finished || resp.ended()) return;
    cancelUpstream();
    endAttempt(null);
    if (translator != null) usage = translator.usage();
    finish(499, "client_closed_request");
  }

  private void cancelUpstream() {
    generation++;
    cancelWatchdog();
    HttpClientRequest u = upstream;
    upstream = null;
    if (u != null) u.reset();
  }

  private void finish(int status, String errorCode) {
    if (finished) return;
    finished = true;
    phase = Phase.DONE;
    cancelWatchdog();
    long now = System.nanoTime();
    RequestPeek peek = call.peek();
    if (call.rateLimit() != null) {
      rt.quotas().release(call.rateLimit(), usage.known() ? Math.max(usage.inputTokens(), 0) + Math.max(usage.outputTokens(), 0) : -1);
    }
    RequestRecord record = new RequestRecord(
        System.currentTimeMillis(), call.requestId(), principal.keyId(), call.endpoint().id(), peek.model(),
        target == null ? null : target.provider().name(), target == null ? null : target.upstreamModel(),
        status, errorCode, peek.stream(), usage, (now - startNanos) / 1e6,
        ttftNanos < 0 ? -1 : ttftNanos / 1e6, attempt + 1, peek.user(), route.name(), resolution.variant(), false);
    // usage issue: team/project, tags, estimated usage and cost, priced from the deployment that answered
    var metering = rt.usage();
    if (metering != null) record = metering.metering().complete(record, call, target == null ? null : target.spec(), resp.bytesWritten());
    rt.publish(record);
  }

  // ---------------------------------------------------------------- timeouts

  /**
   * One timer per exchange, re-armed lazily: it fires at the earliest deadline and, if activity
   * moved that deadline, sleeps again. Cheaper than resetting a timer on every chunk.
   */
  private void armWatchdog() {
    cancelWatchdog();
    long deadline = nextDeadlineNanos();
    if (deadline == Long.MAX_VALUE) return;
    long delayMs = (deadline - System.nanoTime()) / 1_000_000 + 1;
    timerId = vertx.setTimer(Math.max(1, delayMs), id -> {
      timerId = -1;
      onWatchdog();
    });
  }

  private long nextDeadlineNanos() {
    long d = Long.MAX_VALUE;
    if (timeouts.totalMs() > 0) d = Math.min(d, startNanos + timeouts.totalMs() * 1_000_000);
    if (phase == Phase.WAITING_HEAD && timeouts.firstByteMs() > 0) d = Math.min(d, phaseStartNanos + timeouts.firstByteMs() * 1_000_000);
    if (phase == Phase.READING_BODY && timeouts.idleMs() > 0) d = Math.min(d, lastActivityNanos + timeouts.idleMs() * 1_000_000);
    return d;
  }

  private void onWatchdog() {
    if (finished) return;
    long now = System.nanoTime();
    String provider = target.provider().name();
    ApiError timeout = null;
    boolean total = false;
    if (timeouts.totalMs() > 0 && now >= startNanos + timeouts.totalMs() * 1_000_000) {
      timeout = ApiError.upstreamTimeout(provider, "total", timeouts.totalMs());
      total = true;
    } else if (phase == Phase.WAITING_HEAD && timeouts.firstByteMs() > 0 && now >= phaseStartNanos + timeouts.firstByteMs() * 1_000_000) {
      timeout = ApiError.upstreamTimeout(provider, "first-byte", timeouts.firstByteMs());
    } else if (phase == Phase.READING_BODY && timeouts.idleMs() > 0 && now >= lastActivityNanos + timeouts.idleMs() * 1_000_000) {
      timeout = ApiError.upstreamTimeout(provider, "idle", timeouts.idleMs());
    }
    if (timeout == null) {
      armWatchdog();
      return;
    }
    if (clientHeadersSent) {
      endAttempt(timeout);
      failMidStream(timeout);
    } else if (total) {
      endAttempt(timeout);
      fail(timeout); // the client's whole budget is spent: no more attempts
    } else {
      retryOrFail(timeout);
    }
  }

  private void cancelWatchdog() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    String name = t.getClass().getSimpleName();
    if (m == null || m.isBlank()) return name;
    // Keep messages short and free of stack details; they reach the client.
    m = m.replace('\n', ' ');
    return m.length() > 200 ? m.substring(0, 200) + "…" : m;
  }
}
