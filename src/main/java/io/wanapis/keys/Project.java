package io.wanapis.keys;

import java.util.Map;

/** A grouping of keys inside a team (an application, an environment, ...). */
public record Project(String id, String teamId, String name, Map<String, Object> metadata, long createdAt) {}
