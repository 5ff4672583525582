package io.wanapis.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.wanapis.errors.ApiError;
import io.wanapis.json.Json;
import io.wanapis.keys.KeyViews;
import io.wanapis.keys.KeysRuntime;
import io.wanapis.keys.Limits;
import io.wanapis.keys.LimitsJson;
import io.wanapis.keys.Project;
import io.wanapis.keys.Team;
import io.wanapis.keys.VirtualKey;
import io.wanapis.limits.Plan;
import io.wanapis.limits.QuotaBook;
import io.wanapis.store.AuditEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Quotas issue: {@code /admin/plans} (list, read, create or replace, delete) and the limits of
 * teams and projects ({@code PATCH /admin/teams/{id}}, {@code PATCH /admin/projects/{id}}). Only
 * admins change them; team admins read their team. Every change reloads the quota book at once on
 * this instance; the others pick it up from the store within a second.
 */
final class QuotaAdmin {
  private final KeysRuntime rt;
  private final QuotaBook book;

  QuotaAdmin(KeysRuntime rt, QuotaBook book) {
    this.rt = rt;
    this.book = book;
  }

  static boolean handles(AdminApi.Call c) {
    String what = c.segment(0);
    if ("plans".equals(what)) return true;
    return ("teams".equals(what) || "projects".equals(what)) && c.path().size() == 2 && c.req().method() == HttpMethod.PATCH;
  }

  Future<AdminApi.Reply> dispatch(AdminApi.Call c) {
    HttpMethod m = c.req().method();
    String what = c.segment(0);
    int n = c.path().size();
    if ("plans".equals(what) && n == 1 && m == HttpMethod.GET) return Future.succeededFuture(listPlans());
    if ("plans".equals(what) && n == 2 && m == HttpMethod.GET) return Future.succeededFuture(AdminApi.Reply.ok(planView(plan(c.segment(1)))));
    if ("plans".equals(what) && n == 2 && m == HttpMethod.PUT) return putPlan(c, c.segment(1));
    if ("plans".equals(what) && n == 2 && m == HttpMethod.DELETE) return deletePlan(c, c.segment(1));
    if ("teams".equals(what)) return patchTeam(c, c.segment(1));
    if ("projects".equals(what)) return patchProject(c, c.segment(1));
    return Future.failedFuture(ApiError.methodNotAllowed(m.name(), c.req().path()));
  }

  /** Refuses a key's limits that name a plan that does not exist. */
  void checkPlan(Limits l) {
    if (l != null && l.plan() != null && !book.hasPlan(l.plan())) {
      throw AdminErrors.invalid("Plan '" + l.plan() + "' does not exist; known plans: " + book.snapshot().plans().keySet());
    }
  }

  // ---------------------------------------------------------------- plans

  private AdminApi.Reply listPlans() {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("object", "list");
    var data = root.putArray("data");
    book.snapshot().plans().values().forEach(p -> data.add(planView(p)));
    return AdminApi.Reply.ok(root);
  }

  private Plan plan(String name) {
    Plan p = book.snapshot().plans().get(name);
    if (p == null) throw AdminErrors.notFound("Plan '" + name + "' does not exist");
    return p;
  }

  private ObjectNode planView(Plan p) {
    ObjectNode o = p.view();
    o.put("source", book.snapshot().storedPlans().contains(p.name()) ? "admin" : "config");
    o.put("default", p.name().equals(book.defaultPlan()));
    return o;
  }

  private Future<AdminApi.Reply> putPlan(AdminApi.Call c, String name) {
    AdminAccess.requireAdmin(c.principal(), "changing plans");
    Plan p;
    try {
      p = Plan.parse(name, c.body());
    } catch (IllegalArgumentException e) {
      throw AdminErrors.invalid(e.getMessage());
    }
    return rt.executor().run(() -> {
      Plan before = book.snapshot().plans().get(name);
      rt.store().putPlan(p, new AuditEvent(c.actor(), before == null ? "plan.create" : "plan.update", "plan", name,
          before == null ? null : before.view(), p.view()));
      reload();
      return new AdminApi.Reply(before == null ? 201 : 200, planView(p));
    });
  }

