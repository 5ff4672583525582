package io.wanapis.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.wanapis.auth.Principal;
import io.wanapis.budget.Budget;
import io.wanapis.budget.BudgetBook;
import io.wanapis.budget.Period;
import io.wanapis.catalog.Catalog;
import io.wanapis.catalog.ModelInfo;
import io.wanapis.errors.ApiError;
import io.wanapis.json.Json;
import io.wanapis.keys.KeySecrets;
import io.wanapis.keys.KeyViews;
import io.wanapis.store.AuditEvent;
import io.wanapis.store.StoreExecutor;
import io.wanapis.usage.RequestRecord;
import io.wanapis.usage.UsageQuery;
import io.wanapis.usage.UsageReport;
import io.wanapis.usage.UsageSystem;
import io.wanapis.usage.UsageViews;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Usage issue: {@code /admin/usage} (reports and records), {@code /admin/budgets} and
 * {@code /admin/catalog}. Team admin keys see only their team's usage and budgets; only admins
 * change budgets and the catalog. Reads of the ledger run on the store's workers.
 */
final class UsageAdmin {
  private static final long DAY = 86_400_000L;

  private final UsageSystem usage;
  private final StoreExecutor executor;

  UsageAdmin(UsageSystem usage, StoreExecutor executor) {
    this.usage = usage;
    this.executor = executor;
  }

  static boolean handles(String what) {
    return "usage".equals(what) || "budgets".equals(what) || "catalog".equals(what);
  }

  Future<AdminApi.Reply> dispatch(AdminApi.Call c) {
    HttpMethod m = c.req().method();
    String what = c.segment(0);
    int n = c.path().size();
    if ("usage".equals(what) && n == 1 && m == HttpMethod.GET) return report(c);
    if ("usage".equals(what) && n == 2 && "records".equals(c.segment(1)) && m == HttpMethod.GET) return records(c);
    if ("budgets".equals(what) && n == 1 && m == HttpMethod.GET) return Future.succeededFuture(listBudgets(c));
    if ("budgets".equals(what) && n == 1 && m == HttpMethod.POST) return createBudget(c);
    if ("budgets".equals(what) && n == 2 && m == HttpMethod.DELETE) return deleteBudget(c, c.segment(1));
    if ("catalog".equals(what) && n == 1 && m == HttpMethod.GET) return Future.succeededFuture(listCatalog());
    if ("catalog".equals(what) && n >= 2) {
      String id = String.join("/", c.path().subList(1, n)); // ids may hold '/', e.g. openai/gpt-oss-120b
      if (m == HttpMethod.GET) return Future.succeededFuture(catalogEntry(id));
      if (m == HttpMethod.PUT) return putCatalog(c, id);
      if (m == HttpMethod.DELETE) return deleteCatalog(c, id);
    }
    return Future.failedFuture(ApiError.methodNotAllowed(m.name(), c.req().path()));
  }

  // ---------------------------------------------------------------- usage

  private UsageQuery query(AdminApi.Call c) {
    long now = System.currentTimeMillis();
    long to = time(c.query("to"), "to", Long.MAX_VALUE);
    long from = time(c.query("from"), "from", (to == Long.MAX_VALUE ? now : to) - 30 * DAY);
    if (from >= to) throw AdminErrors.invalid("'from' must be before 'to'");
    String team = c.query("team");
    String scope = AdminAccess.teamScope(c.principal());
    if (scope != null) {
      if (team != null && !team.equals(scope)) AdminAccess.requireTeam(c.principal(), team);
      team = scope;
    }
    return new UsageQuery(from, to, c.query("key"), team, c.query("project"));
  }

  /** ISO instant ({@code 2026-11-01T00:00:00Z}), a date ({@code 2026-11-01}, UTC midnight) or epoch millis. */
  static long time(String v, String name, long dflt) {
    if (v == null || v.isBlank()) return dflt;
    try {
      if (v.chars().allMatch(Character::isDigit)) return Long.parseLong(v);
      if (v.length() == 10) return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      return Instant.parse(v).toEpochMilli();
    } catch (RuntimeException e) {
      throw AdminErrors.invalid("'" + name + "' must be an ISO-8601 instant, a date (YYYY-MM-DD) or epoch milliseconds, not '" + v + "'");
    }
  }

