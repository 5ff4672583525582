package io.wanapis.store;

import java.util.Locale;

/**
 * How the usage ledger is written ({@code usage.ledger_format}, docs/usage.md). Both are read
 * together, so changing the format later loses nothing.
 */
public enum LedgerFormat {
  /** A row per batch in {@code usage_chunks}, the records encoded compactly: the cheapest to write (the default). */
  CHUNKS,
  /** A row per request in {@code usage_records}: queryable with SQL, several µs of database CPU per request. */
  ROWS;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** @throws IllegalArgumentException naming the choices */
  public static LedgerFormat parse(String s) {
    for (LedgerFormat f : values()) if (f.id().equals(s)) return f;
    throw new IllegalArgumentException("usage.ledger_format must be 'chunks' or 'rows', not '" + s + "'");
  }
}
