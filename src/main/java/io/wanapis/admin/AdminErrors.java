package io.wanapis.admin;

import io.wanapis.errors.ApiError;
import io.wanapis.store.StoreException;

/** Errors of the admin API, in the same OpenAI shape as everything else. */
final class AdminErrors {
  private AdminErrors() {}

  static ApiError appKey(String keyId) {
    return new ApiError(403, "permission_error", "admin_permission_denied",
        "This API key (" + keyId + ") is an application key and has no access to /admin. Use the master key, an admin key or a team admin key.", null);
  }

  static ApiError adminOnly(String keyId, String what) {
    return new ApiError(403, "permission_error", "admin_permission_denied",
        "This API key (" + keyId + ") is a team admin key; " + what + " needs the master key or an admin key.", null);
  }

  static ApiError otherTeam(String keyId, String what) {
    return new ApiError(403, "permission_error", "admin_permission_denied",
        "This team admin key (" + keyId + ") may only manage its own team; " + what + ".", null);
  }

  static ApiError invalid(String message) {
    return new ApiError(400, "invalid_request_error", "invalid_value", message + ".", null);
  }

  static ApiError notFound(String message) {
    return new ApiError(404, "invalid_request_error", "not_found", message + ".", null);
  }

  static ApiError from(StoreException e) {
    return switch (e.kind()) {
      case NOT_FOUND -> notFound(e.getMessage());
      case CONFLICT -> new ApiError(409, "invalid_request_error", "conflict", e.getMessage() == null ? "Already exists." : conflictMessage(e), null);
      case INVALID_REFERENCE -> invalid("A referenced team or project does not exist");
      case UNAVAILABLE -> new ApiError(503, "server_error", "store_unavailable",
          "The gateway's store is not reachable, so nothing was changed. Keys already known keep working; retry the admin call later.", null, "5");
    };
  }

  /** Constraint messages from the database say which constraint; users need "that name is taken". */
  private static String conflictMessage(StoreException e) {
    return e.getCause() == null ? e.getMessage() : "The name is already taken; choose another";
  }
}