  private Future<AdminApi.Reply> report(AdminApi.Call c) {
    UsageQuery q = query(c);
    String gb = c.query("group_by");
    List<String> groupBy = gb == null || gb.isBlank() ? List.of("model") : Arrays.stream(gb.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    UsageReport rep;
    try {
      rep = new UsageReport(groupBy);
    } catch (IllegalArgumentException e) {
      throw AdminErrors.invalid(e.getMessage());
    }
    boolean csv = "csv".equalsIgnoreCase(c.query("format"))
        || (c.query("format") == null && String.valueOf(c.req().getHeader("accept")).contains("text/csv"));
    return executor.run(() -> {
      usage.store().scanUsage(q, rep);
      if (csv) return new AdminApi.Reply(200, null, "text/csv; charset=utf-8", UsageViews.csv(rep).getBytes(StandardCharsets.UTF_8));
      return AdminApi.Reply.ok(UsageViews.report(rep, q.fromMs(), q.toMs()));
    });
  }

  /** The newest {@code limit} records of the range (default 100, at most 1000), newest first. */
  private Future<AdminApi.Reply> records(AdminApi.Call c) {
    UsageQuery q = query(c);
    int limit = (int) Math.min(1000, Math.max(1, time(c.query("limit"), "limit", 100)));
    return executor.run(() -> {
      Deque<RequestRecord> last = new ArrayDeque<>(limit);
      usage.store().scanUsage(q, r -> {
        if (last.size() == limit) last.removeFirst();
        last.addLast(r);
      });
      ObjectNode root = Json.MAPPER.createObjectNode();
      root.put("object", "list");
      ArrayNode data = root.putArray("data");
      last.descendingIterator().forEachRemaining(r -> data.add(UsageViews.record(r)));
      return AdminApi.Reply.ok(root);
    });
  }

  // ---------------------------------------------------------------- budgets

  private AdminApi.Reply listBudgets(AdminApi.Call c) {
    Principal p = c.principal();
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    for (BudgetBook.View v : usage.budgets().views()) {
      if (!p.admin() && !visible(p, v.budget())) continue;
      data.add(view(v));
    }
    return AdminApi.Reply.ok(root);
  }

  /** A team admin sees its team's budget and the budgets of its team's keys. */
  private boolean visible(Principal p, Budget b) {
    if (p.teamId() == null) return false;
    return switch (b.scope()) {
      case TEAM -> p.teamId().equals(b.targetId());
      case KEY -> p.teamId().equals(usage.runtime().metering().attribution(b.targetId()).teamId());
      case PROJECT -> false;
    };
  }

  static ObjectNode view(BudgetBook.View v) {
    Budget b = v.budget();
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", b.id());
    o.put("object", "budget");
    o.put("scope", b.scope().id());
    o.put(b.scope().id(), b.targetId());
    o.put("period", b.period().id());
    o.put("limit_usd", b.limitUsd());
    o.put("hard", b.hard());
    ArrayNode th = o.putArray("alert_thresholds");
    b.thresholds().forEach(th::add);
    o.put("source", b.source());
    o.put("period_start", KeyViews.iso(v.periodStart()));
    o.put("resets_at", v.periodEnd() == Long.MAX_VALUE ? null : KeyViews.iso(v.periodEnd()));
    o.put("spent_usd", v.spentUsd());
    o.put("reserved_usd", v.reservedUsd());
    o.put("remaining_usd", Math.max(0, b.limitUsd() - v.spentUsd() - v.reservedUsd()));
    ArrayNode al = o.putArray("alerted");
    v.alerted().forEach(al::add);
    return o;
  }

  private Future<AdminApi.Reply> createBudget(AdminApi.Call c) {
    AdminAccess.requireAdmin(c.principal(), "creating a budget");
    JsonNode body = c.body();
    String key = AdminBodies.text(body, "key", false), team = AdminBodies.text(body, "team", false), project = AdminBodies.text(body, "project", false);
    int targets = (key != null ? 1 : 0) + (team != null ? 1 : 0) + (project != null ? 1 : 0);
    if (targets != 1) throw AdminErrors.invalid("set exactly one of 'key', 'team' or 'project'");
    JsonNode limit = body.get("limit_usd");
    if (limit == null || !limit.isNumber() || limit.asDouble() <= 0) throw AdminErrors.invalid("'limit_usd' must be a number above 0");
    Period period;
    List<Integer> thresholds;
    try {
      period = Period.parse(body.path("period").asText("month"));
      thresholds = body.has("alert_thresholds") ? thresholds(body.get("alert_thresholds")) : usage.settings().defaultThresholds();
    } catch (IllegalArgumentException e) {
      throw AdminErrors.invalid(e.getMessage());
    }
    boolean hard = !body.has("hard") || body.get("hard").asBoolean(true);
    return executor.run(() -> {
      Budget.Scope scope;
      String target;
      if (key != null) {
        scope = Budget.Scope.KEY;
        target = usage.store().findKey(key).orElseThrow(() -> AdminErrors.invalid("Key '" + key + "' does not exist")).id();
      } else if (team != null) {
        scope = Budget.Scope.TEAM;
        target = usage.store().findTeam(team).orElseThrow(() -> AdminErrors.invalid("Team '" + team + "' does not exist")).id();
      } else {
        scope = Budget.Scope.PROJECT;
        target = usage.store().findProject(project, null).orElseThrow(() -> AdminErrors.invalid("Project '" + project + "' does not exist")).id();
      }
      Budget b;
      try {
        b = new Budget(KeySecrets.newId("bud"), scope, target, period, limit.asDouble(), hard, thresholds, "admin");
      } catch (IllegalArgumentException e) {
        throw AdminErrors.invalid(e.getMessage());
      }
      usage.store().putBudget(b, new AuditEvent(c.actor(), "budget.create", "budget", b.id(), null, json(b)));
      double spent = usage.store().sumCost(scope, target, period.start(System.currentTimeMillis()));
      usage.budgets().put(b, spent);
      BudgetBook.View v = usage.budgets().views().stream().filter(x -> x.budget().id().equals(b.id())).findFirst().orElseThrow();
      return new AdminApi.Reply(201, view(v));
    });
  }

  private Future<AdminApi.Reply> deleteBudget(AdminApi.Call c, String id) {
    AdminAccess.requireAdmin(c.principal(), "deleting a budget");
    BudgetBook.View v = usage.budgets().views().stream().filter(x -> x.budget().id().equals(id)).findFirst()
        .orElseThrow(() -> AdminErrors.notFound("Budget '" + id + "' does not exist"));
    if (!"admin".equals(v.budget().source())) {
      throw AdminErrors.invalid("Budget '" + id + "' comes from the " + v.budget().source() + "; change it there");
    }
    return executor.run(() -> {
      usage.store().deleteBudget(id, new AuditEvent(c.actor(), "budget.delete", "budget", id, json(v.budget()), null));
      usage.budgets().remove(id);
      return AdminApi.Reply.ok(Json.MAPPER.createObjectNode().put("id", id).put("object", "budget").put("deleted", true));
    });
  }

  private static List<Integer> thresholds(JsonNode v) {
    if (!v.isArray()) throw new IllegalArgumentException("'alert_thresholds' must be an array of whole percentages");
    List<Integer> out = new java.util.ArrayList<>();
    for (JsonNode e : v) {
      if (!e.canConvertToInt() || !e.isIntegralNumber()) throw new IllegalArgumentException("'alert_thresholds' must be an array of whole percentages");
      out.add(e.asInt());
    }
    return out;
  }

  private static JsonNode json(Budget b) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", b.id()).put("scope", b.scope().id()).put("target", b.targetId()).put("period", b.period().id())
        .put("limit_usd", b.limitUsd()).put("hard", b.hard());
    return o;
  }

