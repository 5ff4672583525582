package io.wanapis.ingress.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanapis.auth.Permissions;
import io.wanapis.auth.Principal;
import io.wanapis.keys.KeyEndpoints;
import io.wanapis.errors.ApiError;
import io.wanapis.ingress.IngressSteps;
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
import io.vertx.core.http.HttpServerRequest;

/**
 * The OpenAI-compatible surface: {@code /v1/chat/completions}, {@code /v1/completions},
 * {@code /v1/embeddings}, {@code /v1/models}. Parses just enough (model, stream, required
 * fields) and hands the request to the {@link Pipeline}.
 */
public final class OpenAiIngress {
  private final GatewayRuntime rt;
  private final Pipeline pipeline;
  private final long createdEpochSeconds = System.currentTimeMillis() / 1000;

  private final IngressSteps steps;

  public OpenAiIngress(GatewayRuntime rt, Pipeline pipeline) {
    this.rt = rt;
    this.pipeline = pipeline;
    this.steps = new IngressSteps(rt, pipeline);
  }

  public void proxy(HttpServerRequest req, Endpoint endpoint) {
    steps.admit(req, endpoint, endpoint.id(), Protocol.OPENAI, a -> onBody(req, endpoint, a));
  }

  private void onBody(HttpServerRequest req, Endpoint endpoint, IngressSteps.Admitted a) {
    RequestPeek peek = null;
    ModelRoute route;
    long totalOverride;
    try {
      peek = RequestPeeker.peek(a.body().bytes(), a.body().length());
      if (peek.model() == null || peek.model().isEmpty()) throw ApiError.missingParameter("model");
      boolean hasRequired = switch (endpoint) {
        case CHAT -> peek.hasMessages();
        case COMPLETIONS -> peek.hasPrompt();
        case EMBEDDINGS -> peek.hasInput();
        default -> true;
      };
      if (!hasRequired) throw ApiError.missingParameter(endpoint.requiredField());
      if (peek.stream() && !endpoint.streams()) {
        throw ApiError.invalidParameter("stream", "The " + endpoint.path() + " endpoint does not stream; remove 'stream'.");
      }
      route = steps.route(a.principal(), peek);
      totalOverride = IngressSteps.timeoutHeader(req);
    } catch (ApiError e) {
      steps.reject(req, Protocol.OPENAI, e, a, endpoint, peek == null ? null : peek.model());
      return;
    }
    InboundCall call = new InboundCall(a.requestId(), Protocol.OPENAI, endpoint, a.body().bytes(), a.body().length(), peek,
        req.headers());
    pipeline.run(req, call, route, a.principal(), a.startNanos(), totalOverride);
  }

  public void listModels(HttpServerRequest req) {
    String requestId = RequestIds.next();
    Principal principal;
    try {
      principal = rt.authenticator().authenticate(req);
      Permissions.requireEndpoint(principal, KeyEndpoints.MODELS);
    } catch (ApiError e) {
      OpenAiResponses.error(req.response(), e, requestId);
      return;
    }
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    // keys issue: only the models this key may call
    for (String name : Permissions.visible(principal, rt.models().exactNames())) data.add(model(name, rt.models().resolve(name)));
    OpenAiResponses.json(req.response(), requestId, bytes(root));
  }

  public void getModel(HttpServerRequest req, String id) {
    String requestId = RequestIds.next();
    try {
      Principal principal = rt.authenticator().authenticate(req);
      Permissions.requireEndpoint(principal, KeyEndpoints.MODELS);
      if (!id.isEmpty()) Permissions.requireModel(principal, id);
      ModelRoute route = id.isEmpty() ? null : rt.models().resolve(id);
      if (route == null) throw ApiError.modelNotFound(id, Permissions.visible(principal, rt.models().listedNames()));
      OpenAiResponses.json(req.response(), requestId, bytes(model(id, route)));
    } catch (ApiError e) {
      OpenAiResponses.error(req.response(), e, requestId);
    }
  }

  private ObjectNode model(String id, ModelRoute route) {
    ObjectNode m = Json.MAPPER.createObjectNode();
    m.put("id", id);
    m.put("object", "model");
    m.put("created", createdEpochSeconds);
    m.put("owned_by", route.isVirtual() ? "wanapis" : route.targets().get(0).provider().name());
    if (rt.usage() != null) io.wanapis.catalog.ModelListing.describe(m, route, rt.usage().metering()); // usage issue: catalog fields
    return m;
  }

  private static byte[] bytes(ObjectNode n) {
    try {
      return Json.MAPPER.writeValueAsBytes(n);
    } catch (Exception e) {
      throw ApiError.internal("rendering JSON");
    }
  }
}
