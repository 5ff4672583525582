package io.wanapis.auth;

/**
 * Who is calling. {@code keyId} is safe to log (never the secret). Virtual keys with their
 * permissions come with the keys issue; today the master key is the only principal.
 */
public record Principal(String keyId, boolean admin) {
  public static final Principal MASTER = new Principal("master", true);
}
