package io.wanapis.store;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Turns what users write into a JDBC URL plus credentials: {@code jdbc:sqlite:FILE},
 * {@code jdbc:postgresql://...}, or the libpq form {@code postgresql://user:pass@host:port/db}
 * that most PostgreSQL hosts hand out. No URL: the SQLite file {@code <data_dir>/wanapis.db}.
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {

  public static DatabaseUrl resolve(String url, Path dataDir) {
    if (url == null || url.isBlank()) {
      return new DatabaseUrl("jdbc:sqlite:" + dataDir.resolve("wanapis.db").toAbsolutePath(), null, null);
    }
    if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
      URI u = URI.create(url);
      String user = null;
      String password = null;
      if (u.getRawUserInfo() != null) {
        String[] up = u.getRawUserInfo().split(":", 2);
        user = decode(up[0]);
        if (up.length > 1) password = decode(up[1]);
      }
      String hostPort = u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "");
      String query = u.getRawQuery() == null ? "" : "?" + u.getRawQuery();
      return new DatabaseUrl("jdbc:postgresql://" + hostPort + u.getRawPath() + query, user, password);
    }
    Dialect.of(url); // refuses anything else with a message that names the accepted forms
    return new DatabaseUrl(url, null, null);
  }

  public Dialect dialect() {
    return Dialect.of(jdbcUrl);
  }

  /** For logs: the URL without credentials in it. */
  public String safe() {
    return jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
