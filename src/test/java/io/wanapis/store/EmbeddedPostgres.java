package io.wanapis.store;

import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL per test JVM (zonky: the server binaries come from Maven Central as a jar),
 * with a fresh database for each caller. Stopped by a shutdown hook.
 */
public final class EmbeddedPostgres {
  private static io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private EmbeddedPostgres() {}

  /** A JDBC URL (user postgres, no password) of a new, empty database. */
  public static synchronized String newDatabase() throws Exception {
    if (server == null) {
      server = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.start();
      io.zonky.test.db.postgres.embedded.EmbeddedPostgres s = server;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          s.close();
        } catch (Exception ignored) {
          // the JVM is going away
        }
      }));
    }
    String name = "wanapis_" + COUNTER.incrementAndGet();
    try (Connection c = server.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
    return "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/" + name + "?user=postgres";
  }

  /** A separate server the caller owns and may stop (to take the store down mid-test). */
  public static io.zonky.test.db.postgres.embedded.EmbeddedPostgres privateServer() throws Exception {
    return io.zonky.test.db.postgres.embedded.EmbeddedPostgres.start();
  }
}
