package io.wanapis.ingress.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanapis.auth.Permissions;
import io.wanapis.auth.Principal;
import io.wanapis.keys.KeyEndpoints;
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

  public OpenAiIngress(GatewayRuntime rt, Pipeline pipeline) {
    this.rt = rt;
    this.pipeline = pipeline;
  }

  public void proxy(HttpServerRequest req, Endpoint endpoint) {
    long start = System.nanoTime();
    String requestId = RequestIds.next();
    Principal principal;
    try {
      principal = rt.authenticator().authenticate(req);
    } catch (ApiError e) {
      reject(req, e, requestId, endpoint, null, start);
      return;
    }
    // keys issue: endpoint permission, before the body is even read
    try {
      Permissions.requireEndpoint(principal, endpoint.id());
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
      Permissions.requireModel(principal, peek.model()); // keys issue: before revealing whether it exists
      route = rt.models().resolve(peek.model());
      if (route == null) throw ApiError.modelNotFound(peek.model(), Permissions.visible(principal, rt.models().listedNames()));
    } catch (ApiError e) {
      reject(req, e, requestId, endpoint, principal, start);
      return;
    }
    long totalOverride;
    try {
      totalOverride = timeoutHeader(req);
    } catch (ApiError e) {
      reject(req, e, requestId, endpoint, principal, start);
      return;
    }
    InboundCall call = new InboundCall(requestId, Protocol.OPENAI, endpoint, body.bytes(), body.length(), peek, req.headers());
    pipeline.run(req, call, route, principal, start, totalOverride);
  }

  /** {@code x-wanapis-timeout-ms}: the client's own total timeout for this request. */
  private static long timeoutHeader(HttpServerRequest req) {
    String v = req.getHeader("x-wanapis-timeout-ms");
    if (v == null) return 0;
    try {
      long ms = Long.parseLong(v.trim());
      if (ms <= 0) throw new NumberFormatException();
      return ms;
    } catch (NumberFormatException e) {
      throw new ApiError(400, "invalid_request_error", "invalid_header",
          "Header x-wanapis-timeout-ms must be a positive number of milliseconds, not '" + v + "'.", null);
    }
  }

  private void reject(HttpServerRequest req, ApiError e, String requestId, Endpoint endpoint, Principal principal, long start) {
    OpenAiResponses.error(req.response(), e, requestId);
    pipeline.recordRejection(requestId, principal, endpoint, null, e, start);
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
