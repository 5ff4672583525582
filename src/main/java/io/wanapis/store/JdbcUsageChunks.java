package io.wanapis.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.wanapis.budget.Budget;
import io.wanapis.json.Json;
import io.wanapis.usage.RequestRecord;
import io.wanapis.usage.UsageQuery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * The ledger's chunk format (table {@code usage_chunks}, see V4 and {@link RecordChunk}): one row
 * per batch. Reads give the same records, in the same order, as the row format would.
 */
final class JdbcUsageChunks {
  private static final String INSERT = "INSERT INTO usage_chunks (id, ts_min, ts_max, records, costs, data) VALUES (?, ?, ?, ?, ?, ?) "
      + "ON CONFLICT (id) DO NOTHING";
  private static final TypeReference<Map<String, Map<String, Double>>> COSTS = new TypeReference<>() {};

  private JdbcUsageChunks() {}

  /** Writes the batch as one chunk; returns the records added (0 when this very batch was already written). */
  static int insert(Connection c, List<RequestRecord> batch) throws SQLException {
    long min = Long.MAX_VALUE, max = Long.MIN_VALUE;
    for (RequestRecord r : batch) {
      min = Math.min(min, r.timestampMs());
      max = Math.max(max, r.timestampMs());
    }
    try (PreparedStatement ps = c.prepareStatement(INSERT)) {
      ps.setString(1, RecordChunk.id(batch));
      ps.setLong(2, min);
      ps.setLong(3, max);
      ps.setInt(4, batch.size());
      ps.setString(5, costs(batch));
      ps.setBytes(6, RecordChunk.encode(batch));
      return ps.executeUpdate() > 0 ? batch.size() : 0;
    }
  }

  /** {"key":{id:usd},"team":{...},"project":{...}} of the records that cost something. */
  static String costs(List<RequestRecord> batch) {
    Sums key = new Sums(), team = new Sums(), project = new Sums();
    for (RequestRecord r : batch) {
      double usd = r.costUsd();
      if (!(usd > 0)) continue;
      key.add(r.keyId(), usd);
      team.add(r.teamId(), usd);
      project.add(r.projectId(), usd);
    }
    java.io.StringWriter w = new java.io.StringWriter(64);
    try (com.fasterxml.jackson.core.JsonGenerator g = Json.FACTORY.createGenerator(w)) {
      g.writeStartObject();
      key.write(g, Budget.Scope.KEY);
      team.write(g, Budget.Scope.TEAM);
      project.write(g, Budget.Scope.PROJECT);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  /** Cost per id of one scope; most records of a batch repeat the previous record's id. */
  private static final class Sums {
    private final Map<String, double[]> byId = new LinkedHashMap<>();
    private String lastId;
    private double[] last;

    void add(String id, double usd) {
      if (id == null) return;
      if (id != lastId && !id.equals(lastId)) {
        lastId = id;
        last = byId.computeIfAbsent(id, k -> new double[1]);
      }
      last[0] += usd;
    }

    void write(com.fasterxml.jackson.core.JsonGenerator g, Budget.Scope scope) throws IOException {
      if (byId.isEmpty()) return;
      g.writeObjectFieldStart(scope.id());
      for (Map.Entry<String, double[]> e : byId.entrySet()) g.writeNumberField(e.getKey(), e.getValue()[0]);
      g.writeEndObject();
    }
  }

  /**
   * Cost of one key, team or project since {@code sinceMs}: from the chunks' cost summaries where
   * a whole chunk is in the range, from its records where the range starts inside it.
   */
  static double sumCost(Connection c, Budget.Scope scope, String id, long sinceMs) throws SQLException {
    double total = 0;
    // LIKE narrows the chunks to those that name the id (the JSON is checked exactly below)
    try (PreparedStatement ps = c.prepareStatement("SELECT ts_min, costs, data FROM usage_chunks WHERE ts_max >= ? AND costs LIKE ?")) {
      ps.setLong(1, sinceMs);
      // ids are the gateway's own (key_…, team_…); a % or _ in one would only widen the pre-filter
      ps.setString(2, "%\"" + id + "\"%");
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          if (r.getLong(1) >= sinceMs) {
            Map<String, Double> of = readCosts(r.getString(2)).get(scope.id());
            Double usd = of == null ? null : of.get(id);
            if (usd != null) total += usd;
          } else {
            for (RequestRecord rec : RecordChunk.decode(r.getBytes(3))) {
              if (rec.timestampMs() >= sinceMs && rec.costUsd() > 0 && id.equals(scopeId(rec, scope))) total += rec.costUsd();
            }
          }
        }
      }
    }
    return total;
  }

