package io.wanapis.store;

import java.sql.SQLException;
import org.sqlite.SQLiteException;

/**
 * The two homes of the store. The SQL is shared; what differs is how URLs look, how many
 * connections make sense (SQLite has one writer, so one connection avoids SQLITE_BUSY), and how
 * constraint violations are reported.
 */
public enum Dialect {
  SQLITE(1), POSTGRES(8);

  private final int poolSize;

  Dialect(int poolSize) {
    this.poolSize = poolSize;
  }

  public int poolSize() { return poolSize; }

  public static Dialect of(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:sqlite:")) return SQLITE;
    if (jdbcUrl.startsWith("jdbc:postgresql:")) return POSTGRES;
    throw new IllegalArgumentException("unsupported database URL '" + jdbcUrl.replaceAll("//[^@/]*@", "//***@")
        + "' (use jdbc:sqlite:FILE, jdbc:postgresql://HOST/DB or postgresql://USER:PASSWORD@HOST/DB)");
  }

  /** What a failed statement means for the caller. */
  StoreException.Kind classify(SQLException e) {
    if (e instanceof SQLiteException se) {
      String name = se.getResultCode().name();
      if (name.startsWith("SQLITE_CONSTRAINT_FOREIGNKEY")) return StoreException.Kind.INVALID_REFERENCE;
      if (name.startsWith("SQLITE_CONSTRAINT_UNIQUE") || name.startsWith("SQLITE_CONSTRAINT_PRIMARYKEY")) return StoreException.Kind.CONFLICT;
      if (name.startsWith("SQLITE_CONSTRAINT")) return StoreException.Kind.INVALID_REFERENCE;
      return StoreException.Kind.UNAVAILABLE;
    }
    String state = e.getSQLState();
    if ("23505".equals(state)) return StoreException.Kind.CONFLICT;
    if (state != null && state.startsWith("23")) return StoreException.Kind.INVALID_REFERENCE;
    return StoreException.Kind.UNAVAILABLE;
  }
}
