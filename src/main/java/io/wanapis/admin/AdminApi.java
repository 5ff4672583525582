package io.wanapis.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.wanapis.auth.Authenticator;
import io.wanapis.auth.Principal;
import io.wanapis.errors.ApiError;
import io.wanapis.errors.OpenAiErrorBody;
import io.wanapis.ingress.BodyReader;
import io.wanapis.json.Json;
import io.wanapis.keys.KeyGuard;
import io.wanapis.keys.KeySecrets;
import io.wanapis.keys.KeyService;
import io.wanapis.keys.KeyViews;
import io.wanapis.keys.KeysRuntime;
import io.wanapis.keys.Project;
import io.wanapis.keys.Team;
import io.wanapis.keys.VirtualKey;
import io.wanapis.pipeline.RequestIds;
import io.wanapis.store.Actor;
import io.wanapis.store.AuditEvent;
import io.wanapis.store.SecretBox;
import io.wanapis.store.StoreException;
import io.wanapis.store.StoredCredential;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON admin API under {@code /admin}: teams, projects, keys, provider credentials and the
 * audit log (see docs/admin-api.md and {@code GET /admin/openapi.json}). Runs on the event loop;
 * every store call goes to the store's worker pool.
 */
public final class AdminApi {
  private static final Logger log = LoggerFactory.getLogger(AdminApi.class);
  private static final long MAX_BODY = 1024 * 1024;

  private final Authenticator auth;
  private final KeysRuntime rt;
  private final KeyService keys;
  private final byte[] openApi = OpenApiDocument.json();

  /** An answer: status and JSON body, or (usage issue: CSV reports) raw bytes of another content type. */
  record Reply(int status, JsonNode body, String contentType, byte[] raw) {
    Reply(int status, JsonNode body) { this(status, body, null, null); }
    static Reply ok(JsonNode body) { return new Reply(200, body); }
  }

  /** A request on its way through: caller, parsed body and who to write in the audit log. */
  record Call(HttpServerRequest req, Principal principal, JsonNode body, Actor actor, String requestId, List<String> path) {
    String segment(int i) { return path.size() > i ? path.get(i) : null; }
    String query(String name) { return req.getParam(name); }
  }

  private final UsageAdmin usage; // usage issue: /admin/usage, /admin/budgets, /admin/catalog

  public AdminApi(Authenticator auth, KeysRuntime rt) {
    this(auth, rt, null);
  }

  public AdminApi(Authenticator auth, KeysRuntime rt, io.wanapis.usage.UsageSystem usage) {
    this(auth, rt, usage, null);
  }

  public AdminApi(Authenticator auth, KeysRuntime rt, io.wanapis.usage.UsageSystem usage, io.wanapis.limits.QuotaBook quotaBook) {
    this.auth = auth;
    this.rt = rt;
    this.keys = rt.keys();
    this.usage = usage == null ? null : new UsageAdmin(usage, rt.executor());
    this.quotas = quotaBook == null ? null : new QuotaAdmin(rt, quotaBook);
  }

  private final QuotaAdmin quotas; // quotas issue: /admin/plans, team and project limits

  public void handle(HttpServerRequest req) {
    String requestId = RequestIds.next();
    if (req.path().equals("/admin/openapi.json") && req.method() == HttpMethod.GET) {
      req.response().putHeader("content-type", "application/json").putHeader("x-request-id", requestId).end(Buffer.buffer(openApi));
      return;
    }
    Principal p;
    try {
      p = auth.authenticate(req);
      AdminAccess.requireAdminArea(p);
    } catch (ApiError e) {
      error(req, e, requestId);
      return;
    }
    String ip = req.remoteAddress() == null ? null : req.remoteAddress().hostAddress();
    Actor actor = new Actor(p.keyId(), p.master() ? "master" : p.role().id(), ip, requestId);
    List<String> path = List.of(req.path().substring("/admin/".length()).split("/"));
    BodyReader.read(req, MAX_BODY, body -> {
      Future<Reply> reply;
      try {
        JsonNode json = AdminBodies.parse(body.bytes(), body.length());
        reply = dispatch(new Call(req, p, json, actor, requestId, path));
      } catch (RuntimeException e) {
        reply = Future.failedFuture(e);
      }
      reply.onComplete(ar -> {
        if (ar.succeeded()) write(req, ar.result(), requestId);
        else error(req, toApiError(ar.cause(), requestId), requestId);
      });
    }, () -> error(req, ApiError.bodyTooLarge(MAX_BODY), requestId));
  }

