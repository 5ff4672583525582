package io.wanapis.ingress;

import io.wanapis.admin.AdminApi;
import io.wanapis.errors.ApiError;
import io.wanapis.errors.OpenAiErrorBody;
import io.wanapis.ingress.anthropic.AnthropicIngress;
import io.wanapis.ingress.openai.OpenAiIngress;
import io.wanapis.pipeline.RequestIds;
import io.wanapis.providers.Endpoint;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.BooleanSupplier;

/**
 * Dispatches every HTTP request by path. A plain switch instead of a router library: the set of
 * paths is small and this runs for every request. Paths are served with and without the
 * {@code /v1} prefix because some clients are configured without it.
 */
public final class HttpFront implements Handler<HttpServerRequest> {
  private final OpenAiIngress openai;
  private final AnthropicIngress anthropic;
  private final BooleanSupplier ready;
  private final AdminApi admin;

  private final java.util.function.Supplier<String> metrics; // usage issue

  /** @param admin the admin API (keys issue), or null when the gateway runs without a store */
  public HttpFront(OpenAiIngress openai, AnthropicIngress anthropic, BooleanSupplier ready, AdminApi admin) {
    this(openai, anthropic, ready, admin, null);
  }

  /** @param metrics Prometheus text for {@code GET /metrics} (usage issue), or null when metrics are off */
  public HttpFront(OpenAiIngress openai, AnthropicIngress anthropic, BooleanSupplier ready, AdminApi admin,
      java.util.function.Supplier<String> metrics) {
    this.openai = openai;
    this.anthropic = anthropic;
    this.ready = ready;
    this.admin = admin;
    this.metrics = metrics;
  }

  @Override
  public void handle(HttpServerRequest req) {
    String path = req.path();
    HttpMethod m = req.method();
    switch (path) {
      case "/v1/chat/completions", "/chat/completions" -> post(req, Endpoint.CHAT);
      case "/v1/completions", "/completions" -> post(req, Endpoint.COMPLETIONS);
      case "/v1/embeddings", "/embeddings" -> post(req, Endpoint.EMBEDDINGS);
      case "/v1/messages" -> {
        if (m == HttpMethod.POST) anthropic.handle(req, Endpoint.MESSAGES);
        else notAllowed(req);
      }
      case "/v1/messages/count_tokens" -> {
        if (m == HttpMethod.POST) anthropic.handle(req, Endpoint.COUNT_TOKENS);
        else notAllowed(req);
      }
      case "/v1/models", "/models" -> {
        if (m == HttpMethod.GET) openai.listModels(req);
        else notAllowed(req);
      }
      case "/metrics" -> { // usage issue
        if (metrics == null) error(req, ApiError.unknownUrl(m.name(), path));
        else if (m == HttpMethod.GET) req.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.get());
        else notAllowed(req);
      }
      case "/health/live" -> health(req, true);
      case "/health/ready" -> health(req, ready.getAsBoolean());
      default -> {
        if (admin != null && path.startsWith("/admin/")) { // keys issue
          admin.handle(req);
          return;
        }
        String id = modelId(path);
        if (id != null && m == HttpMethod.GET) openai.getModel(req, id);
        else if (id != null) notAllowed(req);
        else error(req, ApiError.unknownUrl(m.name(), path));
      }
    }
  }

  private void post(HttpServerRequest req, Endpoint e) {
    if (req.method() == HttpMethod.POST) openai.proxy(req, e);
    else notAllowed(req);
  }

  /** The id in {@code /v1/models/{id}}; ids may contain '/', e.g. {@code sim/gpt-4o}. */
  private static String modelId(String path) {
    if (path.startsWith("/v1/models/")) return decode(path.substring("/v1/models/".length()));
    if (path.startsWith("/models/")) return decode(path.substring("/models/".length()));
    return null;
  }

  private static String decode(String s) {
    try {
      return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  private static void health(HttpServerRequest req, boolean ok) {
    req.response().setStatusCode(ok ? 200 : 503).putHeader("content-type", "application/json")
        .end(ok ? "{\"status\":\"ok\"}" : "{\"status\":\"starting\"}");
  }

  private static void notAllowed(HttpServerRequest req) {
    error(req, ApiError.methodNotAllowed(req.method().name(), req.path()));
  }

  private static void error(HttpServerRequest req, ApiError e) {
    String id = RequestIds.next();
    req.response().setStatusCode(e.status()).putHeader("content-type", "application/json")
        .putHeader("x-request-id", id).end(OpenAiErrorBody.render(e, id));
  }
}