  private static Map<String, Map<String, Double>> readCosts(String json) {
    try {
      return Json.MAPPER.readValue(json, COSTS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String scopeId(RequestRecord r, Budget.Scope scope) {
    return switch (scope) {
      case KEY -> r.keyId();
      case TEAM -> r.teamId();
      case PROJECT -> r.projectId();
    };
  }

  static long count(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(records), 0) FROM usage_chunks"); ResultSet r = ps.executeQuery()) {
      return r.next() ? r.getLong(1) : 0L;
    }
  }

  /**
   * The records of {@code q}, oldest first (ties by request id), read chunk by chunk. Chunks
   * overlap a little in time (two event loops finish requests in a slightly different order than
   * their timestamps), so records wait in a heap until no chunk still to come can hold an older one.
   * The caller closes the statement by closing the iterator's connection's transaction.
   */
  static Iterator<RequestRecord> scan(Connection c, UsageQuery q) throws SQLException {
    PreparedStatement ps = c.prepareStatement("SELECT ts_min, data FROM usage_chunks WHERE ts_max >= ? AND ts_min < ? ORDER BY ts_min, id");
    ps.setFetchSize(50); // PostgreSQL streams with a cursor inside a transaction
    ps.setLong(1, q.fromMs());
    ps.setLong(2, q.toMs());
    ResultSet rs = ps.executeQuery();
    return new Iterator<>() {
      private final PriorityQueue<RequestRecord> heap = new PriorityQueue<>(ORDER);
      private final ArrayDeque<RequestRecord> ready = new ArrayDeque<>();
      private boolean more = true;

      @Override
      public boolean hasNext() {
        try {
          while (ready.isEmpty() && more) step();
        } catch (SQLException e) {
          throw new StoreException(StoreException.Kind.UNAVAILABLE, Database.rootMessage(e), e);
        }
        return !ready.isEmpty();
      }

      private void step() throws SQLException {
        if (!rs.next()) {
          more = false;
          rs.close();
          ps.close();
          while (!heap.isEmpty()) ready.add(heap.poll());
          return;
        }
        long nextMin = rs.getLong(1);
        // every chunk from here on starts at nextMin or later: older records are final
        while (!heap.isEmpty() && heap.peek().timestampMs() < nextMin) ready.add(heap.poll());
        for (RequestRecord r : RecordChunk.decode(rs.getBytes(2))) if (matches(q, r)) heap.add(r);
      }

      @Override
      public RequestRecord next() {
        if (!hasNext()) throw new NoSuchElementException();
        return ready.poll();
      }
    };
  }

  static final Comparator<RequestRecord> ORDER = Comparator.comparingLong(RequestRecord::timestampMs)
      .thenComparing(RequestRecord::requestId, Comparator.nullsFirst(Comparator.naturalOrder()));

  static boolean matches(UsageQuery q, RequestRecord r) {
    return r.timestampMs() >= q.fromMs() && r.timestampMs() < q.toMs()
        && (q.keyId() == null || q.keyId().equals(r.keyId()))
        && (q.teamId() == null || q.teamId().equals(r.teamId()))
        && (q.projectId() == null || q.projectId().equals(r.projectId()));
  }
}
