package io.wanapis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DatabaseUrlTest {
  @Test
  void defaultIsSqliteInTheDataDir() {
    DatabaseUrl u = DatabaseUrl.resolve(null, Path.of("/var/lib/wanapis"));
    assertThat(u.jdbcUrl()).isEqualTo("jdbc:sqlite:/var/lib/wanapis/wanapis.db");
    assertThat(u.dialect()).isEqualTo(Dialect.SQLITE);
  }

  @Test
  void libpqFormBecomesJdbcWithCredentialsApart() {
    DatabaseUrl u = DatabaseUrl.resolve("postgresql://gw:p%40ss@db.internal:5433/wanapis?sslmode=require", null);
    assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5433/wanapis?sslmode=require");
    assertThat(u.user()).isEqualTo("gw");
    assertThat(u.password()).isEqualTo("p@ss");
    assertThat(u.safe()).doesNotContain("p@ss");
  }

  @Test
  void otherDatabasesAreRefusedWithoutEchoingPasswords() {
    assertThatThrownBy(() -> DatabaseUrl.resolve("jdbc:mysql://u:secret@h/db", null))
        .hasMessageContaining("jdbc:sqlite:").hasMessageNotContaining("secret");
  }
}
