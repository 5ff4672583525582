package io.wanapis.keys;

import java.util.Locale;

/** Stored status. Expiry is not a status: it follows from {@code expires_at} and the clock. */
public enum KeyStatus {
  ACTIVE, REVOKED;

  public String id() { return name().toLowerCase(Locale.ROOT); }

  public static KeyStatus parse(String s) {
    for (KeyStatus v : values()) if (v.id().equals(s)) return v;
    throw new IllegalArgumentException("unknown key status '" + s + "'");
  }
}
