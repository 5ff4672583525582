package io.wanapis.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanapis.store.Database;
import io.wanapis.store.DatabaseUrl;
import io.wanapis.store.JdbcStore;
import io.wanapis.store.LedgerFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.awaitility.Awaitility.await;

/**
 * The ledger against a real SQLite store when a write fails after it was committed (PostgreSQL
 * can commit and lose the answer): the batch goes to the spill file marked as one, is replayed as
 * that same batch, and the store skips it. Every record is counted exactly once.
 */
class LedgerReplayTest {
  @TempDir
  Path dir;

  static RequestRecord record(int i) {
    return new RequestRecord(1_764_000_000_000L + i, String.format("req_%012x%012x", 1_764_000_000_000L + i, i), "key_a", "chat",
        "gpt-4o-mini", "openai", "gpt-4o-mini", 200, null, false, new Usage(10, 5, 0, 0, false), 3, -1, 1, null, "gpt-4o-mini", null,
        false, "team_1", null, List.of(), 0.001, false);
  }

  @ParameterizedTest
  @EnumSource(LedgerFormat.class)
  void aBatchCommittedButReportedFailedIsCountedOnceAfterReplay(LedgerFormat format) throws Exception {
    try (JdbcStore store = new JdbcStore(Database.open(DatabaseUrl.resolve("jdbc:sqlite:" + dir.resolve("w.db"), null)))) {
      AtomicInteger writes = new AtomicInteger();
      // the first write reaches the database, then "fails"; later writes fail before reaching it
      Ledger.Sink flaky = batch -> {
        if (writes.getAndIncrement() == 0) {
          store.insertUsage(batch, format);
          throw new IllegalStateException("connection reset after commit");
        }
        throw new IllegalStateException("database down");
      };
      Path spill = dir.resolve("ledger-spill.jsonl");
      Ledger down = new Ledger(flaky, spill, 100, 40);
      for (int i = 0; i < 30; i++) down.onRequest(record(i)); // queued before the writer starts: one batch
      down.start(); // that batch is committed and reported failed
      await().atMost(5, TimeUnit.SECONDS).until(() -> writes.get() >= 1);
      for (int i = 30; i < 130; i++) down.onRequest(record(i)); // more than half the queue: spilled
      down.close(5_000);
      assertThat(store.countUsage()).isEqualTo(30);
      assertThat(Files.readString(spill)).contains(Ledger.BATCH_MARK);

      // the next start replays the spill file into the store that works again
      Ledger up = new Ledger(batch -> store.insertUsage(batch, format), spill, 1000, 40).start();
      await().atMost(10, TimeUnit.SECONDS).until(() -> store.countUsage() == 130 && !Files.exists(spill));
      up.close(5_000);
      assertThat(store.countUsage()).isEqualTo(130);
      List<RequestRecord> back = new java.util.ArrayList<>();
      store.scanUsage(UsageQuery.all(), back::add);
      assertThat(back).extracting(RequestRecord::requestId).doesNotHaveDuplicates().hasSize(130);
      assertThat(up.replayed()).isEqualTo(130);
    }
  }

  @Test
  void aDamagedMarkOnlyLosesItsGrouping() throws Exception {
    try (JdbcStore store = new JdbcStore(Database.open(DatabaseUrl.resolve("jdbc:sqlite:" + dir.resolve("d.db"), null)))) {
      Path spill = dir.resolve("spill.jsonl");
      StringBuilder file = new StringBuilder(Ledger.BATCH_MARK + "x\n");
      for (int i = 0; i < 5; i++) file.append(io.wanapis.json.Json.MAPPER.writeValueAsString(record(i))).append('\n');
      Files.writeString(spill, file);
      Ledger l = new Ledger(batch -> store.insertUsage(batch), spill, 1000, 2).start();
      await().atMost(10, TimeUnit.SECONDS).until(() -> store.countUsage() == 5);
      l.close(5_000);
    }
  }
}