  // ---------------------------------------------------------------- catalog

  private AdminApi.Reply listCatalog() {
    Catalog cat = usage.catalog();
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("object", "list");
    root.put("prices_as_of", cat.pricesAsOf());
    ArrayNode data = root.putArray("data");
    for (ModelInfo m : cat.all()) data.add(entry(cat, m));
    return AdminApi.Reply.ok(root);
  }

  private AdminApi.Reply catalogEntry(String id) {
    ModelInfo m = usage.catalog().get(id);
    if (m == null) throw AdminErrors.notFound("Model '" + id + "' is not in the catalog");
    return AdminApi.Reply.ok(entry(usage.catalog(), m));
  }

  private static ObjectNode entry(Catalog cat, ModelInfo m) {
    ObjectNode o = (ObjectNode) Catalog.toTree(m);
    o.put("object", "catalog_entry");
    o.put("source", cat.source(m.id()));
    return o;
  }

  private Future<AdminApi.Reply> putCatalog(AdminApi.Call c, String id) {
    AdminAccess.requireAdmin(c.principal(), "changing the catalog");
    ModelInfo m;
    try {
      m = Catalog.fromTree(c.body()).withId(id);
    } catch (IllegalArgumentException e) {
      throw AdminErrors.invalid(e.getMessage());
    }
    for (Double p : new Double[] {m.inputPerMtok(), m.outputPerMtok(), m.cachedInputPerMtok(), m.cacheWritePerMtok(), m.perImage(), m.perSecond()}) {
      if (p != null && p < 0) throw AdminErrors.invalid("prices cannot be negative");
    }
    ModelInfo entry = m;
    return executor.run(() -> {
      ModelInfo before = usage.catalog().adminEntries().get(id);
      usage.store().putCatalogEntry(entry, new AuditEvent(c.actor(), before == null ? "catalog.create" : "catalog.update", "catalog", id,
          before == null ? null : Catalog.toTree(before), Catalog.toTree(entry)));
      usage.catalog().setAdminEntries(usage.store().listCatalogEntries());
      return new AdminApi.Reply(before == null ? 201 : 200, entry(usage.catalog(), usage.catalog().get(id)));
    });
  }

  private Future<AdminApi.Reply> deleteCatalog(AdminApi.Call c, String id) {
    AdminAccess.requireAdmin(c.principal(), "changing the catalog");
    return executor.run(() -> {
      ModelInfo before = usage.catalog().adminEntries().get(id);
      if (before == null) throw AdminErrors.notFound("Model '" + id + "' has no entry set through the admin API");
      usage.store().deleteCatalogEntry(id, new AuditEvent(c.actor(), "catalog.delete", "catalog", id, Catalog.toTree(before), null));
      usage.catalog().setAdminEntries(usage.store().listCatalogEntries());
      return AdminApi.Reply.ok(Json.MAPPER.createObjectNode().put("id", id).put("object", "catalog_entry").put("deleted", true));
    });
  }

}