  private Future<Reply> dispatch(Call c) {
    HttpMethod m = c.req().method();
    String what = c.segment(0);
    String id = c.segment(1);
    String action = c.segment(2);
    int n = c.path().size();
    if (quotas != null && QuotaAdmin.handles(c)) return quotas.dispatch(c); // quotas issue
    if ("teams".equals(what) && n == 1 && m == HttpMethod.POST) return createTeam(c);
    if ("teams".equals(what) && n == 1 && m == HttpMethod.GET) return listTeams(c);
    if ("teams".equals(what) && n == 2 && m == HttpMethod.GET) return getTeam(c, id);
    if ("projects".equals(what) && n == 1 && m == HttpMethod.POST) return createProject(c);
    if ("projects".equals(what) && n == 1 && m == HttpMethod.GET) return listProjects(c);
    if ("keys".equals(what) && n == 1 && m == HttpMethod.POST) return createKey(c);
    if ("keys".equals(what) && n == 1 && m == HttpMethod.GET) return listKeys(c);
    if ("keys".equals(what) && n == 2 && m == HttpMethod.GET) return keys.get(id, guard(c)).map(k -> Reply.ok(view(k)));
    if ("keys".equals(what) && n == 2 && m == HttpMethod.PATCH) {
      var patch = AdminBodies.patch(c.body());
      if (quotas != null) quotas.checkPlan(patch.limits());
      return keys.update(c.actor(), id, patch, guard(c)).map(k -> Reply.ok(view(k)));
    }
    if ("keys".equals(what) && n == 3 && "revoke".equals(action) && m == HttpMethod.POST) {
      return keys.revoke(c.actor(), id, guard(c)).map(k -> Reply.ok(view(k)));
    }
    if ("keys".equals(what) && n == 3 && "rotate".equals(action) && m == HttpMethod.POST) return rotate(c, id);
    if ("credentials".equals(what)) return credentials(c, n == 2 ? id : null);
    if (usage != null && UsageAdmin.handles(what)) return usage.dispatch(c); // usage issue
    if ("audit".equals(what) && n == 1 && m == HttpMethod.GET) return audit(c);
    if ("audit".equals(what) && n == 2 && "verify".equals(id) && m == HttpMethod.GET) return verifyAudit(c);
    return Future.failedFuture(ApiError.unknownUrl(m.name(), c.req().path()));
  }

  // ---------------------------------------------------------------- teams and projects

  private Future<Reply> createTeam(Call c) {
    AdminAccess.requireAdmin(c.principal(), "creating a team");
    String name = AdminBodies.text(c.body(), "name", true);
    Map<String, Object> meta = AdminBodies.metadata(c.body());
    io.wanapis.keys.Limits limits = teamLimits(c);
    return store(() -> {
      Team t = new Team(KeySecrets.newId("team"), name, meta == null ? Map.of() : meta, System.currentTimeMillis(), limits);
      rt.store().createTeam(t, new AuditEvent(c.actor(), "team.create", "team", t.id(), null, KeyViews.team(t)));
      if (quotas != null && !limits.isEmpty()) quotas.reload();
      return new Reply(201, KeyViews.team(t));
    });
  }

  /** Quotas issue: the optional {@code limits} of a new team or project (plan and overrides; admins only). */
  private io.wanapis.keys.Limits teamLimits(Call c) {
    if (!c.body().hasNonNull("limits")) return io.wanapis.keys.Limits.NONE;
    AdminAccess.requireAdmin(c.principal(), "setting limits");
    io.wanapis.keys.Limits l;
    try {
      l = io.wanapis.keys.LimitsJson.parse(c.body().get("limits"), "limits", false);
    } catch (IllegalArgumentException e) {
      throw AdminErrors.invalid(e.getMessage());
    }
    if (!l.models().isEmpty()) throw AdminErrors.invalid("'limits.models' (per-model limits) can be set on keys only");
    if (quotas != null) quotas.checkPlan(l);
    return l;
  }

  private Future<Reply> listTeams(Call c) {
    String scope = AdminAccess.teamScope(c.principal());
    return store(() -> list(rt.store().listTeams().stream().filter(t -> scope == null || scope.equals(t.id())).map(KeyViews::team).toList()));
  }

  private Future<Reply> getTeam(Call c, String ref) {
    return store(() -> {
      Team t = rt.store().findTeam(ref).orElseThrow(() -> AdminErrors.notFound("Team '" + ref + "' does not exist"));
      AdminAccess.requireTeam(c.principal(), t.id());
      return Reply.ok(KeyViews.team(t));
    });
  }

