package io.wanapis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.wanapis.usage.RequestRecord;
import io.wanapis.usage.UsageQuery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The ledger loses nothing: PostgreSQL stops for several seconds while requests keep coming, then
 * stops again across a graceful restart of the gateway. Every answered request is counted in the
 * store in the end, by request id.
 */
class LedgerOutageTest {
  private static io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg(Path dir, int port) throws Exception {
    var b = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false);
    if (port > 0) b.setPort(port);
    return b.start();
  }

  /** Records in the ledger, counted in the database itself: rows plus the records of every chunk. */
  private static long rows(String url) throws Exception {
    try (Connection c = DriverManager.getConnection(url); ResultSet r = c.createStatement().executeQuery(
        "SELECT (SELECT COUNT(*) FROM usage_records) + (SELECT COALESCE(SUM(records), 0) FROM usage_chunks)")) {
      r.next();
      return r.getLong(1);
    }
  }

  private static Set<String> ids(String url) throws Exception {
    Set<String> out = new HashSet<>();
    try (var store = new io.wanapis.store.JdbcStore(io.wanapis.store.Database.open(io.wanapis.store.DatabaseUrl.resolve(url, null)))) {
      store.scanUsage(io.wanapis.usage.UsageQuery.all(), r -> out.add(r.requestId()));
    }
    return out;
  }

  private static void chat(TestGateway gw, String text) {
    gw.sdk().chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage(text).build());
  }

  @Test
  void zeroLostRecordsThroughAStoreOutageAndAGracefulRestart() throws Exception {
    Path pgDir = Files.createTempDirectory("wanapis-pg");
    Path dataDir = Files.createTempDirectory("wanapis-data");
    var pg = pg(pgDir, 0);
    int port = pg.getPort();
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
    String yaml = """
        access_log: {path: "off"}
        data_dir: "%s"
        database_url: "%s"
        providers: [{name: sim, type: simulator}]
        models: [{name: gpt-4o-mini, deployments: [{provider: sim}]}]
        """.formatted(dataDir, url);
    Set<String> answered = new HashSet<>();
    TestGateway gw = TestGateway.start(yaml);
    try {
      for (int i = 0; i < 20; i++) chat(gw, "before " + i);
      await().atMost(Duration.ofSeconds(10)).until(() -> rows(url) == 20);

      pg.close(); // the store is gone for several seconds; requests keep being served
      long downSince = System.nanoTime();
      for (int i = 0; i < 30; i++) {
        chat(gw, "during " + i);
        Thread.sleep(100);
      }
      assertThat(gw.gateway.usage().ledger().failures()).isPositive();
      while (System.nanoTime() - downSince < 5_000_000_000L) Thread.sleep(100);
      pg = pg(pgDir, port);
      await().atMost(Duration.ofSeconds(30)).until(() -> rows(url) == 50);

      pg.close(); // down again, this time across a graceful restart
      for (int i = 0; i < 10; i++) chat(gw, "at shutdown " + i);
    } finally {
      // a record is published just after its answer is sent: give the last one that moment
      TestGateway g = gw;
      try {
        await().atMost(Duration.ofSeconds(5)).until(() -> g.records.stream().filter(r -> r.status() == 200).count() >= 60);
      } catch (RuntimeException ignored) {
        // the assertion below reports what is missing
      }
      gw.records.stream().filter(r -> r.status() == 200).map(RequestRecord::requestId).forEach(answered::add);
      gw.close();
    }
    assertThat(answered).hasSize(60);
    assertThat(dataDir.resolve("ledger-spill.jsonl")).exists(); // the store was down: the queue went to disk

    pg = pg(pgDir, port);
    try (TestGateway again = TestGateway.start(yaml)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> rows(url) == 60);
      assertThat(ids(url)).isEqualTo(answered);
      assertThat(again.gateway.usage().ledger().replayed()).isEqualTo(10);
      long[] scanned = {0};
      again.gateway.usage().store().scanUsage(UsageQuery.all(), r -> scanned[0]++);
      assertThat(scanned[0]).isEqualTo(60);
      assertThat(dataDir.resolve("ledger-spill.jsonl")).doesNotExist();
    } finally {
      pg.close();
    }
  }
}
