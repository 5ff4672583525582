package io.wanapis.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One request/response pair and everything scheduled for it. All methods run on the connection's event
 * loop, so no locking is needed.
 *
 * <p>It tracks whether the response is complete: if the client closes the connection before that, the
 * request counts as cancelled and every pending timer is cancelled, so an abandoned stream stops
 * generating (the behaviour the gateway's cancellation tests rely on).
 */
final class Exchange {

  private final Vertx vertx;
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final SimulatorStats stats;
  private final SimulatorOptions options;
  private final PromptCache promptCache;
  private final long startNanos = System.nanoTime();
  private final Set<Long> timers = new HashSet<>();
  private Protocol protocol = OpenAiProtocol.INSTANCE;
  private String requestId = protocol.newRequestId();
  private FaultPlan fault = FaultPlan.NONE;
  private long tokensRequested;
  private boolean finished;

  Exchange(Vertx vertx, HttpServerRequest request, SimulatorStats stats, SimulatorOptions options,
      PromptCache promptCache) {
    this.vertx = vertx;
    this.promptCache = promptCache;
    this.request = request;
    this.response = request.response();
    this.stats = stats;
    this.options = options;
    response.closeHandler(v -> clientWentAway());
    response.exceptionHandler(e -> clientWentAway());
  }

  HttpServerRequest request() {
    return request;
  }

  HttpServerResponse response() {
    return response;
  }

  SimulatorOptions options() {
    return options;
  }

  FaultPlan fault() {
    return fault;
  }

  PromptCache promptCache() {
    return promptCache;
  }

  Protocol protocol() {
    return protocol;
  }

  /** Sets the wire protocol of the answer (headers, error envelope, stream framing) and a request id in its shape. */
  void protocol(Protocol protocol) {
    this.protocol = protocol;
    this.requestId = protocol.newRequestId();
  }

  String requestId() {
    return requestId;
  }

  void fault(FaultPlan plan) {
    this.fault = plan;
  }

  /** Rough request size for the rate-limit headers. */
  void tokensRequested(long tokens) {
    this.tokensRequested = tokens;
  }

  boolean open() {
    return !finished;
  }

  long elapsedMs() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  /** Runs {@code action} after {@code delayMs} (at once when {@code <= 0}) unless the exchange is over by then. */
  void after(long delayMs, Runnable action) {
    if (finished) {
      return;
    }
    if (delayMs <= 0) {
      action.run();
      return;
    }
    long[] id = new long[1];
    id[0] = vertx.setTimer(delayMs, t -> {
      timers.remove(id[0]);
      if (!finished) {
        action.run();
      }
    });
    timers.add(id[0]);
  }

  void sendJson(int status, JsonNode body) {
    sendJson(status, body, r -> { });
  }

  void sendError(WireError error) {
    sendJson(error.status(), error.toJson(requestId), error::headers);
  }

  /** An error a {@code status=} fault asked for, with {@code retry-after} when the fault gives one (429: always). */
  void sendFaultError(WireError error) {
    sendJson(error.status(), error.toJson(requestId), r -> {
      error.headers(r);
      if (error.status() == 429) {
        protocol.rateLimited(r, fault.retryAfterOrDefault());
      } else if (fault.retryAfterSeconds() >= 0) {
        r.putHeader("retry-after", Long.toString(fault.retryAfterSeconds()));
      }
    });
  }

  /** @param extraHeaders applied after the standard headers, so it can override them */
  void sendJson(int status, JsonNode body, Consumer<HttpServerResponse> extraHeaders) {
    if (finished) {
      return;
    }
    finished = true;
    cancelTimers();
    response.setStatusCode(status).putHeader("content-type", protocol.jsonContentType());
    protocol.headers(response, requestId, elapsedMs(), tokensRequested);
    extraHeaders.accept(response);
    response.end(Json.write(body));
  }

  /** A complete body that is not a single JSON object (e.g. Gemini's JSON-array stream form). */
  void sendRaw(int status, String contentType, String body) {
    if (finished) {
      return;
    }
    finished = true;
    cancelTimers();
    response.setStatusCode(status).putHeader("content-type", contentType);
    protocol.headers(response, requestId, elapsedMs(), tokensRequested);
    response.end(body);
  }

  /** Sends the headers of a server-sent-event stream. */
  void startStream() {
    response.setStatusCode(200).setChunked(true)
        .putHeader("content-type", protocol.streamContentType())
        .putHeader("cache-control", "no-cache");
    protocol.headers(response, requestId, elapsedMs(), tokensRequested);
    response.writeHead();
  }

  void writeEvent(SseEvent event) {
    response.write(event.bytes());
  }

  boolean writeQueueFull() {
    return response.writeQueueFull();
  }

  void onDrain(Runnable action) {
    response.drainHandler(v -> {
      if (!finished) {
        action.run();
      }
    });
  }

  void endStream() {
    if (finished) {
      return;
    }
    finished = true;
    cancelTimers();
    response.end(protocol.streamEnd());
  }

  /** Ends a stream normally after a last event that is not the protocol's usual end (an in-stream error). */
  void endStreamWith(SseEvent last) {
    if (finished) {
      return;
    }
    finished = true;
    cancelTimers();
    response.end(last.bytes());
  }

  /** Drops the connection without finishing the response: the client sees a broken connection. */
  void abort() {
    if (finished) {
      return;
    }
    finished = true;
    cancelTimers();
    response.reset();
  }

  private void clientWentAway() {
    if (finished) {
      return;
    }
    finished = true;
    cancelTimers();
    stats.countCancelled();
  }

  private void cancelTimers() {
    timers.forEach(vertx::cancelTimer);
    timers.clear();
  }
}
