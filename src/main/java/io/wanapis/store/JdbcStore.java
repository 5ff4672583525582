package io.wanapis.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.wanapis.json.Json;
import io.wanapis.keys.KeyRole;
import io.wanapis.keys.KeyStatus;
import io.wanapis.keys.Limits;
import io.wanapis.keys.Project;
import io.wanapis.keys.Team;
import io.wanapis.keys.VirtualKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@link Store} on JDBC; the same statements serve SQLite and PostgreSQL. */
public final class JdbcStore implements Store {
  private static final String KEY_COLUMNS = "id, name, display_prefix, role, team_id, project_id, owner, models, endpoints, status, "
      + "expires_at, created_at, updated_at, last_used_at, metadata, rpm_limit, tpm_limit, max_budget, budget_period, quota";

  private final Database db;
  private final Clock clock;
  private final JdbcUsage usage; // usage issue

  /** Milliseconds since the epoch; a parameter so tests can move time. */
  @FunctionalInterface
  public interface Clock {
    long millis();
  }

  public JdbcStore(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
    this.usage = new JdbcUsage(db, this);
  }

  public JdbcStore(Database db) {
    this(db, System::currentTimeMillis);
  }

  @Override
  public Dialect dialect() { return db.dialect(); }

  public Database database() { return db; }

  // ------------------------------------------------------------------ teams and projects

