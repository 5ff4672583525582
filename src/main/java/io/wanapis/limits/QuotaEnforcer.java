package io.wanapis.limits;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.wanapis.auth.Principal;
import io.wanapis.errors.ApiError;
import io.wanapis.keys.Limits;
import io.wanapis.keys.ModelPatterns;
import io.wanapis.keys.VirtualKey;
import io.wanapis.limits.QuotaCounters.Take;
import io.wanapis.limits.QuotaCounters.Window;
import io.wanapis.providers.InboundCall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Quotas: every request of a virtual key passes the limits of each scope it belongs to, most
 * specific first: the key on the model it calls (per-model limits inside the key), the key, its
 * project, its team. A scope's limits are its own values, else those of its plan (a key without
 * a plan gets the config's default plan). Per scope: concurrent requests, requests per minute
 * and per day, tokens per minute and per day, and a cap on {@code max_tokens}.
 *
 * <p>Everything is decided from memory ({@link QuotaBook}, the key cache, the counters); with a
 * shared counter store the answer may come back asynchronously, so {@link #admit} returns a
 * future (already complete when the counters are local). A request refused by one limit gives
 * back what earlier limits had taken. Tokens are reserved before the call (see
 * {@link TokenEstimate}) and settled with the real usage by {@link #release}.
 */
public final class QuotaEnforcer {
  /** How long a shared concurrency place survives an instance that died holding it. */
  static final long CONCURRENCY_LEASE_MS = 15 * 60 * 1000L;

  /** One scope's limits in effect: its own values, else its plan's. */
  public record LimitSet(Long rpm, Long tpm, Long rpd, Long tpd, Integer maxConcurrent, Integer maxTokens, double burst, Integer weight,
      String plan) {
    static LimitSet of(Limits own, Plan plan) {
      Limits o = own == null ? Limits.NONE : own;
      return new LimitSet(
          o.rpm() != null ? Long.valueOf(o.rpm()) : plan == null ? null : plan.rpm(),
          o.tpm() != null ? o.tpm() : plan == null ? null : plan.tpm(),
          o.rpd() != null ? o.rpd() : plan == null ? null : plan.rpd(),
          o.tpd() != null ? o.tpd() : plan == null ? null : plan.tpd(),
          o.maxConcurrent() != null ? o.maxConcurrent() : plan == null ? null : plan.maxConcurrent(),
          o.maxTokens() != null ? o.maxTokens() : plan == null ? null : plan.maxTokens(),
          plan == null || plan.burst() == null ? 1.0 : plan.burst(),
          plan == null ? null : plan.weight(),
          plan == null ? null : plan.name());
    }

    boolean counts() {
      return rpm != null || tpm != null || rpd != null || tpd != null || maxConcurrent != null;
    }

    boolean countsTokens() {
      return tpm != null || tpd != null;
    }
  }

  /**
   * @param kind key, model, project or team (the first part of {@code x-wanapis-limit})
   * @param label how messages name it, e.g. "team 'acme' (plan 'free')"
   * @param counter the prefix of its counters' keys
   */
  public record Scope(String kind, String id, String label, String counter, LimitSet limits, List<Step> steps) {
    Scope(String kind, String id, String label, String counter, LimitSet limits) {
      this(kind, id, label, counter, limits, new ArrayList<>(5));
      // built once per key and limits change, not per request: the counters' keys and windows
      LimitSet l = limits;
      if (l.maxConcurrent() != null) steps.add(new Step(StepKind.CONCURRENCY, this, "concurrency", counter + ":conc", null, l.maxConcurrent()));
      if (l.rpm() != null) steps.add(new Step(StepKind.REQUESTS, this, "rpm", counter + ":rpm", Window.perMinute(l.rpm(), l.burst()), l.rpm()));
      if (l.rpd() != null) steps.add(new Step(StepKind.REQUESTS, this, "rpd", counter + ":rpd", Window.perDay(l.rpd()), l.rpd()));
      if (l.tpm() != null) steps.add(new Step(StepKind.TOKENS, this, "tpm", counter + ":tpm", Window.perMinute(l.tpm(), l.burst()), l.tpm()));
      if (l.tpd() != null) steps.add(new Step(StepKind.TOKENS, this, "tpd", counter + ":tpd", Window.perDay(l.tpd()), l.tpd()));
    }
  }

  /** A key's scopes, rebuilt when the key or the quota book changes. */
  private record KeyScopes(VirtualKey key, long version, List<Scope> scopes, List<Step> steps, boolean countsTokens,
      Map<String, Limits> models, Map<String, Optional<Scope>> modelScopes, Integer maxTokensCap, String capLabel, String tenant,
      int weight, Admission unlimited) {}

  enum StepKind { CONCURRENCY, REQUESTS, TOKENS }

  /** One counter a request passes; {@code n} is 1 for requests and places, the reservation for tokens. */
  record Step(StepKind kind, Scope scope, String what, String counter, Window window, long limit) {
    long n(long reserve) {
      return kind == StepKind.TOKENS ? reserve : 1;
    }

    // a step and its scope point at each other: identity, not the records' field-by-field
    // equality, hash and text (which would recurse)
    @Override
    public boolean equals(Object o) {
      return this == o;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }

    @Override
    public String toString() {
      return counter;
    }
  }

  private record Granted(Step step, Take take) {}

  /** What one request took; released exactly once when it ends. */
  public static final class Admission {
    private final List<Granted> granted;
    private final String requestId;
    private final String tenant;
    private final int weight;
    private final long reservedTokens;
    private RateLimitStatus status;
    private boolean released;

    Admission(String requestId, String tenant, int weight, long reservedTokens, int steps) {
      this.requestId = requestId;
      this.tenant = tenant;
      this.weight = weight;
      this.reservedTokens = reservedTokens;
      this.granted = steps == 0 ? List.of() : new ArrayList<>(steps);
    }

    /** What the rate-limit headers say (null: no per-minute limit applies). */
    public RateLimitStatus status() { return status; }
    public String tenant() { return tenant; }
    public int weight() { return weight; }
    public long reservedTokens() { return reservedTokens; }
  }

  private final QuotaBook book;
  private final Function<String, VirtualKey> keyOf;
  private final Supplier<QuotaCounters> counters;
  private final ConcurrentHashMap<String, KeyScopes> scopes = new ConcurrentHashMap<>();

  /**
   * @param keyOf the key as cached in memory (null when unknown)
   * @param counters where counts live; read per request so a shared store can replace the local one
   */
  public QuotaEnforcer(QuotaBook book, Function<String, VirtualKey> keyOf, Supplier<QuotaCounters> counters) {
    this.book = book;
    this.keyOf = keyOf;
    this.counters = counters;
  }

  public QuotaBook book() { return book; }

  /**
   * Lets the request in (the admission carries the header values, the scheduling tenant and
   * weight) or fails with a 429 naming the scope and the limit (with retry-after), a 400 for a
   * {@code max_tokens} over the cap, or a 503 when a shared counter store is down and configured
   * to fail closed. Null for the master key and unknown keys: nothing to count.
   */
  public Future<Admission> admit(Principal principal, InboundCall call) {
    if (principal == null || principal.master()) return Future.succeededFuture(null);
    KeyScopes ks = scopesFor(principal.keyId());
    if (ks == null) return Future.succeededFuture(null);
    String model = call.peek().model();
    Scope modelScope = modelScope(ks, model);
    Integer cap = ks.maxTokensCap();
    int asked = call.peek().maxTokens();
    if (cap != null && asked > cap) {
      return Future.failedFuture(new ApiError(400, "invalid_request_error", "max_tokens_over_cap", "max_tokens " + asked
          + " is more than the " + cap + " allowed for " + ks.capLabel() + ". Ask for " + cap + " or fewer.", "max_tokens"));
    }
    if (ks.scopes().isEmpty() && modelScope == null) return Future.succeededFuture(ks.unlimited());

    List<Step> steps = ks.steps();
    boolean tokens = ks.countsTokens();
    if (modelScope != null) {
      steps = new ArrayList<>(modelScope.steps());
      steps.addAll(ks.steps());
      tokens |= modelScope.limits().countsTokens();
    }
    long reserve = tokens ? Math.max(1, TokenEstimate.of(call, cap, book.fastTokenEstimate())) : 0;
    if (tokens) {
      for (Step st : steps) {
        if (st.kind() == StepKind.TOKENS && reserve > st.window().capacity()) {
          return Future.failedFuture(tooLarge(st.scope(), reserve, st.limit() + (st.what().equals("tpm") ? " tokens per minute (TPM)" : " tokens per day (TPD)")));
        }
      }
    }
    Admission a = new Admission(call.requestId(), ks.tenant(), ks.weight(), reserve, steps.size());
    if (counters.get() instanceof LocalQuotaCounters local) {
      ApiError refusal = runLocal(local, steps, a);
      return refusal == null ? Future.succeededFuture(a) : Future.failedFuture(refusal);
    }
    Promise<Admission> p = Promise.promise();
    run(steps, 0, a, p);
    return p.future();
  }

  /**
   * Ends the request's admission: settles its token reservation with {@code actualTokens}
   * (input + output; negative = unknown, the reservation stands) and frees its concurrency places.
   * Safe to call twice (the second call does nothing).
   */
  public void release(Admission a, long actualTokens) {
    if (a == null || a.granted.isEmpty()) return;
    synchronized (a) {
      if (a.released) return;
      a.released = true;
    }
    QuotaCounters c = counters.get();
    for (Granted g : a.granted) {
      Step s = g.step();
      if (s.kind() == StepKind.CONCURRENCY) c.leave(s.counter(), a.requestId);
      else if (s.kind() == StepKind.TOKENS && actualTokens >= 0) c.adjust(s.counter(), s.window(), actualTokens - a.reservedTokens);
    }
  }

  /** Forgets the cached scopes of every key (after a change the book does not version, e.g. in tests). */
  public void invalidate() {
    scopes.clear();
  }

  // ------------------------------------------------------------------ the checks

  private void run(List<Step> steps, int from, Admission a, Promise<Admission> p) {
    QuotaCounters c = counters.get();
    for (int i = from; i < steps.size(); i++) {
      Step s = steps.get(i);
      Future<Take> f;
      try {
        f = s.kind() == StepKind.CONCURRENCY
            ? c.enter(s.counter(), (int) s.limit(), a.requestId, CONCURRENCY_LEASE_MS)
            : c.take(s.counter(), s.window(), s.n(a.reservedTokens));
      } catch (RuntimeException e) {
        p.fail(counterFailed(s, a, e));
        return;
      }
      if (!f.isComplete()) {
        int next = i + 1;
        f.onComplete(ar -> {
          ApiError refusal = accept(s, ar.succeeded() ? ar.result() : Take.unavailableNow(), a);
          if (refusal == null) run(steps, next, a, p);
          else p.fail(refusal);
        });
        return;
      }
      ApiError refusal = accept(s, f.succeeded() ? f.result() : Take.unavailableNow(), a);
      if (refusal != null) {
        p.fail(refusal);
        return;
      }
    }
    a.status = status(a);
    p.complete(a);
  }

  /**
   * The checks against counters in memory: every answer is there at once, so no future or promise
   * per counter or per request. Null when all were granted, else the error (what was taken is
   * given back).
   */
  private ApiError runLocal(LocalQuotaCounters local, List<Step> steps, Admission a) {
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      Take t;
      try {
        t = s.kind() == StepKind.CONCURRENCY ? local.enterNow(s.counter(), (int) s.limit())
            : local.takeNow(s.counter(), s.window(), s.n(a.reservedTokens));
      } catch (RuntimeException e) {
        return counterFailed(s, a, e);
      }
      ApiError refusal = accept(s, t, a);
      if (refusal != null) return refusal;
    }
    a.status = status(a);
    return null;
  }

  private ApiError counterFailed(Step s, Admission a, RuntimeException e) {
    // a counter must never throw; if one does it is a bug: answered as one (not as "Redis is
    // down"), with what was taken given back, rather than left hanging
    org.slf4j.LoggerFactory.getLogger(QuotaEnforcer.class).error("quota counter failed on {}", s.counter(), e);
    rollback(a);
    return ApiError.internal("checking the quota counter " + s.counter());
  }

  /** Records a granted step (null), or undoes the earlier ones and says why the request is refused. */
  private ApiError accept(Step s, Take t, Admission a) {
    if (t.granted()) {
      a.granted.add(new Granted(s, t));
      return null;
    }
    rollback(a);
    if (t.unavailable()) {
      return new ApiError(503, "server_error", "quota_store_unavailable", "The shared quota store (Redis) cannot be reached and this "
          + "gateway is configured to refuse requests then (on_failure: closed). Retry shortly.", null, "1");
    }
    return refused(s, t, a);
  }

  private void rollback(Admission a) {
    QuotaCounters c = counters.get();
    for (Granted g : a.granted) {
      Step s = g.step();
      if (s.kind() == StepKind.CONCURRENCY) c.leave(s.counter(), a.requestId);
      else c.adjust(s.counter(), s.window(), -s.n(a.reservedTokens));
    }
    a.granted.clear();
  }

  /** The per-minute request and token limits closest to running out, as OpenAI's headers show them. */
  private static RateLimitStatus status(Admission a) {
    Granted req = null, tok = null;
    for (Granted g : a.granted) {
      String w = g.step().what();
      if (w.equals("rpm") && (req == null || g.take().remaining() < req.take().remaining())) req = g;
      if (w.equals("tpm") && (tok == null || g.take().remaining() < tok.take().remaining())) tok = g;
    }
    if (req == null && tok == null) return null;
    return new RateLimitStatus(req == null ? 0 : req.step().limit(), req == null ? 0 : req.take().remaining(),
        req == null ? 0 : req.take().resetNanos(), tok == null ? 0 : tok.step().limit(), tok == null ? 0 : tok.take().remaining(),
        tok == null ? 0 : tok.take().resetNanos());
  }

  private static ApiError refused(Step s, Take t, Admission a) {
    String limit;
    switch (s.what()) {
      case "concurrency" -> limit = s.limit() + " concurrent requests (max_concurrent)";
      case "rpm" -> limit = s.limit() + " requests per minute (RPM)";
      case "rpd" -> limit = s.limit() + " requests per day (RPD, resets at 00:00 UTC)";
      case "tpm" -> limit = s.limit() + " tokens per minute (TPM)";
      default -> limit = s.limit() + " tokens per day (TPD, resets at 00:00 UTC)";
    }
    long waitNanos = Math.max(t.retryNanos(), 1_000_000L);
    long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
    Map<String, String> headers = new LinkedHashMap<>();
    RateLimitStatus st = status(a);
    if (s.what().equals("rpm")) st = new RateLimitStatus(s.limit(), 0, t.resetNanos(), st == null ? 0 : st.limitTokens(),
        st == null ? 0 : st.remainingTokens(), st == null ? 0 : st.resetTokensNanos());
    if (s.what().equals("tpm")) st = new RateLimitStatus(st == null ? 0 : st.limitRequests(), st == null ? 0 : st.remainingRequests(),
        st == null ? 0 : st.resetRequestsNanos(), s.limit(), t.remaining(), t.resetNanos());
    if (st != null) {
      io.vertx.core.MultiMap h = io.vertx.core.MultiMap.caseInsensitiveMultiMap();
      st.writeTo(h);
      h.forEach(e -> headers.put(e.getKey(), e.getValue()));
    }
    headers.put("retry-after-ms", Long.toString(Math.max(1, waitNanos / 1_000_000)));
    headers.put("x-wanapis-limit", s.scope().kind() + ":" + s.scope().id() + ":" + s.what());
    String type = s.kind() == StepKind.TOKENS ? "tokens" : "requests";
    return new ApiError(429, type, "rate_limit_exceeded", "Rate limit reached for " + s.scope().label() + " on " + limit
        + ". Retry after " + seconds + " s.", null, Long.toString(seconds)).withHeaders(headers);
  }

  private static ApiError tooLarge(Scope s, long reserve, String limit) {
    // waiting cannot help a request larger than the whole limit: no retry-after
    return new ApiError(429, "tokens", "rate_limit_exceeded", "Request too large for " + s.label() + ": it needs about " + reserve
        + " tokens (prompt + max_tokens) and the limit is " + limit + ". Send a smaller request or lower max_tokens.", null)
        .withHeaders(Map.of("x-wanapis-limit", s.kind() + ":" + s.id() + ":too_large"));
  }

  // ------------------------------------------------------------------ scopes

  private KeyScopes scopesFor(String keyId) {
    VirtualKey k = keyOf.apply(keyId);
    if (k == null) return null;
    QuotaBook.Snapshot snap = book.snapshot();
    KeyScopes ks = scopes.get(keyId);
    if (ks != null && ks.key() == k && ks.version() == snap.version()) return ks;
    ks = build(k, snap);
    scopes.put(keyId, ks);
    return ks;
  }

  private KeyScopes build(VirtualKey k, QuotaBook.Snapshot snap) {
    Limits own = k.limits() == null ? Limits.NONE : k.limits();
    String planName = own.plan() != null ? own.plan() : book.defaultPlan();
    LimitSet keySet = LimitSet.of(own, plan(snap, planName));
    List<Scope> list = new ArrayList<>(3);
    List<LimitSet> sets = new ArrayList<>(3);
    List<String> labels = new ArrayList<>(3);
    String keyLabel = "key " + k.id() + planSuffix(keySet);
    if (keySet.counts()) list.add(new Scope("key", k.id(), keyLabel, "key:" + k.id(), keySet));
    sets.add(keySet);
    labels.add(keyLabel);
    if (k.projectId() != null && snap.projects().containsKey(k.projectId())) {
      Limits pl = snap.projects().get(k.projectId());
      LimitSet ps = LimitSet.of(pl, plan(snap, pl.plan()));
      String label = "project " + k.projectId() + planSuffix(ps);
      if (ps.counts()) list.add(new Scope("project", k.projectId(), label, "project:" + k.projectId(), ps));
      sets.add(ps);
      labels.add(label);
    }
    if (k.teamId() != null && snap.teams().containsKey(k.teamId())) {
      Limits tl = snap.teams().get(k.teamId());
      LimitSet ts = LimitSet.of(tl, plan(snap, tl.plan()));
      String name = snap.teamNames().get(k.teamId());
      String label = "team '" + (name == null ? k.teamId() : name) + "'" + planSuffix(ts);
      if (ts.counts()) list.add(new Scope("team", k.teamId(), label, "team:" + k.teamId(), ts));
      sets.add(ts);
      labels.add(label);
    }
    Integer cap = null;
    String capLabel = null;
    Integer weight = null;
    for (int i = 0; i < sets.size(); i++) {
      LimitSet s = sets.get(i);
      if (s.maxTokens() != null && (cap == null || s.maxTokens() < cap)) {
        cap = s.maxTokens();
        capLabel = labels.get(i);
      }
      if (weight == null && s.weight() != null) weight = s.weight();
    }
    String tenant = k.teamId() != null ? "team:" + k.teamId() : "key:" + k.id();
    int w = weight == null ? 1 : weight;
    List<Step> steps = new ArrayList<>();
    boolean tokens = false;
    for (Scope sc : list) {
      steps.addAll(sc.steps());
      tokens |= sc.limits().countsTokens();
    }
    return new KeyScopes(k, snap.version(), List.copyOf(list), List.copyOf(steps), tokens, own.models(), new ConcurrentHashMap<>(), cap,
        capLabel, tenant, w, new Admission(null, tenant, w, 0, 0));
  }

  private static Plan plan(QuotaBook.Snapshot snap, String name) {
    // an unknown plan (deleted meanwhile) limits nothing; the admin API refuses to assign one
    return name == null ? null : snap.plans().get(name);
  }

  private static String planSuffix(LimitSet s) {
    return s.plan() == null ? "" : " (plan '" + s.plan() + "')";
  }

  private static Scope modelScope(KeyScopes ks, String model) {
    if (ks.models().isEmpty() || model == null) return null;
    Optional<Scope> known = ks.modelScopes().get(model);
    if (known != null) return known.orElse(null);
    Scope sc = buildModelScope(ks, model);
    if (ks.modelScopes().size() < 1000) ks.modelScopes().put(model, Optional.ofNullable(sc)); // clients choose model names: bounded
    return sc;
  }

  private static Scope buildModelScope(KeyScopes ks, String model) {
    Limits ml = ks.models().get(model);
    String matched = model;
    if (ml == null) {
      for (Map.Entry<String, Limits> e : ks.models().entrySet()) {
        if (e.getKey().indexOf('*') >= 0 && new ModelPatterns(List.of(e.getKey())).allows(model)) {
          ml = e.getValue();
          matched = e.getKey();
          break;
        }
      }
    }
    if (ml == null) return null;
    LimitSet s = LimitSet.of(ml, null);
    if (!s.counts()) return null;
    String id = ks.key().id();
    // one counter per pattern: "gpt-4*" limits all the models it matches together
    return new Scope("model", id + "/" + matched, "key " + id + " on model '" + matched + "'", "key:" + id + ":model:" + matched, s);
  }
}
