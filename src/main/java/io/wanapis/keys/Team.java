package io.wanapis.keys;

import java.util.Map;

/** A tenant: keys and projects belong to a team; a team admin key manages one team. */
public record Team(String id, String name, Map<String, Object> metadata, long createdAt) {}