  @Override
  public Team createTeam(Team t, AuditEvent audit) {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO teams (id, name, metadata, created_at, quota) VALUES (?, ?, ?, ?, ?)")) {
        ps.setString(1, t.id());
        ps.setString(2, t.name());
        ps.setString(3, json(t.metadata()));
        ps.setLong(4, t.createdAt());
        ps.setString(5, io.wanapis.keys.LimitsJson.write(t.limits()));
        ps.executeUpdate();
      }
      appendAudit(c, audit);
      return t;
    });
  }

  @Override
  public List<Team> listTeams() {
    return db.inTransaction(c -> query(c, "SELECT id, name, metadata, created_at, quota FROM teams ORDER BY created_at, id", JdbcStore::team));
  }

  @Override
  public Optional<Team> findTeam(String idOrName) {
    return db.inTransaction(c -> {
      List<Team> byId = query(c, "SELECT id, name, metadata, created_at, quota FROM teams WHERE id = ?", JdbcStore::team, idOrName);
      if (!byId.isEmpty()) return Optional.of(byId.get(0));
      return query(c, "SELECT id, name, metadata, created_at, quota FROM teams WHERE name = ?", JdbcStore::team, idOrName).stream().findFirst();
    });
  }

  @Override
  public Project createProject(Project p, AuditEvent audit) {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO projects (id, team_id, name, metadata, created_at, quota) VALUES (?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, p.id());
        ps.setString(2, p.teamId());
        ps.setString(3, p.name());
        ps.setString(4, json(p.metadata()));
        ps.setLong(5, p.createdAt());
        ps.setString(6, io.wanapis.keys.LimitsJson.write(p.limits()));
        ps.executeUpdate();
      }
      appendAudit(c, audit);
      return p;
    });
  }

  @Override
  public List<Project> listProjects(String teamId) {
    String sql = "SELECT id, team_id, name, metadata, created_at, quota FROM projects"
        + (teamId == null ? "" : " WHERE team_id = ?") + " ORDER BY created_at, id";
    return db.inTransaction(c -> teamId == null ? query(c, sql, JdbcStore::project) : query(c, sql, JdbcStore::project, teamId));
  }

  @Override
  public Optional<Project> findProject(String idOrName, String teamId) {
    return db.inTransaction(c -> {
      List<Project> byId = query(c, "SELECT id, team_id, name, metadata, created_at, quota FROM projects WHERE id = ?", JdbcStore::project, idOrName);
      if (!byId.isEmpty() || teamId == null) return byId.stream().findFirst();
      return query(c, "SELECT id, team_id, name, metadata, created_at, quota FROM projects WHERE name = ? AND team_id = ?",
          JdbcStore::project, idOrName, teamId).stream().findFirst();
    });
  }

  // ------------------------------------------------------------------ quotas: limits of teams and projects, plans

  @Override
  public void updateTeamLimits(String teamId, Limits limits, AuditEvent audit) {
    updateQuota("teams", teamId, limits, audit);
  }

  @Override
  public void updateProjectLimits(String projectId, Limits limits, AuditEvent audit) {
    updateQuota("projects", projectId, limits, audit);
  }

  private void updateQuota(String table, String id, Limits limits, AuditEvent audit) {
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET quota = ? WHERE id = ?")) {
        ps.setString(1, io.wanapis.keys.LimitsJson.write(limits));
        ps.setString(2, id);
        if (ps.executeUpdate() != 1) throw new StoreException(StoreException.Kind.NOT_FOUND, table + " row " + id + " does not exist", null);
      }
      appendAudit(c, audit);
      return null;
    });
  }

  @Override
  public List<io.wanapis.limits.Plan> listPlans() {
    return db.inTransaction(c -> query(c, "SELECT definition FROM plans ORDER BY name", r -> io.wanapis.limits.Plan.read(r.getString(1))));
  }

  @Override
  public void putPlan(io.wanapis.limits.Plan plan, AuditEvent audit) {
    db.inTransaction(c -> {
      long now = clock.millis();
      int n;
      try (PreparedStatement ps = c.prepareStatement("UPDATE plans SET definition = ?, updated_at = ? WHERE name = ?")) {
        ps.setString(1, plan.write());
        ps.setLong(2, now);
        ps.setString(3, plan.name());
        n = ps.executeUpdate();
      }
      if (n == 0) {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO plans (name, definition, created_at, updated_at) VALUES (?, ?, ?, ?)")) {
          ps.setString(1, plan.name());
          ps.setString(2, plan.write());
          ps.setLong(3, now);
          ps.setLong(4, now);
          ps.executeUpdate();
        }
      }
      appendAudit(c, audit);
      return null;
    });
  }

  @Override
  public boolean deletePlan(String name, AuditEvent audit) {
    return db.inTransaction(c -> {
      int n;
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM plans WHERE name = ?")) {
        ps.setString(1, name);
        n = ps.executeUpdate();
      }
      if (n > 0) appendAudit(c, audit);
      return n > 0;
    });
  }

  // ------------------------------------------------------------------ keys

  @Override
  public void createKey(VirtualKey k, String secretHash, AuditEvent audit) {
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO virtual_keys (" + KEY_COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        int i = bindKeyFields(ps, k, 1);
        ps.setLong(i++, k.createdAt());
        ps.setLong(i++, k.updatedAt());
        setLong(ps, i++, k.lastUsedAt());
        bindTail(ps, k, i);
        ps.executeUpdate();
      }
      insertSecret(c, secretHash, k.id(), k.createdAt());
      appendAudit(c, audit);
      return null;
    });
  }

  @Override
  public void updateKey(VirtualKey k, AuditEvent audit) {
    db.inTransaction(c -> {
      updateKeyRow(c, k);
      appendAudit(c, audit);
      return null;
    });
  }

  @Override
  public void rotateKey(VirtualKey k, String newHash, long oldNotAfter, AuditEvent audit) {
    db.inTransaction(c -> {
      updateKeyRow(c, k);
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE key_secrets SET not_after = ? WHERE key_id = ? AND (not_after IS NULL OR not_after > ?)")) {
        ps.setLong(1, oldNotAfter);
        ps.setString(2, k.id());
        ps.setLong(3, oldNotAfter);
        ps.executeUpdate();
      }
      insertSecret(c, newHash, k.id(), k.updatedAt());
      appendAudit(c, audit);
      return null;
    });
  }

  private void updateKeyRow(Connection c, VirtualKey k) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE virtual_keys SET id = ?, name = ?, display_prefix = ?, role = ?, "
        + "team_id = ?, project_id = ?, owner = ?, models = ?, endpoints = ?, status = ?, expires_at = ?, updated_at = ?, "
        + "metadata = ?, rpm_limit = ?, tpm_limit = ?, max_budget = ?, budget_period = ?, quota = ? WHERE id = ?")) {
      int i = bindKeyFields(ps, k, 1);
      ps.setLong(i++, k.updatedAt());
      i = bindTail(ps, k, i);
      ps.setString(i, k.id());
      if (ps.executeUpdate() != 1) throw new StoreException(StoreException.Kind.NOT_FOUND, "key " + k.id() + " does not exist", null);
    }
  }

  /** id .. expires_at: the first 11 columns. */
  private static int bindKeyFields(PreparedStatement ps, VirtualKey k, int i) throws SQLException {
    ps.setString(i++, k.id());
    ps.setString(i++, k.name());
    ps.setString(i++, k.displayPrefix());
    ps.setString(i++, k.role().id());
    ps.setString(i++, k.teamId());
    ps.setString(i++, k.projectId());
    ps.setString(i++, k.owner());
    ps.setString(i++, json(k.models()));
    ps.setString(i++, json(k.endpoints().stream().sorted().toList()));
    ps.setString(i++, k.status().id());
    setLong(ps, i++, k.expiresAt());
    return i;
  }

  /** metadata and the limits. */
  private static int bindTail(PreparedStatement ps, VirtualKey k, int i) throws SQLException {
    Limits l = k.limits();
    ps.setString(i++, json(k.metadata()));
    if (l.rpm() == null) ps.setNull(i++, Types.INTEGER);
    else ps.setInt(i++, l.rpm());
    setLong(ps, i++, l.tpm());
    if (l.maxBudget() == null) ps.setNull(i++, Types.NUMERIC);
    else ps.setBigDecimal(i++, l.maxBudget());
    ps.setString(i++, l.budgetPeriod());
    ps.setString(i++, io.wanapis.keys.LimitsJson.write(l)); // quotas issue: plan, daily, concurrency, per-model
    return i;
  }

  private static void insertSecret(Connection c, String hash, String keyId, long at) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO key_secrets (secret_hash, key_id, created_at, not_after) VALUES (?, ?, ?, NULL)")) {
      ps.setString(1, hash);
      ps.setString(2, keyId);
      ps.setLong(3, at);
      ps.executeUpdate();
    }
  }

  @Override
  public Optional<VirtualKey> findKey(String id) {
    return db.inTransaction(c -> query(c, "SELECT " + KEY_COLUMNS + " FROM virtual_keys WHERE id = ?", JdbcStore::key, id).stream().findFirst());
  }

  @Override
  public List<VirtualKey> listKeys(String teamId) {
    String sql = "SELECT " + KEY_COLUMNS + " FROM virtual_keys" + (teamId == null ? "" : " WHERE team_id = ?") + " ORDER BY created_at, id";
    return db.inTransaction(c -> teamId == null ? query(c, sql, JdbcStore::key) : query(c, sql, JdbcStore::key, teamId));
  }

  @Override
  public List<KeySecretRow> liveSecrets(long now) {
    return db.inTransaction(c -> query(c, "SELECT secret_hash, key_id, created_at, not_after FROM key_secrets "
        + "WHERE not_after IS NULL OR not_after > ?", JdbcStore::secret, now));
  }

  @Override
  public List<KeySecretRow> liveSecrets(String keyId, long now) {
    return db.inTransaction(c -> query(c, "SELECT secret_hash, key_id, created_at, not_after FROM key_secrets "
        + "WHERE key_id = ? AND (not_after IS NULL OR not_after > ?)", JdbcStore::secret, keyId, now));
  }

  @Override
  public void touchLastUsed(Map<String, Long> lastUsed) {
    if (lastUsed.isEmpty()) return;
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE virtual_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)")) {
        for (Map.Entry<String, Long> e : lastUsed.entrySet()) {
          ps.setLong(1, e.getValue());
          ps.setString(2, e.getKey());
          ps.setLong(3, e.getValue());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  // ------------------------------------------------------------------ credentials

  @Override
  public void putCredential(StoredCredential cr, AuditEvent audit) {
    db.inTransaction(c -> {
      int n;
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE provider_credentials SET provider = ?, enc_key_id = ?, nonce = ?, ciphertext = ?, updated_at = ? WHERE name = ?")) {
        ps.setString(1, cr.provider());
        ps.setString(2, cr.sealed().keyId());
        ps.setString(3, cr.sealed().nonce());
        ps.setString(4, cr.sealed().ciphertext());
        ps.setLong(5, cr.updatedAt());
        ps.setString(6, cr.name());
        n = ps.executeUpdate();
      }
      if (n == 0) {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO provider_credentials "
            + "(name, provider, enc_key_id, nonce, ciphertext, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
          ps.setString(1, cr.name());
          ps.setString(2, cr.provider());
          ps.setString(3, cr.sealed().keyId());
          ps.setString(4, cr.sealed().nonce());
          ps.setString(5, cr.sealed().ciphertext());
          ps.setLong(6, cr.createdAt());
          ps.setLong(7, cr.updatedAt());
          ps.executeUpdate();
        }
      }
      appendAudit(c, audit);
      return null;
    });
  }

  @Override
  public List<StoredCredential> listCredentials() {
    return db.inTransaction(c -> query(c, "SELECT name, provider, enc_key_id, nonce, ciphertext, created_at, updated_at "
        + "FROM provider_credentials ORDER BY name", JdbcStore::credential));
  }

  @Override
  public Optional<StoredCredential> findCredential(String name) {
    return db.inTransaction(c -> query(c, "SELECT name, provider, enc_key_id, nonce, ciphertext, created_at, updated_at "
        + "FROM provider_credentials WHERE name = ?", JdbcStore::credential, name).stream().findFirst());
  }

  @Override
  public void deleteCredential(String name, AuditEvent audit) {
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM provider_credentials WHERE name = ?")) {
        ps.setString(1, name);
        if (ps.executeUpdate() != 1) throw new StoreException(StoreException.Kind.NOT_FOUND, "credential '" + name + "' does not exist", null);
      }
      appendAudit(c, audit);
      return null;
    });
  }

  // ------------------------------------------------------------------ audit

  /**
   * Appends in the caller's transaction. Updating the head row first takes the lock that orders
   * concurrent appends (a row lock on PostgreSQL, the database write lock on SQLite).
   */
  void appendAudit(Connection c, AuditEvent e) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE audit_head SET seq = seq + 1 WHERE id = 1")) {
      ps.executeUpdate();
    }
    AuditHead head = readHead(c);
    long seq = head.seq();
    String prev = seq == 1 ? AuditChain.GENESIS : head.hash();
    long at = clock.millis();
    Actor a = e.actor();
    String before = e.before() == null ? null : e.before().toString();
    String after = e.after() == null ? null : e.after().toString();
    String hash = AuditChain.hash(prev, seq, at, a.keyId(), a.role(), e.action(), e.targetType(), e.targetId(),
        a.sourceIp(), a.requestId(), before, after);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log (seq, at, actor, actor_role, action, target_type, "
        + "target_id, source_ip, request_id, before_json, after_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, seq);
      ps.setLong(2, at);
      ps.setString(3, a.keyId());
      ps.setString(4, a.role());
      ps.setString(5, e.action());
      ps.setString(6, e.targetType());
      ps.setString(7, e.targetId());
      ps.setString(8, a.sourceIp());
      ps.setString(9, a.requestId());
      ps.setString(10, before);
      ps.setString(11, after);
      ps.setString(12, prev);
      ps.setString(13, hash);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement("UPDATE audit_head SET hash = ? WHERE id = 1")) {
      ps.setString(1, hash);
      ps.executeUpdate();
    }
  }

  private static AuditHead readHead(Connection c) throws SQLException {
    return query(c, "SELECT seq, hash FROM audit_head WHERE id = 1", r -> new AuditHead(r.getLong(1), r.getString(2))).get(0);
  }

  @Override
  public List<AuditEntry> audit(long afterSeq, int limit) {
    return db.inTransaction(c -> query(c, "SELECT seq, at, actor, actor_role, action, target_type, target_id, source_ip, "
        + "request_id, before_json, after_json, prev_hash, hash FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
        JdbcStore::auditEntry, afterSeq, limit));
  }

  @Override
  public AuditHead head() {
    return db.inTransaction(JdbcStore::readHead);
  }

  @Override
  public AuditChain.Result verifyAudit() {
    return db.inTransaction(c -> {
      AuditHead head = readHead(c);
      List<AuditEntry> all = query(c, "SELECT seq, at, actor, actor_role, action, target_type, target_id, source_ip, "
          + "request_id, before_json, after_json, prev_hash, hash FROM audit_log ORDER BY seq", JdbcStore::auditEntry);
      return AuditChain.verify(all, head.seq(), head.seq() == 0 ? null : head.hash());
    });
  }

  @Override
  public void close() {
    db.close();
  }

  // ------------------------------------------------------------------ usage issue: ledger, budgets, catalog

  @Override
  public int insertUsage(List<io.wanapis.usage.RequestRecord> batch, LedgerFormat format) { return usage.insert(batch, format); }

  @Override
  public void scanUsage(io.wanapis.usage.UsageQuery q, java.util.function.Consumer<io.wanapis.usage.RequestRecord> sink) { usage.scan(q, sink); }

  @Override
  public double sumCost(io.wanapis.budget.Budget.Scope scope, String id, long sinceMs) { return usage.sumCost(scope, id, sinceMs); }

  @Override
  public long countUsage() { return usage.count(); }

  @Override
  public void putBudget(io.wanapis.budget.Budget b, AuditEvent audit) { usage.putBudget(b, clock.millis(), audit); }

  @Override
  public boolean deleteBudget(String id, AuditEvent audit) { return usage.deleteBudget(id, audit); }

  @Override
  public List<io.wanapis.budget.Budget> listBudgets() { return usage.listBudgets(); }

  @Override
  public void putCatalogEntry(io.wanapis.catalog.ModelInfo m, AuditEvent audit) { usage.putCatalogEntry(m, clock.millis(), audit); }

  @Override
  public boolean deleteCatalogEntry(String id, AuditEvent audit) { return usage.deleteCatalogEntry(id, audit); }

  @Override
  public List<io.wanapis.catalog.ModelInfo> listCatalogEntries() { return usage.listCatalogEntries(); }

  // ------------------------------------------------------------------ mapping

  @FunctionalInterface
  private interface Row<T> {
    T map(ResultSet r) throws SQLException;
  }

  private static <T> List<T> query(Connection c, String sql, Row<T> row, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        if (params[i] instanceof Long l) ps.setLong(i + 1, l);
        else if (params[i] instanceof Integer n) ps.setInt(i + 1, n);
        else ps.setString(i + 1, (String) params[i]);
      }
      try (ResultSet r = ps.executeQuery()) {
        List<T> out = new ArrayList<>();
        while (r.next()) out.add(row.map(r));
        return out;
      }
    }
  }

  private static Team team(ResultSet r) throws SQLException {
    return new Team(r.getString(1), r.getString(2), map(r.getString(3)), r.getLong(4), io.wanapis.keys.LimitsJson.read(r.getString(5)));
  }

  private static Project project(ResultSet r) throws SQLException {
    return new Project(r.getString(1), r.getString(2), r.getString(3), map(r.getString(4)), r.getLong(5),
        io.wanapis.keys.LimitsJson.read(r.getString(6)));
  }

  private static VirtualKey key(ResultSet r) throws SQLException {
    Integer rpm = (Integer) nullable(r, 16, r.getInt(16));
    Long tpm = (Long) nullable(r, 17, r.getLong(17));
    BigDecimal budget = r.getBigDecimal(18);
    if (budget != null) budget = budget.stripTrailingZeros();
    return new VirtualKey(r.getString(1), r.getString(2), r.getString(3), KeyRole.parse(r.getString(4)), r.getString(5),
        r.getString(6), r.getString(7), strings(r.getString(8)), new LinkedHashSet<>(strings(r.getString(9))),
        KeyStatus.parse(r.getString(10)), (Long) nullable(r, 11, r.getLong(11)), r.getLong(12), r.getLong(13),
        (Long) nullable(r, 14, r.getLong(14)), map(r.getString(15)), keyLimits(rpm, tpm, budget, r.getString(19), r.getString(20)));
  }

  /** The columns win for rpm, tpm and the budget (written before the quota column existed). */
  private static Limits keyLimits(Integer rpm, Long tpm, BigDecimal budget, String period, String quota) {
    Limits q = io.wanapis.keys.LimitsJson.read(quota);
    return new Limits(rpm, tpm, budget, period, q.plan(), q.rpd(), q.tpd(), q.maxConcurrent(), q.maxTokens(), q.models());
  }

  private static KeySecretRow secret(ResultSet r) throws SQLException {
    return new KeySecretRow(r.getString(1), r.getString(2), r.getLong(3), (Long) nullable(r, 4, r.getLong(4)));
  }

  private static StoredCredential credential(ResultSet r) throws SQLException {
    return new StoredCredential(r.getString(1), r.getString(2), new SecretBox.Sealed(r.getString(3), r.getString(4), r.getString(5)),
        r.getLong(6), r.getLong(7));
  }

  private static AuditEntry auditEntry(ResultSet r) throws SQLException {
    return new AuditEntry(r.getLong(1), r.getLong(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6),
        r.getString(7), r.getString(8), r.getString(9), r.getString(10), r.getString(11), r.getString(12), r.getString(13));
  }

  /** JDBC returns 0 for SQL NULL numbers; wasNull tells them apart. Must be called right after the get. */
  private static Object nullable(ResultSet r, int col, Object value) throws SQLException {
    return r.wasNull() ? null : value;
  }

  private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
    if (v == null) ps.setNull(i, Types.BIGINT);
    else ps.setLong(i, v);
  }

  private static String json(Object o) {
    try {
      return Json.MAPPER.writeValueAsString(o == null ? Map.of() : o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> map(String s) {
    try {
      return Json.MAPPER.readValue(s, new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> strings(String s) {
    try {
      return List.copyOf(Json.MAPPER.readValue(s, new TypeReference<List<String>>() {}));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
