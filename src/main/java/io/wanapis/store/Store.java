package io.wanapis.store;

import io.wanapis.keys.Project;
import io.wanapis.keys.Team;
import io.wanapis.keys.VirtualKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the gateway keeps across restarts, behind one interface with two homes: an SQLite
 * file (embedded default) and PostgreSQL ({@link JdbcStore} with a {@link Dialect}).
 *
 * <p>All methods block: call them on the store's worker pool ({@link StoreExecutor}), never on an
 * event loop. Every write takes the {@link AuditEvent} that describes it and appends it in the
 * same transaction, so there is never a change without its audit entry or the other way round.
 * Failures are {@link StoreException}s.
 */
public interface Store extends AutoCloseable {
  Dialect dialect();

  Team createTeam(Team team, AuditEvent audit);
  List<Team> listTeams();
  /** By id, or else by name. */
  Optional<Team> findTeam(String idOrName);

  Project createProject(Project project, AuditEvent audit);
  List<Project> listProjects(String teamIdOrNull);
  /** By id, or else by name inside the given team (when not null). */
  Optional<Project> findProject(String idOrName, String teamIdOrNull);

  /** Quotas issue: replaces a team's (or project's) plan and limit overrides; NOT_FOUND if it is gone. */
  void updateTeamLimits(String teamId, io.wanapis.keys.Limits limits, AuditEvent audit);
  void updateProjectLimits(String projectId, io.wanapis.keys.Limits limits, AuditEvent audit);

  /** Quotas issue: plans defined over the admin API (the config's plans are not stored). */
  List<io.wanapis.limits.Plan> listPlans();
  void putPlan(io.wanapis.limits.Plan plan, AuditEvent audit);
  boolean deletePlan(String name, AuditEvent audit);

  void createKey(VirtualKey key, String secretHash, AuditEvent audit);
  /** Replaces every field but {@code last_used_at} and {@code created_at}; NOT_FOUND if the key is gone. */
  void updateKey(VirtualKey key, AuditEvent audit);
  /** Adds {@code newHash} as the current secret; every other live secret of the key stops working at {@code oldNotAfter}. */
  void rotateKey(VirtualKey updated, String newHash, long oldNotAfter, AuditEvent audit);
  Optional<VirtualKey> findKey(String id);
  List<VirtualKey> listKeys(String teamIdOrNull);
  List<KeySecretRow> liveSecrets(long now);
  List<KeySecretRow> liveSecrets(String keyId, long now);
  /** Batched, not audited: key id to epoch millis; never moves a time backwards. */
  void touchLastUsed(Map<String, Long> lastUsed);

  void putCredential(StoredCredential credential, AuditEvent audit);
  List<StoredCredential> listCredentials();
  Optional<StoredCredential> findCredential(String name);
  void deleteCredential(String name, AuditEvent audit);

  /** Entries with seq greater than {@code afterSeq}, oldest first. */
  List<AuditEntry> audit(long afterSeq, int limit);
  /** The chain head: seq and hash of the last entry as the store recorded it. */
  AuditHead head();
  /** Reads the whole log and checks the chain against the head. */
  AuditChain.Result verifyAudit();

  // usage issue: the ledger, budgets and catalog entries (see JdbcUsage)

  /**
   * Appends a batch of ledger records in the given format (docs/usage.md). Retrying a batch as it
   * was never counts it twice: a row per request skips request ids already stored, a chunk skips
   * a chunk id (first id, size, last id) already stored. Returns how many records were new.
   */
  int insertUsage(java.util.List<io.wanapis.usage.RequestRecord> batch, LedgerFormat format);
  /** {@link #insertUsage(java.util.List, LedgerFormat)} in the default format (chunks). */
  default int insertUsage(java.util.List<io.wanapis.usage.RequestRecord> batch) {
    return insertUsage(batch, LedgerFormat.CHUNKS);
  }
  /** Streams the matching records of both formats, oldest first (ties by request id). */
  void scanUsage(io.wanapis.usage.UsageQuery query, java.util.function.Consumer<io.wanapis.usage.RequestRecord> sink);
  double sumCost(io.wanapis.budget.Budget.Scope scope, String id, long sinceMs);
  long countUsage();
  void putBudget(io.wanapis.budget.Budget budget, AuditEvent audit);
  boolean deleteBudget(String id, AuditEvent audit);
  List<io.wanapis.budget.Budget> listBudgets();
  void putCatalogEntry(io.wanapis.catalog.ModelInfo entry, AuditEvent audit);
  boolean deleteCatalogEntry(String id, AuditEvent audit);
  List<io.wanapis.catalog.ModelInfo> listCatalogEntries();

  @Override
  void close();
}
