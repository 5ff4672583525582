package io.wanapis.keys;

import java.util.List;
import java.util.Map;

/**
 * A partial update. A null field is left as it is; the {@code ...Set} flags tell "set to null"
 * apart from "not given" for the fields that may be cleared.
 */
public record KeyPatch(
    String name,
    KeyRole role,
    String owner, boolean ownerSet,
    String projectRef, boolean projectSet,
    List<String> models,
    List<String> endpoints,
    Long expiresAt, boolean expiresSet,
    Map<String, Object> metadata,
    Limits limits) {}
