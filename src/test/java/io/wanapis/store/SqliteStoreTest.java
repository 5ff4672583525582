package io.wanapis.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded default: an SQLite file. */
class SqliteStoreTest extends StoreContractTest {
  @TempDir
  Path dir;

  @Override
  String jdbcUrl() {
    return "jdbc:sqlite:" + dir.resolve("sub/wanapis.db");
  }

  @Test
  void theFileIsCreatedWithItsDirectoryAndMigrationsAreRecorded() throws Exception {
    assertThat(Files.exists(dir.resolve("sub/wanapis.db"))).isTrue();
    try (var c = store.database().dataSource().getConnection(); var rs = c.createStatement()
        .executeQuery("SELECT version FROM flyway_schema_history WHERE success = 1")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("1");
    }
  }

  @Test
  void reopeningKeepsTheData() {
    team("kept");
    store.close();
    store = new JdbcStore(Database.open(DatabaseUrl.resolve(jdbcUrl(), null)), clock::get);
    assertThat(store.findTeam("kept")).isPresent();
    assertThat(store.verifyAudit().ok()).isTrue();
  }
}
