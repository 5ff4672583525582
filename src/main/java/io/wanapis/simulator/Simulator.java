package io.wanapis.simulator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A fake LLM upstream that speaks the real wire protocols: OpenAI (chat completions plain, streamed, with tool
 * calls and JSON output; legacy completions, embeddings, models), the same under Azure OpenAI's URL shape,
 * Anthropic Messages, Gemini generateContent and Bedrock Converse (JSON and event stream), each with its
 * provider's headers and error bodies, plus
 * faults on demand through the {@code x-sim-fault} header (see {@link FaultPlan}).
 *
 * <p>Runs on a plain Vert.x {@link HttpServer}; nothing blocks the event loop, delays are timers.
 */
public final class Simulator {

  public static final String FAULT_HEADER = "x-sim-fault";

  private final Vertx vertx;
  private final SimulatorOptions options;
  private final SimulatorStats stats = new SimulatorStats();
  private final PromptCache promptCache = new PromptCache();
  private HttpServer server;

  public Simulator(Vertx vertx, SimulatorOptions options) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * Starts listening; port 0 picks a free port. Completes with the bound port. The tokenizer is loaded
   * first, on a worker thread, because loading it takes a few hundred milliseconds that must not be spent
   * on the event loop by the first request.
   */
  public synchronized Future<Integer> listen(String host, int port) {
    if (server != null) {
      return Future.failedFuture(new IllegalStateException("the simulator is already listening"));
    }
    HttpServer created = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
        .requestHandler(this::onRequest);
    server = created;
    return vertx.executeBlocking(() -> Tokenizer.count("warm up"))
        .compose(warm -> created.listen())
        .map(HttpServer::actualPort)
        .onFailure(e -> {
          synchronized (this) {
            if (server == created) {
              server = null;
            }
          }
        });
  }

  /** Stops listening and drops open connections (hanging requests included). */
  public synchronized Future<Void> close() {
    HttpServer running = server;
    server = null;
    return running == null ? Future.succeededFuture() : running.close();
  }

  public SimulatorStats stats() {
    return stats;
  }

  /** Forgets every cached prompt prefix (Anthropic {@code cache_control}), so the next request writes again. */
  public void clearPromptCache() {
    promptCache.clear();
  }

  public SimulatorOptions options() {
    return options;
  }

  private void onRequest(HttpServerRequest request) {
    stats.countRequest();
    var exchange = new Exchange(vertx, request, stats, options, promptCache);
    // a client that goes away before the body arrived is counted by the exchange's close handler
    request.body().onSuccess(body -> onBody(exchange, body));
  }

  private void onBody(Exchange exchange, Buffer rawBody) {
    HttpServerRequest request = exchange.request();
    String body = rawBody.toString(StandardCharsets.UTF_8);
    stats.record(new RecordedRequest(request.method().name(), request.uri(), headers(request), body));
    Protocol protocol = Protocol.forPath(request.path());
    exchange.protocol(protocol);
    try {
      protocol.authenticate(request, options);
      Endpoint endpoint = protocol.route(request);
      exchange.fault(faultFor(request, protocol));
      exchange.after(exchange.fault().latencyMs(), () -> answer(exchange, endpoint, body));
    } catch (ApiException e) {
      exchange.sendError(e.error());
    } catch (RuntimeException e) {
      exchange.sendError(protocol.bug(e));
    }
  }

  /** Applies the fault, if any, after the latency; otherwise lets the endpoint answer. */
  private void answer(Exchange exchange, Endpoint endpoint, String body) {
    FaultPlan fault = exchange.fault();
    if (fault.reset()) {
      exchange.abort();
      return;
    }
    if (fault.hang()) {
      return; // nothing is ever sent; the client's timeout (and close) ends it
    }
    try {
      if (fault.hasStatus()) {
        exchange.sendFaultError(exchange.protocol().faultError(fault, exchange.request(), body));
        return;
      }
      endpoint.handle(exchange, body);
    } catch (ApiException e) {
      exchange.sendError(e.error());
    } catch (RuntimeException e) {
      exchange.sendError(exchange.protocol().bug(e));
    }
  }

  private FaultPlan faultFor(HttpServerRequest request, Protocol protocol) {
    String header = request.getHeader(FAULT_HEADER);
    String spec = header != null ? header : options.defaultFault();
    try {
      return FaultPlan.parse(spec);
    } catch (IllegalArgumentException e) {
      throw new ApiException(protocol.badFaultHeader("Invalid " + FAULT_HEADER + " header: " + e.getMessage()));
    }
  }

  private static Map<String, String> headers(HttpServerRequest request) {
    Map<String, String> out = new LinkedHashMap<>();
    request.headers().forEach(h -> out.merge(h.getKey().toLowerCase(Locale.ROOT), h.getValue(), (a, b) -> a + ", " + b));
    return out;
  }
}