  private Future<AdminApi.Reply> deletePlan(AdminApi.Call c, String name) {
    AdminAccess.requireAdmin(c.principal(), "changing plans");
    return rt.executor().run(() -> {
      Plan before = plan(name);
      if (!book.isConfigPlan(name)) {
        List<String> users = usersOf(name);
        if (!users.isEmpty()) {
          throw new ApiError(409, "invalid_request_error", "plan_in_use", "Plan '" + name + "' is still assigned to " + String.join(", ", users)
              + "; assign another plan to them first.", null);
        }
      }
      boolean deleted = rt.store().deletePlan(name, new AuditEvent(c.actor(), "plan.delete", "plan", name, before.view(), null));
      if (!deleted) {
        throw new ApiError(409, "invalid_request_error", "plan_in_config", "Plan '" + name + "' is defined in the config file; "
            + "change it there (a PUT here replaces its numbers until deleted).", null);
      }
      reload();
      ObjectNode o = Json.MAPPER.createObjectNode().put("name", name).put("object", "plan").put("deleted", true);
      o.put("reverted_to_config", book.isConfigPlan(name));
      return AdminApi.Reply.ok(o);
    });
  }

  private List<String> usersOf(String plan) {
    List<String> out = new ArrayList<>();
    for (Team t : rt.store().listTeams()) if (plan.equals(t.limits().plan())) out.add("team " + t.id());
    for (Project p : rt.store().listProjects(null)) if (plan.equals(p.limits().plan())) out.add("project " + p.id());
    for (VirtualKey k : rt.store().listKeys(null)) if (k.limits() != null && plan.equals(k.limits().plan())) out.add("key " + k.id());
    return out;
  }

  // ---------------------------------------------------------------- teams and projects

  private Future<AdminApi.Reply> patchTeam(AdminApi.Call c, String ref) {
    AdminAccess.requireAdmin(c.principal(), "changing a team's limits");
    Limits l = limitsBody(c);
    return rt.executor().run(() -> {
      Team t = rt.store().findTeam(ref).orElseThrow(() -> AdminErrors.notFound("Team '" + ref + "' does not exist"));
      Team after = t.withLimits(l);
      rt.store().updateTeamLimits(t.id(), l, new AuditEvent(c.actor(), "team.limits", "team", t.id(), KeyViews.team(t), KeyViews.team(after)));
      reload();
      return AdminApi.Reply.ok(KeyViews.team(after));
    });
  }

  private Future<AdminApi.Reply> patchProject(AdminApi.Call c, String ref) {
    AdminAccess.requireAdmin(c.principal(), "changing a project's limits");
    Limits l = limitsBody(c);
    return rt.executor().run(() -> {
      Project p = rt.store().findProject(ref, null).orElseThrow(() -> AdminErrors.notFound("Project '" + ref + "' does not exist"));
      Project after = p.withLimits(l);
      rt.store().updateProjectLimits(p.id(), l,
          new AuditEvent(c.actor(), "project.limits", "project", p.id(), KeyViews.project(p), KeyViews.project(after)));
      reload();
      return AdminApi.Reply.ok(KeyViews.project(after));
    });
  }

  private Limits limitsBody(AdminApi.Call c) {
    var body = c.body();
    var it = body.fieldNames();
    while (it.hasNext()) {
      String f = it.next();
      if (!f.equals("limits")) throw AdminErrors.invalid("Only 'limits' can be changed here; '" + f + "' cannot");
    }
    Limits l;
    try {
      l = LimitsJson.parse(body.get("limits"), "limits", false);
    } catch (IllegalArgumentException e) {
      throw AdminErrors.invalid(e.getMessage());
    }
    if (l == null) l = Limits.NONE; // {"limits": null} clears them
    if (!l.models().isEmpty()) throw AdminErrors.invalid("'limits.models' (per-model limits) can be set on keys only");
    checkPlan(l);
    return l;
  }

  /** Re-reads the book now (blocking: on a store worker). */
  void reload() {
    book.reload(rt.store());
  }
}
