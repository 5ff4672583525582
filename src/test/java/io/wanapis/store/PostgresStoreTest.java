package io.wanapis.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The store contract on a real PostgreSQL server (embedded, from Maven Central). */
class PostgresStoreTest extends StoreContractTest {
  @Override
  String jdbcUrl() throws Exception {
    return EmbeddedPostgres.newDatabase();
  }

  @Test
  void runsOnPostgres() {
    assertThat(store.dialect()).isEqualTo(Dialect.POSTGRES);
  }
}
