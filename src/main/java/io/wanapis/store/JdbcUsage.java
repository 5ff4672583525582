package io.wanapis.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.wanapis.budget.Budget;
import io.wanapis.budget.Period;
import io.wanapis.catalog.ModelInfo;
import io.wanapis.json.Json;
import io.wanapis.usage.RequestRecord;
import io.wanapis.usage.Usage;
import io.wanapis.usage.UsageQuery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * The usage issue's part of {@link JdbcStore}: the ledger, budgets and admin catalog entries.
 * Portable SQL only; grouping and percentiles are done in Java by the callers so SQLite and
 * PostgreSQL answer the same.
 */
final class JdbcUsage {
  private static final String COLUMNS = "request_id, ts, key_id, team_id, project_id, endpoint, model, routed_model, provider, "
      + "deployment, variant, end_user, tags, status, error_code, stream, cache_hit, tokens_in, tokens_out, tokens_cached, "
      + "tokens_reasoning, tokens_cache_write, estimated, cost_usd, latency_ms, ttft_ms, attempts";
  /** Both databases skip a row whose request id is already there: a retried batch never counts twice. */
  private static final String INSERT = "INSERT INTO usage_records (" + COLUMNS + ") VALUES "
      + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING";

  private final Database db;
  private final JdbcStore store;

  JdbcUsage(Database db, JdbcStore store) {
    this.db = db;
    this.store = store;
  }

  /** Returns how many records were new. */
  int insert(List<RequestRecord> batch, LedgerFormat format) {
    if (batch.isEmpty()) return 0;
    if (format == LedgerFormat.CHUNKS) return db.inTransaction(c -> JdbcUsageChunks.insert(c, batch));
    return db.inTransaction(c -> {
      int added = 0;
      try (PreparedStatement ps = c.prepareStatement(INSERT)) {
        for (RequestRecord r : batch) {
          bind(ps, r);
          ps.addBatch();
        }
        for (int n : ps.executeBatch()) if (n > 0) added += n;
      }
      return added;
    });
  }

  private static void bind(PreparedStatement ps, RequestRecord r) throws SQLException {
    Usage u = r.usage();
    int i = 1;
    ps.setString(i++, cut(r.requestId(), 64));
    ps.setLong(i++, r.timestampMs());
    ps.setString(i++, cut(r.keyId(), 40));
    ps.setString(i++, cut(r.teamId(), 40));
    ps.setString(i++, cut(r.projectId(), 40));
    ps.setString(i++, cut(r.endpoint(), 40));
    ps.setString(i++, cut(r.model(), 200));
    ps.setString(i++, cut(r.routedModel(), 200));
    ps.setString(i++, cut(r.provider(), 100));
    ps.setString(i++, cut(r.deployment(), 200));
    ps.setString(i++, cut(r.variant(), 200));
    ps.setString(i++, cut(r.user(), 200));
    ps.setString(i++, json(r.tags()));
    ps.setInt(i++, r.status());
    ps.setString(i++, cut(r.errorCode(), 100));
    ps.setInt(i++, r.stream() ? 1 : 0);
    ps.setInt(i++, r.cacheHit() ? 1 : 0);
    ps.setLong(i++, u.inputTokens());
    ps.setLong(i++, u.outputTokens());
    ps.setLong(i++, u.cachedTokens());
    ps.setLong(i++, u.reasoningTokens());
    ps.setLong(i++, u.cacheWriteTokens());
    ps.setInt(i++, u.estimated() || r.costEstimated() ? 1 : 0);
    ps.setDouble(i++, r.costUsd());
    ps.setDouble(i++, r.latencyMs());
    ps.setDouble(i++, r.ttftMs());
    ps.setInt(i, r.attempts());
  }

  /**
   * Client-chosen strings (model names, user ids) are cut to their column's size: PostgreSQL
   * refuses longer values, and one refused row would hold its whole batch back forever.
   */
  static String cut(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }

