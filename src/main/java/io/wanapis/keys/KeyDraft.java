package io.wanapis.keys;

import java.util.List;
import java.util.Map;

/**
 * What an admin asks for when creating a key. Team and project are references (id or name),
 * resolved against the store when the key is made.
 */
public record KeyDraft(
    String name,
    KeyRole role,
    String teamRef,
    String projectRef,
    String owner,
    List<String> models,
    List<String> endpoints,
    Long expiresAt,
    Map<String, Object> metadata,
    Limits limits) {}