  private Future<Reply> createProject(Call c) {
    String name = AdminBodies.text(c.body(), "name", true);
    String teamRef = AdminBodies.text(c.body(), "team", false);
    if (teamRef == null) teamRef = c.principal().teamId();
    if (teamRef == null) throw AdminErrors.invalid("'team' is required");
    Map<String, Object> meta = AdminBodies.metadata(c.body());
    io.wanapis.keys.Limits limits = teamLimits(c);
    String ref = teamRef;
    return store(() -> {
      Team t = rt.store().findTeam(ref).orElseThrow(() -> AdminErrors.invalid("Team '" + ref + "' does not exist"));
      AdminAccess.requireTeam(c.principal(), t.id());
      Project p = new Project(KeySecrets.newId("proj"), t.id(), name, meta == null ? Map.of() : meta, System.currentTimeMillis(), limits);
      rt.store().createProject(p, new AuditEvent(c.actor(), "project.create", "project", p.id(), null, KeyViews.project(p)));
      if (quotas != null && !limits.isEmpty()) quotas.reload();
      return new Reply(201, KeyViews.project(p));
    });
  }

  private Future<Reply> listProjects(Call c) {
    String scope = AdminAccess.teamScope(c.principal());
    String teamRef = c.query("team");
    return store(() -> {
      String teamId = null;
      if (teamRef != null) teamId = rt.store().findTeam(teamRef).map(Team::id).orElseThrow(() -> AdminErrors.notFound("Team '" + teamRef + "' does not exist"));
      if (scope != null) {
        if (teamId != null) AdminAccess.requireTeam(c.principal(), teamId);
        teamId = scope;
      }
      return list(rt.store().listProjects(teamId).stream().map(KeyViews::project).toList());
    });
  }

  // ---------------------------------------------------------------- keys

  private Future<Reply> createKey(Call c) {
    var draft = AdminBodies.draft(c.body());
    if (quotas != null) quotas.checkPlan(draft.limits());
    if (draft.teamRef() == null && !c.principal().admin()) {
      draft = new io.wanapis.keys.KeyDraft(draft.name(), draft.role(), c.principal().teamId(), draft.projectRef(), draft.owner(),
          draft.models(), draft.endpoints(), draft.expiresAt(), draft.metadata(), draft.limits());
    }
    return keys.create(c.actor(), draft, guard(c)).map(issued -> {
      ObjectNode o = view(issued.key());
      o.put("key", issued.secret()); // the only answer that ever carries the secret
      return new Reply(201, o);
    });
  }

  private Future<Reply> listKeys(Call c) {
    String scope = AdminAccess.teamScope(c.principal());
    String teamRef = c.query("team");
    return store(() -> {
      String teamId = null;
      if (teamRef != null) teamId = rt.store().findTeam(teamRef).map(Team::id).orElseThrow(() -> AdminErrors.notFound("Team '" + teamRef + "' does not exist"));
      if (scope != null) {
        if (teamId != null) AdminAccess.requireTeam(c.principal(), teamId);
        teamId = scope;
      }
      long now = System.currentTimeMillis();
      return list(rt.store().listKeys(teamId).stream().map(k -> (JsonNode) KeyViews.key(k, now)).toList());
    });
  }

  private Future<Reply> rotate(Call c, String id) {
    JsonNode g = c.body().get("grace_seconds");
    if (g != null && !g.isNull() && (!g.canConvertToLong() || g.asLong() < 0)) throw AdminErrors.invalid("'grace_seconds' must be a whole number, 0 or more");
    long grace = g == null || g.isNull() ? 0 : g.asLong();
    return keys.rotate(c.actor(), id, grace, guard(c)).map(issued -> {
      ObjectNode o = view(issued.key());
      o.put("key", issued.secret());
      o.put("previous_key_expires_at", KeyViews.iso(issued.previousSecretsValidUntil()));
      return Reply.ok(o);
    });
  }

  private static KeyGuard guard(Call c) {
    return AdminAccess.keyGuard(c.principal());
  }

  private static ObjectNode view(VirtualKey k) {
    return KeyViews.key(k, System.currentTimeMillis());
  }

  // ---------------------------------------------------------------- credentials and audit

