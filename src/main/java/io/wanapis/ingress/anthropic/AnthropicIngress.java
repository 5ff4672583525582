package io.wanapis.ingress.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanapis.auth.Permissions;
import io.wanapis.auth.Principal;
import io.wanapis.keys.KeyEndpoints;
import io.wanapis.canonical.ChatRequest;
import io.wanapis.canonical.Message;
import io.wanapis.canonical.Part;
import io.wanapis.canonical.ToolDef;
import io.wanapis.errors.ApiError;
import io.wanapis.ingress.BodyReader;
import io.wanapis.json.Json;
import io.wanapis.json.RequestPeek;
import io.wanapis.json.RequestPeeker;
import io.wanapis.pipeline.GatewayRuntime;
import io.wanapis.pipeline.Pipeline;
import io.wanapis.pipeline.RequestIds;
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

  public AnthropicIngress(GatewayRuntime rt, Pipeline pipeline) {
    this.rt = rt;
    this.pipeline = pipeline;
  }

  public void handle(HttpServerRequest req, Endpoint endpoint) {
    long start = System.nanoTime();
    String requestId = RequestIds.next();
    Principal principal;
    try {
      principal = rt.authenticator().authenticate(req);
    } catch (ApiError e) {
      reject(req, e, requestId, endpoint, null, start);
      return;
    }
    try {
      Permissions.requireEndpoint(principal, KeyEndpoints.CHAT); // Messages is chat, in key permissions
    } catch (ApiError e) {
      reject(req, e, requestId, endpoint, principal, start);
      return;
    }
    long limit = rt.settings().maxBodyBytes();
    BodyReader.read(req, limit,
        body -> onBody(req, endpoint, body, principal, requestId, start),
        () -> reject(req, ApiError.bodyTooLarge(limit), requestId, endpoint, principal, start));
  }

  private void onBody(HttpServerRequest req, Endpoint endpoint, BodyReader.Body body, Principal principal, String requestId, long start) {
    RequestPeek peek;
    ModelRoute route;
    try {
      peek = RequestPeeker.peek(body.bytes(), body.length());
      if (peek.model() == null || peek.model().isEmpty()) throw ApiError.missingParameter("model");
      if (!peek.hasMessages()) throw ApiError.missingParameter("messages");
      if (endpoint == Endpoint.MESSAGES && !peek.hasMaxTokens()) throw ApiError.missingParameter("max_tokens");
      Permissions.requireModel(principal, peek.model());
      route = rt.models().resolve(peek.model());
      if (route == null) throw ApiError.modelNotFound(peek.model(), Permissions.visible(principal, rt.models().listedNames()));
    } catch (ApiError e) {
      reject(req, e, requestId, endpoint, principal, start);
      return;
    }
    InboundCall call = new InboundCall(requestId, Protocol.ANTHROPIC, endpoint, body.bytes(), body.length(), peek, req.headers());
    if (endpoint == Endpoint.COUNT_TOKENS
        && (route.isVirtual() || !route.targets().get(0).provider().adapter().supports(Endpoint.COUNT_TOKENS))) {
      countLocally(req, call, requestId);
      return;
    }
    pipeline.run(req, call, route, principal, start, 0);
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

  private void reject(HttpServerRequest req, ApiError e, String requestId, Endpoint endpoint, Principal principal, long start) {
    error(req, e, requestId);
    pipeline.recordRejection(requestId, principal, endpoint, null, e, start);
  }

  static void error(HttpServerRequest req, ApiError e, String requestId) {
    var resp = req.response();
    if (resp.ended() || resp.headWritten()) return;
    resp.setStatusCode(e.status()).putHeader("content-type", "application/json").putHeader("x-request-id", requestId);
    e.writeHeaders(resp);
    if (e.status() == 413) resp.putHeader("connection", "close");
    resp.end(Buffer.buffer(Protocol.ANTHROPIC.errorBody(e, requestId)));
  }
}
