package io.wanapis.ingress.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanapis.keys.KeyEndpoints;
import io.wanapis.canonical.ChatRequest;
import io.wanapis.canonical.Message;
import io.wanapis.canonical.Part;
import io.wanapis.canonical.ToolDef;
import io.wanapis.errors.ApiError;
import io.wanapis.ingress.IngressSteps;
import io.wanapis.json.Json;
import io.wanapis.json.RequestPeek;
import io.wanapis.json.RequestPeeker;
import io.wanapis.pipeline.GatewayRuntime;
import io.wanapis.pipeline.Pipeline;
import io.wanapis.providers.Endpoint;
import io.wanapis.providers.InboundCall;
import io.wanapis.providers.Protocol;
import io.wanapis.routing.ModelRoute;
import io.wanapis.usage.TokenCounter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * The Anthropic-compatible surface: {@code POST /v1/messages} and
 * {@code /v1/messages/count_tokens}, for the Anthropic SDKs and Claude Code. Any model can be
 * reached: Anthropic models pass through untouched, others are translated. Errors use
 * Anthropic's envelope.
 */
public final class AnthropicIngress {
  private final GatewayRuntime rt;
  private final Pipeline pipeline;

  private final IngressSteps steps;

  public AnthropicIngress(GatewayRuntime rt, Pipeline pipeline) {
    this.rt = rt;
    this.pipeline = pipeline;
    this.steps = new IngressSteps(rt, pipeline);
  }

  public void handle(HttpServerRequest req, Endpoint endpoint) {
    // Messages and count_tokens are "chat" in key permissions
    steps.admit(req, endpoint, KeyEndpoints.CHAT, Protocol.ANTHROPIC, a -> onBody(req, endpoint, a));
  }

  private void onBody(HttpServerRequest req, Endpoint endpoint, IngressSteps.Admitted a) {
    RequestPeek peek = null;
    ModelRoute route;
    long totalOverride;
    try {
      peek = RequestPeeker.peek(a.body().bytes(), a.body().length());
      if (peek.model() == null || peek.model().isEmpty()) throw ApiError.missingParameter("model");
      if (!peek.hasMessages()) throw ApiError.missingParameter("messages");
      if (endpoint == Endpoint.MESSAGES && !peek.hasMaxTokens()) throw ApiError.missingParameter("max_tokens");
      route = steps.route(a.principal(), peek);
      totalOverride = IngressSteps.timeoutHeader(req);
    } catch (ApiError e) {
      steps.reject(req, Protocol.ANTHROPIC, e, a, endpoint, peek == null ? null : peek.model());
      return;
    }
    InboundCall call = new InboundCall(a.requestId(), Protocol.ANTHROPIC, endpoint, a.body().bytes(), a.body().length(), peek,
        req.headers());
    if (endpoint == Endpoint.COUNT_TOKENS
        && (route.isVirtual() || !route.targets().get(0).provider().adapter().supports(Endpoint.COUNT_TOKENS))) {
      countLocally(req, call, a.requestId());
      return;
    }
    pipeline.run(req, call, route, a.principal(), a.startNanos(), totalOverride);
  }

  /** Token count for models whose provider has no count endpoint: the o200k tokenizer, an estimate. */
  private static void countLocally(HttpServerRequest req, InboundCall call, String requestId) {
    int tokens;
    try {
      ChatRequest r = call.canonical();
      StringBuilder text = new StringBuilder();
      if (r.systemText() != null) text.append(r.systemText()).append('\n');
      int images = 0;
      for (Message m : r.messages()) {
        for (Part p : m.content()) {
          if (p instanceof Part.Text t) text.append(t.text()).append('\n');
          else if (p instanceof Part.ToolCall c) text.append(c.name()).append(c.arguments()).append('\n');
          else if (p instanceof Part.ToolResult tr) tr.content().forEach(x -> { if (x instanceof Part.Text t) text.append(t.text()); });
          else if (p instanceof Part.Image) images++;
        }
      }
      if (r.tools() != null) for (ToolDef t : r.tools()) text.append(t.name()).append(t.description()).append(t.parameters());
      tokens = TokenCounter.count(text.toString()) + 3 * r.messages().size() + 85 * images;
    } catch (ApiError e) {
      error(req, e, requestId);
      return;
    }
    ObjectNode out = Json.MAPPER.createObjectNode().put("input_tokens", tokens);
    try {
      req.response().putHeader("content-type", "application/json").putHeader("x-request-id", requestId)
          .putHeader("x-wanapis-token-count", "estimated")
          .end(Buffer.buffer(Json.MAPPER.writeValueAsBytes(out)));
    } catch (Exception e) {
      error(req, ApiError.internal("counting tokens"), requestId);
    }
  }

  static void error(HttpServerRequest req, ApiError e, String requestId) {
    IngressSteps.error(req, Protocol.ANTHROPIC, e, requestId);
  }

}