  private Future<Reply> credentials(Call c, String name) {
    AdminAccess.requireAdmin(c.principal(), "provider credentials");
    HttpMethod m = c.req().method();
    SecretBox box = rt.secretBox();
    if (name == null && m == HttpMethod.GET) {
      return store(() -> list(rt.store().listCredentials().stream().map(AdminApi::credentialView).toList()));
    }
    if (name != null && m == HttpMethod.PUT) {
      String secret = AdminBodies.text(c.body(), "api_key", true);
      String provider = AdminBodies.text(c.body(), "provider", false);
      return store(() -> {
        long now = System.currentTimeMillis();
        var before = rt.store().findCredential(name);
        StoredCredential cr = new StoredCredential(name, provider, box.seal(secret, name), before.map(StoredCredential::createdAt).orElse(now), now);
        rt.store().putCredential(cr, new AuditEvent(c.actor(), before.isPresent() ? "credential.update" : "credential.create", "credential", name,
            before.map(AdminApi::credentialView).orElse(null), credentialView(cr)));
        return new Reply(before.isPresent() ? 200 : 201, credentialView(cr));
      });
    }
    if (name != null && m == HttpMethod.DELETE) {
      return store(() -> {
        var before = rt.store().findCredential(name).orElseThrow(() -> AdminErrors.notFound("Credential '" + name + "' does not exist"));
        rt.store().deleteCredential(name, new AuditEvent(c.actor(), "credential.delete", "credential", name, credentialView(before), null));
        ObjectNode o = Json.MAPPER.createObjectNode().put("name", name).put("object", "credential").put("deleted", true);
        return Reply.ok(o);
      });
    }
    return Future.failedFuture(ApiError.methodNotAllowed(m.name(), c.req().path()));
  }

  private static ObjectNode credentialView(StoredCredential c) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("name", c.name());
    o.put("object", "credential");
    o.put("provider", c.provider());
    o.put("encryption_key_id", c.sealed().keyId());
    o.put("created_at", KeyViews.iso(c.createdAt()));
    o.put("updated_at", KeyViews.iso(c.updatedAt()));
    return o;
  }

  private Future<Reply> audit(Call c) {
    AdminAccess.requireAdmin(c.principal(), "reading the audit log");
    long after = longParam(c, "after", 0);
    int limit = (int) Math.min(1000, Math.max(1, longParam(c, "limit", 100)));
    return store(() -> {
      var entries = rt.store().audit(after, limit + 1);
      ObjectNode root = Json.MAPPER.createObjectNode();
      root.put("object", "list");
      ArrayNode data = root.putArray("data");
      for (var e : entries.subList(0, Math.min(limit, entries.size()))) data.add(AuditViews.entry(e));
      root.put("has_more", entries.size() > limit);
      var head = rt.store().head();
      root.putObject("head").put("seq", head.seq()).put("hash", head.hash());
      return Reply.ok(root);
    });
  }

  private Future<Reply> verifyAudit(Call c) {
    AdminAccess.requireAdmin(c.principal(), "verifying the audit log");
    return store(() -> Reply.ok(AuditViews.result(rt.store().verifyAudit())));
  }

  private static long longParam(Call c, String name, long dflt) {
    String v = c.query(name);
    if (v == null) return dflt;
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw AdminErrors.invalid("Query parameter '" + name + "' must be a number");
    }
  }

  // ---------------------------------------------------------------- plumbing

  private <T> Future<T> store(java.util.concurrent.Callable<T> work) {
    return rt.executor().run(work);
  }

  private static Reply list(List<? extends JsonNode> items) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("object", "list");
    root.putArray("data").addAll(items);
    return Reply.ok(root);
  }

  private static ApiError toApiError(Throwable t, String requestId) {
    if (t instanceof ApiError e) return e;
    if (t instanceof StoreException e) {
      if (e.kind() == StoreException.Kind.UNAVAILABLE) log.warn("admin request {}: store unavailable: {}", requestId, e.getMessage());
      return AdminErrors.from(e);
    }
    if (t instanceof IllegalArgumentException e) return AdminErrors.invalid(e.getMessage());
    log.error("admin request {} failed", requestId, t);
    return ApiError.internal("handling an admin request");
  }

  private static void write(HttpServerRequest req, Reply r, String requestId) {
    if (r.raw() != null) { // usage issue: CSV
      req.response().setStatusCode(r.status()).putHeader("content-type", r.contentType()).putHeader("x-request-id", requestId)
          .end(Buffer.buffer(r.raw()));
      return;
    }
    try {
      req.response().setStatusCode(r.status()).putHeader("content-type", "application/json").putHeader("x-request-id", requestId)
          .end(Buffer.buffer(Json.MAPPER.writeValueAsBytes(r.body())));
    } catch (java.io.IOException e) {
      error(req, ApiError.internal("rendering JSON"), requestId);
    }
  }

  private static void error(HttpServerRequest req, ApiError e, String requestId) {
    if (req.response().ended()) return;
    req.response().setStatusCode(e.status()).putHeader("content-type", "application/json").putHeader("x-request-id", requestId);
    if (e.retryAfterSeconds() != null) req.response().putHeader("retry-after", e.retryAfterSeconds());
    req.response().end(OpenAiErrorBody.render(e, requestId));
  }
}
