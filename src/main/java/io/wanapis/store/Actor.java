package io.wanapis.store;

/**
 * Who did an admin action and from where: the key id ({@code master} for the master key, never a
 * secret), its role, the client address and the request id.
 */
public record Actor(String keyId, String role, String sourceIp, String requestId) {
  public static Actor system(String what) {
    return new Actor("system", "system", null, what);
  }
}
