package io.wanapis.auth;

import java.util.List;

/** Whether a principal may call an endpoint and a model; refusals name the missing permission. */
public final class Permissions {
  private Permissions() {}

  /** @param endpoint an id from {@link io.wanapis.keys.KeyEndpoints} */
  public static void requireEndpoint(Principal p, String endpoint) {
    if (!p.endpoints().contains(endpoint)) throw AuthErrors.endpointNotAllowed(p.keyId(), endpoint);
  }

  public static void requireModel(Principal p, String model) {
    if (!p.models().allows(model)) throw AuthErrors.modelNotAllowed(p.keyId(), model, p.models().source());
  }

  /** The names a key may use out of {@code names}. */
  public static List<String> visible(Principal p, List<String> names) {
    return names.stream().filter(p.models()::allows).toList();
  }
}
