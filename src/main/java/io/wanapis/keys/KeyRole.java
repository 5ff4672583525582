package io.wanapis.keys;

import java.util.Locale;

/**
 * What a virtual key may do on {@code /admin}: {@code ADMIN} everything (like the master key),
 * {@code TEAM_ADMIN} its own team's keys and usage, {@code APP} nothing (model calls only).
 */
public enum KeyRole {
  ADMIN, TEAM_ADMIN, APP;

  public String id() { return name().toLowerCase(Locale.ROOT); }

  public static KeyRole parse(String s) {
    for (KeyRole r : values()) if (r.id().equals(s)) return r;
    throw new IllegalArgumentException("role must be one of admin, team_admin, app (not '" + s + "')");
  }
}
