package io.wanapis.providers;

import io.wanapis.canonical.ChatRequest;
import io.wanapis.errors.ApiError;
import java.util.Set;

/**
 * What to do with request parameters a provider cannot honour after translation: refuse with a
 * 400 that names the parameter, the model and the way out, or (with {@code drop_params: true}
 * on the provider or globally) drop them silently, as users of other gateways expect.
 */
public final class UnsupportedParams {
  private UnsupportedParams() {}

  /**
   * @param honoured unmapped fields this provider does understand (its codec maps them)
   * @param multipleChoices whether {@code n > 1} can be served
   */
  public static void check(ChatRequest r, Set<String> honoured, boolean multipleChoices, InboundCall call, Provider provider) {
    if (provider.spec().dropParams()) return;
    if (!multipleChoices && r.n() != null && r.n() > 1) throw refuse("n", call, provider);
    for (String field : r.unmapped().keySet()) {
      if (!honoured.contains(field)) throw refuse(field, call, provider);
    }
  }

  private static ApiError refuse(String field, InboundCall call, Provider provider) {
    return new ApiError(400, "invalid_request_error", "unsupported_parameter",
        "Parameter '" + field + "' is not supported by model '" + call.peek().model() + "' (provider '" + provider.name()
            + "', type " + provider.spec().type().id() + "). Remove it, or set drop_params: true to have the gateway drop it.",
        field);
  }
}
