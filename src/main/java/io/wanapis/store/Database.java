package io.wanapis.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * A pooled connection to the store's database with its migrations applied. Runs transactions:
 * each unit of work commits whole or not at all.
 */
public final class Database implements AutoCloseable {
  private final HikariDataSource ds;
  private final Dialect dialect;

  private Database(HikariDataSource ds, Dialect dialect) {
    this.ds = ds;
    this.dialect = dialect;
  }

  /** Opens the pool and migrates; fails (with the URL, never a password) if the database is unreachable. */
  public static Database open(DatabaseUrl url) {
    Dialect dialect = url.dialect();
    if (dialect == Dialect.SQLITE) createParentDirectory(url.jdbcUrl());
    HikariConfig cfg = new HikariConfig();
    cfg.setPoolName("wanapis-store");
    cfg.setJdbcUrl(url.jdbcUrl());
    if (url.user() != null) cfg.setUsername(url.user());
    if (url.password() != null) cfg.setPassword(url.password());
    cfg.setMaximumPoolSize(dialect.poolSize());
    cfg.setMinimumIdle(Math.min(1, dialect.poolSize()));
    // Short: when the database is down an admin write should get its 503 quickly, not hang.
    cfg.setConnectionTimeout(3_000);
    cfg.setValidationTimeout(1_000);
    cfg.setAutoCommit(false);
    if (dialect == Dialect.SQLITE) {
      cfg.addDataSourceProperty("foreign_keys", "true");
      cfg.addDataSourceProperty("journal_mode", "WAL");
      cfg.addDataSourceProperty("busy_timeout", "5000");
    }
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(cfg);
    } catch (RuntimeException e) {
      throw new StoreException(StoreException.Kind.UNAVAILABLE, "cannot connect to the database " + url.safe() + ": " + rootMessage(e), e);
    }
    try {
      Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
    } catch (RuntimeException e) {
      ds.close();
      throw new StoreException(StoreException.Kind.UNAVAILABLE, "cannot migrate the database " + url.safe() + ": " + rootMessage(e), e);
    }
    return new Database(ds, dialect);
  }

  public Dialect dialect() { return dialect; }
  public DataSource dataSource() { return ds; }

  /** A unit of work on one connection inside one transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  public <T> T inTransaction(Work<T> work) {
    try (Connection c = ds.getConnection()) {
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException(dialect.classify(e), rootMessage(e), e);
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is broken; the pool discards it and the database drops the transaction
    }
  }

  private static void createParentDirectory(String jdbcUrl) {
    String file = jdbcUrl.substring("jdbc:sqlite:".length());
    int q = file.indexOf('?');
    if (q >= 0) file = file.substring(0, q);
    if (file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file:")) return;
    Path parent = Path.of(file).toAbsolutePath().getParent();
    try {
      if (parent != null) Files.createDirectories(parent);
    } catch (java.io.IOException e) {
      throw new StoreException(StoreException.Kind.UNAVAILABLE, "cannot create the directory " + parent + ": " + e.getMessage(), e);
    }
  }

  static String rootMessage(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) r = r.getCause();
    return r.getMessage() == null ? r.getClass().getSimpleName() : r.getMessage();
  }

  @Override
  public void close() {
    ds.close();
  }
}
