package io.wanapis.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Azure OpenAI's own error bodies (its gateway's, not the model's): {@code {"error":{"code","message"}}} with the
 * code as a string, and the content-filter 400 with {@code status} and {@code innererror} (see the fixtures under
 * {@code azure/errors/}). Other errors are OpenAI's envelope, which Azure passes through.
 */
record AzureError(int status, ObjectNode body) implements WireError {

  static AzureError simple(int status, String code, String message) {
    ObjectNode root = Json.object();
    ObjectNode error = root.putObject("error");
    error.put("code", code);
    error.put("message", message);
    return new AzureError(status, root);
  }

  static AzureError resourceNotFound() {
    return simple(404, "404", "Resource not found");
  }

  static AzureError accessDenied() {
    return simple(401, "401", "Access denied due to invalid subscription key or wrong API endpoint. Make sure to"
        + " provide a valid key for an active subscription and use a correct regional API endpoint for your"
        + " resource.");
  }

  /** As recorded: {@code type: null}, {@code param: prompt}, {@code status: 400}, {@code innererror.content_filter_result}. */
  static AzureError contentFilter(String message) {
    ObjectNode root = Json.object();
    ObjectNode error = root.putObject("error");
    error.put("message", message != null ? message : "The response was filtered due to the prompt triggering Azure"
        + " OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content"
        + " filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766");
    error.putNull("type");
    error.put("param", "prompt");
    error.put("code", "content_filter");
    error.put("status", 400);
    ObjectNode inner = error.putObject("innererror");
    inner.put("code", "ResponsibleAIPolicyViolation");
    ObjectNode result = ContentFilter.results();
    ((ObjectNode) result.get("violence")).put("filtered", true).put("severity", "high");
    inner.set("content_filter_result", result);
    return new AzureError(400, root);
  }

  /**
   * 401 access denied, 404 DeploymentNotFound, 429 token rate limit, 400 with {@code code=content_filter} the
   * content-filter body; any other status OpenAI's error, as Azure relays it.
   */
  static WireError forFault(FaultPlan fault, String apiVersion, String body) {
    AzureError base = switch (fault.status()) {
      case 401 -> accessDenied();
      case 404 -> simple(404, "DeploymentNotFound", "The API deployment for this resource does not exist. If you"
          + " created the deployment within the last 5 minutes, please wait a moment and try again.");
      case 429 -> simple(429, "429", "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version "
          + apiVersion + " have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after "
          + fault.retryAfterOrDefault() + " second" + (fault.retryAfterOrDefault() == 1 ? "" : "s") + ". Please go"
          + " here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.");
      case 400 -> "content_filter".equals(fault.code()) ? contentFilter(fault.message()) : null;
      default -> null;
    };
    if (base == null) {
      return OpenAiError.forFault(fault, FaultedRequest.model(body), fault.retryAfterOrDefault(),
          FaultedRequest.tokenEstimate(body));
    }
    ObjectNode error = (ObjectNode) base.body().get("error");
    if (fault.code() != null && !"content_filter".equals(fault.code())) {
      error.put("code", fault.code());
    }
    if (fault.message() != null) {
      error.put("message", fault.message());
    }
    return base;
  }

  @Override
  public ObjectNode toJson() {
    return body;
  }
}
