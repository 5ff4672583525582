package io.wanapis.auth;

import io.wanapis.errors.ApiError;
import java.time.Instant;
import java.util.List;

/** The 401 and 403 answers of key checks, one factory each so codes stay stable. */
public final class AuthErrors {
  private AuthErrors() {}

  public static ApiError revoked(String keyId) {
    return new ApiError(401, "invalid_request_error", "key_revoked",
        "This API key (" + keyId + ") has been revoked. Ask the gateway's operator for a new key.", null);
  }

  public static ApiError expired(String keyId, long at) {
    return new ApiError(401, "invalid_request_error", "key_expired",
        "This API key (" + keyId + ") expired at " + Instant.ofEpochMilli(at) + ". Ask the gateway's operator to extend it or for a new key.", null);
  }

  public static ApiError rotatedOut(String keyId, long at) {
    return new ApiError(401, "invalid_request_error", "key_rotated",
        "This secret of API key " + keyId + " was replaced by a rotation and stopped working at " + Instant.ofEpochMilli(at)
            + ". Use the key's new secret.", null);
  }

  public static ApiError modelNotAllowed(String keyId, String model, List<String> allowed) {
    return new ApiError(403, "permission_error", "model_not_allowed",
        "This API key (" + keyId + ") may not use model '" + model + "'. Missing permission: model '" + model
            + "'. Models this key may use: " + (allowed.isEmpty() ? "none" : String.join(", ", allowed)) + ".", "model");
  }

  public static ApiError endpointNotAllowed(String keyId, String endpoint) {
    return new ApiError(403, "permission_error", "endpoint_not_allowed",
        "This API key (" + keyId + ") may not call the '" + endpoint + "' endpoint. Missing permission: endpoint '" + endpoint
            + "'. Ask the gateway's operator to add it to the key's endpoints.", null);
  }
}
