package io.wanapis.keys;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A virtual key as stored, without its secret (only hashes of secrets exist, in their own table).
 *
 * @param models model names and glob patterns this key may call ({@code *} any run of characters)
 * @param endpoints endpoint ids this key may call, see {@link KeyEndpoints}
 * @param expiresAt epoch millis, or null for never
 */
public record VirtualKey(
    String id,
    String name,
    String displayPrefix,
    KeyRole role,
    String teamId,
    String projectId,
    String owner,
    List<String> models,
    Set<String> endpoints,
    KeyStatus status,
    Long expiresAt,
    long createdAt,
    long updatedAt,
    Long lastUsedAt,
    Map<String, Object> metadata,
    Limits limits) {

  public boolean expired(long nowMillis) {
    return expiresAt != null && expiresAt <= nowMillis;
  }

  public VirtualKey withStatus(KeyStatus s, long now) {
    return new VirtualKey(id, name, displayPrefix, role, teamId, projectId, owner, models, endpoints, s, expiresAt,
        createdAt, now, lastUsedAt, metadata, limits);
  }
}