  /**
   * Streams the records of a query to {@code sink}, oldest first (ties by request id), without
   * holding them all: the rows of {@code usage_records} and the records of {@code usage_chunks}
   * merged, so a ledger that changed format reads as one.
   */
  void scan(UsageQuery q, Consumer<RequestRecord> sink) {
    StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM usage_records WHERE ts >= ? AND ts < ?");
    List<String> params = new ArrayList<>();
    if (q.keyId() != null) { sql.append(" AND key_id = ?"); params.add(q.keyId()); }
    if (q.teamId() != null) { sql.append(" AND team_id = ?"); params.add(q.teamId()); }
    if (q.projectId() != null) { sql.append(" AND project_id = ?"); params.add(q.projectId()); }
    sql.append(" ORDER BY ts, request_id");
    db.inTransaction(c -> {
      Iterator<RequestRecord> chunks = JdbcUsageChunks.scan(c, q);
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        ps.setFetchSize(1000); // PostgreSQL streams with a cursor inside a transaction
        ps.setLong(1, q.fromMs());
        ps.setLong(2, q.toMs());
        for (int i = 0; i < params.size(); i++) ps.setString(3 + i, params.get(i));
        try (ResultSet r = ps.executeQuery()) {
          RequestRecord chunked = chunks.hasNext() ? chunks.next() : null;
          while (r.next()) {
            RequestRecord row = record(r);
            while (chunked != null && JdbcUsageChunks.ORDER.compare(chunked, row) < 0) {
              sink.accept(chunked);
              chunked = chunks.hasNext() ? chunks.next() : null;
            }
            sink.accept(row);
          }
          for (; chunked != null; chunked = chunks.hasNext() ? chunks.next() : null) sink.accept(chunked);
        }
      }
      return null;
    });
  }

  /** Total priced cost of one key, team or project since {@code sinceMs} (for rebuilding budgets). */
  double sumCost(Budget.Scope scope, String id, long sinceMs) {
    String column = switch (scope) {
      case KEY -> "key_id";
      case TEAM -> "team_id";
      case PROJECT -> "project_id";
    };
    return db.inTransaction(c -> {
      double rows;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT COALESCE(SUM(cost_usd), 0) FROM usage_records WHERE " + column + " = ? AND ts >= ? AND cost_usd > 0")) {
        ps.setString(1, id);
        ps.setLong(2, sinceMs);
        try (ResultSet r = ps.executeQuery()) {
          rows = r.next() ? r.getDouble(1) : 0.0;
        }
      }
      return rows + JdbcUsageChunks.sumCost(c, scope, id, sinceMs);
    });
  }

  /** Records in the ledger, both formats. */
  long count() {
    return db.inTransaction(c -> {
      long rows;
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM usage_records"); ResultSet r = ps.executeQuery()) {
        rows = r.next() ? r.getLong(1) : 0L;
      }
      return rows + JdbcUsageChunks.count(c);
    });
  }

  private static RequestRecord record(ResultSet r) throws SQLException {
    Usage u = new Usage(r.getLong(18), r.getLong(19), r.getLong(20), r.getLong(21), r.getLong(22), r.getInt(23) != 0);
    return new RequestRecord(r.getLong(2), r.getString(1), r.getString(3), r.getString(6), r.getString(7), r.getString(9),
        r.getString(10), r.getInt(14), r.getString(15), r.getInt(16) != 0, u, r.getDouble(25), r.getDouble(26), r.getInt(27),
        r.getString(12), r.getString(8), r.getString(11), r.getInt(17) != 0, r.getString(4), r.getString(5),
        strings(r.getString(13)), r.getDouble(24), r.getInt(23) != 0);
  }

  // ---------------------------------------------------------------- budgets

  void putBudget(Budget b, long now, AuditEvent audit) {
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO budgets (id, scope, target_id, period, limit_usd, hard, thresholds, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, b.id());
        ps.setString(2, b.scope().id());
        ps.setString(3, b.targetId());
        ps.setString(4, b.period().id());
        ps.setDouble(5, b.limitUsd());
        ps.setInt(6, b.hard() ? 1 : 0);
        ps.setString(7, json(b.thresholds()));
        ps.setLong(8, now);
        ps.executeUpdate();
      }
      store.appendAudit(c, audit);
      return null;
    });
  }

  boolean deleteBudget(String id, AuditEvent audit) {
    return db.inTransaction(c -> {
      int n;
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM budgets WHERE id = ?")) {
        ps.setString(1, id);
        n = ps.executeUpdate();
      }
      if (n > 0) store.appendAudit(c, audit);
      return n > 0;
    });
  }

  List<Budget> listBudgets() {
    return db.inTransaction(c -> {
      List<Budget> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT id, scope, target_id, period, limit_usd, hard, thresholds FROM budgets ORDER BY created_at, id");
          ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          List<Integer> th = read(r.getString(7), new TypeReference<List<Integer>>() {});
          out.add(new Budget(r.getString(1), Budget.Scope.parse(r.getString(2)), r.getString(3), Period.parse(r.getString(4)),
              r.getDouble(5), r.getInt(6) != 0, th, "admin"));
        }
      }
      return out;
    });
  }

  // ---------------------------------------------------------------- catalog entries

  void putCatalogEntry(ModelInfo m, long now, AuditEvent audit) {
    db.inTransaction(c -> {
      try (PreparedStatement del = c.prepareStatement("DELETE FROM catalog_entries WHERE id = ?")) {
        del.setString(1, m.id());
        del.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO catalog_entries (id, entry, updated_at) VALUES (?, ?, ?)")) {
        ps.setString(1, m.id());
        ps.setString(2, io.wanapis.catalog.Catalog.toJson(m));
        ps.setLong(3, now);
        ps.executeUpdate();
      }
      store.appendAudit(c, audit);
      return null;
    });
  }

  boolean deleteCatalogEntry(String id, AuditEvent audit) {
    return db.inTransaction(c -> {
      int n;
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM catalog_entries WHERE id = ?")) {
        ps.setString(1, id);
        n = ps.executeUpdate();
      }
      if (n > 0) store.appendAudit(c, audit);
      return n > 0;
    });
  }

  List<ModelInfo> listCatalogEntries() {
    return db.inTransaction(c -> {
      List<ModelInfo> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT entry FROM catalog_entries ORDER BY id"); ResultSet r = ps.executeQuery()) {
        while (r.next()) out.add(io.wanapis.catalog.Catalog.fromJson(r.getString(1)));
      }
      return out;
    });
  }

  // ---------------------------------------------------------------- JSON columns

  private static String json(Object o) {
    try {
      return Json.MAPPER.writeValueAsString(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> T read(String s, TypeReference<T> type) {
    try {
      return Json.MAPPER.readValue(s, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> strings(String s) {
    return s == null || s.isEmpty() ? List.of() : read(s, new TypeReference<List<String>>() {});
  }
}
