package io.wanapis.auth;

import io.wanapis.keys.KeyEndpoints;
import io.wanapis.keys.KeyRole;
import io.wanapis.keys.ModelPatterns;
import java.util.Set;

/**
 * Who is calling and what they may do, decided once per request from memory. {@code keyId} is
 * safe to log (never the secret): "master" for the master key, else the virtual key's id.
 *
 * @param teamId the key's team (null for the master key and team-less keys)
 */
public record Principal(String keyId, KeyRole role, String teamId, ModelPatterns models, Set<String> endpoints) {
  public static final Principal MASTER = new Principal("master", KeyRole.ADMIN, null, ModelPatterns.ANY, Set.copyOf(KeyEndpoints.ALL));

  /** Master or admin key: everything, including all of /admin. */
  public boolean admin() {
    return role == KeyRole.ADMIN;
  }

  public boolean master() {
    return this == MASTER;
  }
}
