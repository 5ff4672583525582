package io.wanapis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wanapis.json.Json;
import io.wanapis.keys.KeyRole;
import io.wanapis.keys.KeySecrets;
import io.wanapis.keys.KeyStatus;
import io.wanapis.keys.Limits;
import io.wanapis.keys.Project;
import io.wanapis.keys.Team;
import io.wanapis.keys.VirtualKey;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every home of the store must do; {@link SqliteStoreTest} and {@link PostgresStoreTest} run
 * it on a real SQLite file and a real PostgreSQL server.
 */
abstract class StoreContractTest {
  final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
  JdbcStore store;
  final Actor admin = new Actor("master", "master", "127.0.0.1", "req-1");

  abstract String jdbcUrl() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = new JdbcStore(Database.open(DatabaseUrl.resolve(jdbcUrl(), null)), clock::get);
  }

  @AfterEach
  void close() {
    store.close();
  }

  AuditEvent audit(String action, String id) {
    return new AuditEvent(admin, action, "test", id, null, Json.MAPPER.createObjectNode().put("id", id));
  }

  Team team(String name) {
    return store.createTeam(new Team(KeySecrets.newId("team"), name, Map.of("cost_center", "42"), clock.get()), audit("team.create", name));
  }

  VirtualKey key(String teamId, String projectId) {
    long now = clock.get();
    return new VirtualKey(KeySecrets.newId("key"), "ci", "sk-wan-abcd…", KeyRole.APP, teamId, projectId, "alice",
        List.of("gpt-4o*", "openai/*"), Set.of("chat", "embeddings"), KeyStatus.ACTIVE, now + 3_600_000, now, now, null,
        Map.of("env", "prod"), new Limits(60, 100_000L, new BigDecimal("12.5"), "monthly"));
  }

  @Test
  void teamsProjectsAndKeysRoundTrip() {
    Team t = team("search");
    Project p = store.createProject(new Project(KeySecrets.newId("proj"), t.id(), "indexer", Map.of(), clock.get()), audit("project.create", "p"));
    VirtualKey k = key(t.id(), p.id());
    store.createKey(k, "a".repeat(64), audit("key.create", k.id()));

    assertThat(store.findTeam("search")).contains(t);
    assertThat(store.findProject("indexer", t.id())).contains(p);
    assertThat(store.listProjects(t.id())).containsExactly(p);
    VirtualKey back = store.findKey(k.id()).orElseThrow();
    assertThat(back).isEqualTo(k);
    assertThat(back.limits().maxBudget()).isEqualByComparingTo("12.5");
    assertThat(store.listKeys(t.id())).extracting(VirtualKey::id).containsExactly(k.id());
    assertThat(store.listKeys("team_other")).isEmpty();
    assertThat(store.liveSecrets(clock.get())).extracting(KeySecretRow::hash).containsExactly("a".repeat(64));
  }

  @Test
  void duplicateTeamNameIsAConflictAndLeavesNoAuditEntry() {
    team("dup");
    long before = store.head().seq();
    assertThatThrownBy(() -> team("dup")).isInstanceOfSatisfying(StoreException.class,
        e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.CONFLICT));
    assertThat(store.head().seq()).isEqualTo(before);
    assertThat(store.listTeams()).hasSize(1);
  }

  @Test
  void aFailedWriteLeavesNothingHalfWritten() {
    VirtualKey orphan = key("team_does_not_exist", null);
    assertThatThrownBy(() -> store.createKey(orphan, "b".repeat(64), audit("key.create", orphan.id())))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.INVALID_REFERENCE));
    assertThat(store.findKey(orphan.id())).isEmpty();
    assertThat(store.liveSecrets(clock.get())).isEmpty();
    assertThat(store.audit(0, 10)).isEmpty();
    assertThat(store.head().seq()).isZero();
  }

  @Test
  void rotationKeepsOldSecretsUntilTheGraceEnds() {
    Team t = team("rot");
    VirtualKey k = key(t.id(), null);
    store.createKey(k, "1".repeat(64), audit("key.create", k.id()));
    long now = clock.addAndGet(1000);
    VirtualKey rotated = new VirtualKey(k.id(), k.name(), "sk-wan-wxyz…", k.role(), k.teamId(), k.projectId(), k.owner(), k.models(),
        k.endpoints(), k.status(), k.expiresAt(), k.createdAt(), now, null, k.metadata(), k.limits());
    store.rotateKey(rotated, "2".repeat(64), now + 60_000, audit("key.rotate", k.id()));

    assertThat(store.liveSecrets(k.id(), now)).extracting(KeySecretRow::hash).containsExactlyInAnyOrder("1".repeat(64), "2".repeat(64));
    assertThat(store.liveSecrets(k.id(), now + 60_000)).extracting(KeySecretRow::hash).containsExactly("2".repeat(64));
    assertThat(store.findKey(k.id()).orElseThrow().displayPrefix()).isEqualTo("sk-wan-wxyz…");
  }

  @Test
  void lastUsedOnlyMovesForward() {
    Team t = team("lu");
    VirtualKey k = key(t.id(), null);
    store.createKey(k, "c".repeat(64), audit("key.create", k.id()));
    store.touchLastUsed(Map.of(k.id(), 5_000L));
    store.touchLastUsed(Map.of(k.id(), 4_000L));
    assertThat(store.findKey(k.id()).orElseThrow().lastUsedAt()).isEqualTo(5_000L);
    // an update from the admin API must not wipe it
    store.updateKey(k.withStatus(KeyStatus.REVOKED, clock.get() + 1), audit("key.revoke", k.id()));
    VirtualKey back = store.findKey(k.id()).orElseThrow();
    assertThat(back.lastUsedAt()).isEqualTo(5_000L);
    assertThat(back.status()).isEqualTo(KeyStatus.REVOKED);
  }

  @Test
  void updatingAMissingKeyIsNotFound() {
    VirtualKey ghost = key(null, null);
    assertThatThrownBy(() -> store.updateKey(ghost, audit("key.update", ghost.id())))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.NOT_FOUND));
    assertThat(store.head().seq()).isZero();
  }

  @Test
  void auditEntriesChainAndVerify() {
    for (int i = 0; i < 5; i++) team("t" + i);
    List<AuditEntry> entries = store.audit(0, 100);
    assertThat(entries).extracting(AuditEntry::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(entries.get(0).prevHash()).isEqualTo(AuditChain.GENESIS);
    assertThat(entries.get(1).prevHash()).isEqualTo(entries.get(0).hash());
    assertThat(entries.get(2).actor()).isEqualTo("master");
    assertThat(entries.get(2).sourceIp()).isEqualTo("127.0.0.1");
    assertThat(store.head()).isEqualTo(new AuditHead(5, entries.get(4).hash()));
    assertThat(store.verifyAudit().ok()).isTrue();
    assertThat(store.audit(3, 1)).extracting(AuditEntry::seq).containsExactly(4L);
  }

  @Test
  void verifyDetectsAnEditedEntry() throws Exception {
    for (int i = 0; i < 3; i++) team("e" + i);
    sql("UPDATE audit_log SET after_json = '{\"id\":\"forged\"}' WHERE seq = 2");
    AuditChain.Result r = store.verifyAudit();
    assertThat(r.ok()).isFalse();
    assertThat(r.firstBadSeq()).isEqualTo(2L);
    assertThat(r.problem()).contains("changed");
  }

  @Test
  void verifyDetectsADeletedEntryAndACutTail() throws Exception {
    for (int i = 0; i < 4; i++) team("d" + i);
    sql("DELETE FROM audit_log WHERE seq = 4");
    assertThat(store.verifyAudit()).satisfies(r -> {
      assertThat(r.ok()).isFalse();
      assertThat(r.problem()).contains("chain head");
    });
    sql("DELETE FROM audit_log WHERE seq = 2");
    assertThat(store.verifyAudit().firstBadSeq()).isEqualTo(2L);
  }

  @Test
  void concurrentAppendsKeepOneUnbrokenChain() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Team>> fs = new java.util.ArrayList<>();
      for (int i = 0; i < 20; i++) {
        String n = "c" + i;
        fs.add(pool.submit(() -> team(n)));
      }
      for (Future<Team> f : fs) f.get();
    } finally {
      pool.shutdown();
    }
    assertThat(store.audit(0, 100)).hasSize(20);
    assertThat(store.verifyAudit().ok()).isTrue();
  }

  @Test
  void credentialsAreStoredEncrypted() throws Exception {
    SecretBox box = new SecretBox(new byte[32], List.of());
    String secret = "sk-proj-upstream-secret-0123456789";
    store.putCredential(new StoredCredential("openai-main", "openai", box.seal(secret, "openai-main"), 1, 1), audit("credential.create", "c"));
    StoredCredential back = store.findCredential("openai-main").orElseThrow();
    assertThat(back.sealed().ciphertext()).doesNotContain(secret);
    assertThat(box.open(back.sealed(), "openai-main")).isEqualTo(secret);
    try (Connection c = store.database().dataSource().getConnection(); Statement st = c.createStatement();
        var rs = st.executeQuery("SELECT * FROM provider_credentials")) {
      rs.next();
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) assertThat(String.valueOf(rs.getObject(i))).doesNotContain("upstream-secret");
    }
    store.deleteCredential("openai-main", audit("credential.delete", "c"));
    assertThat(store.listCredentials()).isEmpty();
  }

  void sql(String statement) throws Exception {
    try (Connection c = store.database().dataSource().getConnection(); Statement st = c.createStatement()) {
      st.executeUpdate(statement);
      c.commit();
    }
  }

  // ------------------------------------------------------------------ usage issue: ledger, aggregation, budgets, catalog

  static io.wanapis.usage.RequestRecord usageRow(String id, long ts, String key, String team, String model, String provider,
      java.util.List<String> tags, int status, long in, long out, double cost, double latency, double ttft) {
    return new io.wanapis.usage.RequestRecord(ts, id, key, "chat", model, provider, model + "-dep", status, status == 200 ? null : "upstream_error",
        ttft >= 0, new io.wanapis.usage.Usage(in, out, 2, 1, 0, false), latency, ttft, 1, "user-" + key, model, null, false, team, "proj-1",
        tags, cost, false);
  }

  @ParameterizedTest
  @EnumSource(LedgerFormat.class)
  void ledgerRecordsAreWrittenOnceAndAggregateTheSameOnBothDatabases(LedgerFormat format) {
    long h = 1_700_000_000_000L - (1_700_000_000_000L % 3_600_000L); // an hour boundary
    List<io.wanapis.usage.RequestRecord> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      rows.add(usageRow("req_" + i, h + i * 60_000L, i % 2 == 0 ? "key_a" : "key_b", i % 4 == 0 ? "team_x" : "team_y",
          i < 70 ? "gpt-4o-mini" : "claude-haiku-4-5", i < 70 ? "openai" : "anthropic", i % 10 == 0 ? List.of("search", "beta") : List.of(),
          i % 25 == 0 ? 502 : 200, 10 + i, 20 + i, 0.001 * (i + 1), i + 1, i % 2 == 0 ? i / 2.0 : -1));
    }
    assertThat(store.insertUsage(rows.subList(0, 60), format)).isEqualTo(60);
    // the same batch again (a retry after the first try's answer was lost): nothing counts twice
    assertThat(store.insertUsage(rows.subList(0, 60), format)).isZero();
    if (format == LedgerFormat.ROWS) {
      // rows: even a batch that only overlaps what is stored adds only its new rows
      assertThat(store.insertUsage(rows.subList(50, 100), format)).isEqualTo(40);
    } else {
      assertThat(store.insertUsage(rows.subList(60, 100), format)).isEqualTo(40);
    }
    assertThat(store.countUsage()).isEqualTo(100);
    // a client's over-long user id or model name is cut to the column, not refused with its batch
    var longOne = usageRow("req_long", h, "key_a", "team_x", "m".repeat(500), "openai", List.of(), 200, 1, 1, 0, 1, -1)
        .withMetering("team_x", "proj-1", List.of(), "u".repeat(1000), new io.wanapis.usage.Usage(1, 1, 0, 0, false), 0, false);
    assertThat(store.insertUsage(List.of(longOne), format)).isEqualTo(1);
    store.scanUsage(io.wanapis.usage.UsageQuery.all(), r -> {
      if (r.requestId().equals("req_long")) assertThat(r.user()).hasSize(200);
    });
    rows.add(longOne);

    io.wanapis.usage.UsageReport byModelHour = new io.wanapis.usage.UsageReport(List.of("model", "hour"));
    store.scanUsage(io.wanapis.usage.UsageQuery.all(), byModelHour);
    assertThat(byModelHour.total().requests).isEqualTo(101);
    assertThat(byModelHour.total().errors).isEqualTo(4);
    assertThat(byModelHour.total().tokensIn).isEqualTo(100 * 10 + 4950 + 1);
    assertThat(byModelHour.total().tokensOut).isEqualTo(100 * 20 + 4950 + 1);
    assertThat(byModelHour.total().tokensCached).isEqualTo(200);
    assertThat(byModelHour.total().costUsd).isCloseTo(0.001 * 5050, org.assertj.core.data.Offset.offset(1e-9));
    List<io.wanapis.usage.UsageReport.Group> groups = byModelHour.groups();
    groups = groups.stream().filter(g -> !g.key.get(0).startsWith("mmm")).toList();
    assertThat(groups).extracting(g -> String.join("|", g.key)).containsExactly(
        "claude-haiku-4-5|" + java.time.Instant.ofEpochMilli(h + 3_600_000L),
        "gpt-4o-mini|" + java.time.Instant.ofEpochMilli(h), "gpt-4o-mini|" + java.time.Instant.ofEpochMilli(h + 3_600_000L));
    assertThat(groups.get(1).requests).isEqualTo(60);
    // latencies 1..60 ms in the first hour: nearest-rank p50 = 30, p95 = 57, p99 = 60
    assertThat(groups.get(1).latencyPercentile(50)).isEqualTo(30);
    assertThat(groups.get(1).latencyPercentile(95)).isEqualTo(57);
    assertThat(groups.get(1).latencyPercentile(99)).isEqualTo(60);
    assertThat(groups.get(1).ttftPercentile(50)).isEqualTo(14.0); // ttft 0, 1, ..., 29 for the 30 streams

    io.wanapis.usage.UsageReport byTag = new io.wanapis.usage.UsageReport(List.of("tag"));
    store.scanUsage(io.wanapis.usage.UsageQuery.all(), byTag);
    assertThat(byTag.groups()).extracting(g -> g.key.get(0) + "=" + g.requests).containsExactly("(none)=91", "beta=10", "search=10");

    io.wanapis.usage.UsageReport teamX = new io.wanapis.usage.UsageReport(List.of("key", "day"));
    store.scanUsage(new io.wanapis.usage.UsageQuery(h, h + 30 * 60_000L, null, "team_x", null), teamX);
    assertThat(teamX.total().requests).isEqualTo(9); // i = 0, 4, ..., 28 and the long one
    assertThat(teamX.groups()).extracting(g -> g.key.get(0)).containsExactly("key_a");

    double keyB = 0;
    for (var r : rows) if (r.keyId().equals("key_b") && r.timestampMs() >= h + 50 * 60_000L) keyB += r.costUsd();
    assertThat(store.sumCost(io.wanapis.budget.Budget.Scope.KEY, "key_b", h + 50 * 60_000L)).isCloseTo(keyB, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(store.sumCost(io.wanapis.budget.Budget.Scope.TEAM, "team_x", 0)).isPositive();

    // a record read back is the record written
    List<io.wanapis.usage.RequestRecord> back = new java.util.ArrayList<>();
    store.scanUsage(new io.wanapis.usage.UsageQuery(0, Long.MAX_VALUE, "key_a", null, null), back::add);
    assertThat(back.get(0)).isEqualTo(rows.get(0));
  }

  @Test
  void bothLedgerFormatsReadAsOneInTimeOrder() {
    // chunks whose times interleave (two event loops finish requests out of timestamp order),
    // plus rows written before a change of format: one stream, oldest first, counted and summed once
    long t = 1_760_000_000_000L;
    List<io.wanapis.usage.RequestRecord> all = new java.util.ArrayList<>();
    List<io.wanapis.usage.RequestRecord> a = new java.util.ArrayList<>(), b = new java.util.ArrayList<>(), rows = new java.util.ArrayList<>();
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 300; i++) {
      var r = usageRow(String.format("req_%04d", i), t + i * 10L + random.nextInt(25), i % 3 == 0 ? "key_a" : "key_b", "team_x",
          "gpt-4o-mini", "openai", i % 7 == 0 ? List.of("t" + i % 2) : List.of(), 200, i, 2 * i, 0.0001 * i, 5, -1);
      all.add(r);
      (i < 100 ? rows : i % 2 == 0 ? a : b).add(r);
    }
    assertThat(store.insertUsage(rows, LedgerFormat.ROWS)).isEqualTo(100);
    assertThat(store.insertUsage(a.subList(0, 50), LedgerFormat.CHUNKS)).isEqualTo(50);
    assertThat(store.insertUsage(b.subList(0, 50), LedgerFormat.CHUNKS)).isEqualTo(50);
    assertThat(store.insertUsage(a.subList(50, 100), LedgerFormat.CHUNKS)).isEqualTo(50);
    assertThat(store.insertUsage(b.subList(50, 100), LedgerFormat.CHUNKS)).isEqualTo(50);
    assertThat(store.countUsage()).isEqualTo(300);

    List<io.wanapis.usage.RequestRecord> back = new java.util.ArrayList<>();
    store.scanUsage(io.wanapis.usage.UsageQuery.all(), back::add);
    List<io.wanapis.usage.RequestRecord> expected = all.stream().sorted(java.util.Comparator
        .comparingLong(io.wanapis.usage.RequestRecord::timestampMs).thenComparing(io.wanapis.usage.RequestRecord::requestId)).toList();
    assertThat(back).containsExactlyElementsOf(expected);

    // a range that starts and ends inside chunks, one key
    long from = t + 1_234, to = t + 2_500;
    List<io.wanapis.usage.RequestRecord> some = new java.util.ArrayList<>();
    store.scanUsage(new io.wanapis.usage.UsageQuery(from, to, "key_a", null, null), some::add);
    assertThat(some).containsExactlyElementsOf(expected.stream()
        .filter(r -> r.timestampMs() >= from && r.timestampMs() < to && r.keyId().equals("key_a")).toList());

    // budgets rebuilt at start: whole chunks from their cost summaries, the chunk the period starts in from its records
    for (long since : new long[] {0, t + 1_234, t + 2_001, t + 9_999}) {
      for (String key : List.of("key_a", "key_b")) {
        double want = all.stream().filter(r -> r.keyId().equals(key) && r.timestampMs() >= since).mapToDouble(r -> r.costUsd()).sum();
        assertThat(store.sumCost(io.wanapis.budget.Budget.Scope.KEY, key, since)).as("%s since %d", key, since)
            .isCloseTo(want, org.assertj.core.data.Offset.offset(1e-9));
      }
      double team = all.stream().filter(r -> r.timestampMs() >= since).mapToDouble(r -> r.costUsd()).sum();
      assertThat(store.sumCost(io.wanapis.budget.Budget.Scope.TEAM, "team_x", since)).isCloseTo(team, org.assertj.core.data.Offset.offset(1e-9));
    }
    assertThat(store.sumCost(io.wanapis.budget.Budget.Scope.PROJECT, "proj-2", 0)).isZero();
  }

  @Test
  void budgetsAndCatalogEntriesAreStoredWithTheirAuditEntries() {
    var b = new io.wanapis.budget.Budget("bud_1", io.wanapis.budget.Budget.Scope.TEAM, "team_x", io.wanapis.budget.Period.MONTH, 12.5, true,
        List.of(80, 50), "admin");
    store.putBudget(b, audit("budget.create", "bud_1"));
    assertThat(store.listBudgets()).containsExactly(b);
    var m = new io.wanapis.catalog.ModelInfo("my-model", "acme", "chat", 32000, 4096, List.of("tools"), 1.0, 2.0, null, null, null, null);
    store.putCatalogEntry(m, audit("catalog.create", "my-model"));
    store.putCatalogEntry(m.overlay(new io.wanapis.catalog.ModelInfo("my-model", null, null, null, null, null, 1.5, null, null, null, null, null)),
        audit("catalog.update", "my-model"));
    assertThat(store.listCatalogEntries()).singleElement().satisfies(e -> assertThat(e.inputPerMtok()).isEqualTo(1.5));
    assertThat(store.deleteBudget("bud_1", audit("budget.delete", "bud_1"))).isTrue();
    assertThat(store.deleteCatalogEntry("my-model", audit("catalog.delete", "my-model"))).isTrue();
    assertThat(store.listBudgets()).isEmpty();
    assertThat(store.audit(0, 100)).extracting(AuditEntry::action).contains("budget.create", "catalog.update", "budget.delete", "catalog.delete");
    assertThat(store.verifyAudit().ok()).isTrue();
  }
}
