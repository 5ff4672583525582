package io.wanapis.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Azure OpenAI's URL shape: {@code /openai/deployments/{deployment}/chat/completions} (and
 * {@code /completions}, {@code /embeddings}) with the required {@code api-version} query parameter, the model
 * being the deployment; and the v1 surface {@code /openai/v1/...} (no api-version, model in the body). The
 * key goes in {@code api-key} (or a Bearer token). Answers are OpenAI's plus Azure's content-filter results;
 * Azure's own errors have the {@code {"error":{"code","message"}}} shape.
 */
final class AzureProtocol implements Protocol {

  static final AzureProtocol INSTANCE = new AzureProtocol();

  private static final Pattern DEPLOYMENT = Pattern.compile("/openai/deployments/([^/]+)(/.*)");

  private AzureProtocol() {}

  @Override
  public String newRequestId() {
    return Ids.uuid();
  }

  @Override
  public void authenticate(HttpServerRequest request, SimulatorOptions options) {
    if (options.apiKey() == null) {
      return;
    }
    String key = request.getHeader("api-key");
    if (key == null || key.isBlank()) {
      key = OpenAiProtocol.bearer(request);
    }
    if (key == null || !key.trim().equals(options.apiKey())) {
      throw new ApiException(AzureError.accessDenied());
    }
  }

  @Override
  public Endpoint route(HttpServerRequest request) {
    String path = request.path();
    if (path.startsWith("/openai/v1/")) {
      try {
        return OpenAiProtocol.route(request.method(), path, "/openai/v1", new ChatCompletionsEndpoint(true));
      } catch (ApiException e) {
        throw new ApiException(AzureError.resourceNotFound());
      }
    }
    Matcher m = DEPLOYMENT.matcher(path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
    String version = request.getParam("api-version");
    if (!m.matches() || version == null || version.isBlank()) {
      // what Azure answers without api-version (or on a path it does not know): 404, not 400
      throw new ApiException(AzureError.resourceNotFound());
    }
    String deployment = m.group(1);
    Endpoint inner = switch (m.group(2)) {
      case "/chat/completions" -> new ChatCompletionsEndpoint(true);
      case "/completions" -> new CompletionsEndpoint();
      case "/embeddings" -> new EmbeddingsEndpoint();
      default -> throw new ApiException(AzureError.resourceNotFound());
    };
    if (!request.method().equals(HttpMethod.POST)) {
      throw new ApiException(AzureError.resourceNotFound());
    }
    return (exchange, body) -> inner.handle(exchange, withModel(body, deployment));
  }

  /** The deployment is the model: it goes into the body (replacing any model there) before OpenAI's endpoints read it. */
  private static String withModel(String body, String deployment) {
    try {
      JsonNode node = body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
      if (node instanceof ObjectNode object) {
        object.put("model", deployment);
        return Json.write(object);
      }
    } catch (java.io.IOException unparsable) {
      // the endpoint reports it
    }
    return body;
  }

  @Override
  public String jsonContentType() {
    return "application/json";
  }

  @Override
  public String streamContentType() {
    return "text/event-stream; charset=utf-8";
  }

  @Override
  public String streamEnd() {
    return "data: [DONE]\n\n";
  }

  @Override
  public void headers(HttpServerResponse response, String requestId, long processingMs, long tokensRequested) {
    response
        .putHeader("apim-request-id", requestId)
        .putHeader("x-request-id", requestId)
        .putHeader("x-ms-region", "Sweden Central")
        .putHeader("x-ratelimit-limit-requests", Long.toString(OpenAiHeaders.LIMIT_REQUESTS))
        .putHeader("x-ratelimit-remaining-requests", Long.toString(OpenAiHeaders.LIMIT_REQUESTS - 1))
        .putHeader("x-ratelimit-limit-tokens", Long.toString(OpenAiHeaders.LIMIT_TOKENS))
        .putHeader("x-ratelimit-remaining-tokens",
            Long.toString(Math.max(0, OpenAiHeaders.LIMIT_TOKENS - tokensRequested)));
  }

  @Override
  public void rateLimited(HttpServerResponse response, long retryAfterSeconds) {
    response
        .putHeader("retry-after", Long.toString(retryAfterSeconds))
        .putHeader("retry-after-ms", Long.toString(retryAfterSeconds * 1000))
        .putHeader("x-ratelimit-remaining-requests", "0");
  }

  @Override
  public WireError faultError(FaultPlan fault, HttpServerRequest request, String body) {
    String version = request.getParam("api-version");
    return AzureError.forFault(fault, version == null ? "v1" : version, body);
  }

  @Override
  public WireError badFaultHeader(String message) {
    return OpenAiError.invalidRequest(message, null, "invalid_sim_fault");
  }

  @Override
  public WireError bug(RuntimeException e) {
    return OpenAiError.simulatorBug(e);
  }

  @Override
  public SseEvent streamError(String requestId) {
    return OpenAiProtocol.INSTANCE.streamError(requestId);
  }
}
