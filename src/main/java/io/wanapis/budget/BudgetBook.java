package io.wanapis.budget;

import io.wanapis.usage.RequestRecord;
import io.wanapis.usage.UsageListener;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Every budget's spend for its current period, in memory (rebuilt from the ledger at start), and
 * the reservations of requests in flight.
 *
 * <p>Race-free by construction: {@link #reserve} checks and reserves under one lock, so two
 * concurrent requests can never both see the same headroom. A request is admitted only if
 * {@code spent + reserved + its estimate <= limit} for every hard budget it falls under; when it
 * ends, {@link #onRequest} releases its reservation and adds its real cost. Overspend is
 * therefore bounded by the sum over requests in flight of (real cost − reserved estimate), which
 * is zero whenever estimates are upper bounds (docs/budgets.md). The lock is held for a few
 * arithmetic operations per budget; no I/O ever happens under it.
 *
 * <p><b>Shared spend</b> (several instances, docs/shared-state.md): with a {@link SharedSpend},
 * {@code spent} is {@code base + sending + unflushed}: the last total the shared store reported,
 * plus this instance's settled costs not yet in that total. A syncer ({@code RedisBudgetSpend})
 * takes the unflushed costs with {@link #takePending}, adds them to the shared total and reports
 * the new total back with {@link #synced}. Reservations stay local; the decision never waits.
 */
public final class BudgetBook implements UsageListener {
  /** One budget's running state. Guarded by the book's lock. */
  static final class State {
    final Budget budget;
    long periodStart;
    long periodEnd;
    double spent;
    double reserved;
    /** Shared spend: the last total the store reported (at start: the ledger's sum). */
    double base;
    /** Shared spend: costs handed to the syncer, not yet in {@code base}. */
    double sending;
    /** Shared spend: costs settled here since the last hand-over. */
    double unflushed;
    /** When a request last reserved against this budget (epoch ms): such budgets are refreshed more often. */
    long lastUse;
    final Set<Integer> fired = new HashSet<>();

    State(Budget budget, long now) {
      this.budget = budget;
      this.periodStart = budget.period().start(now);
      this.periodEnd = budget.period().end(now);
    }

    void roll(long now) {
      if (now < periodEnd) return;
      periodStart = budget.period().start(now);
      periodEnd = budget.period().end(now);
      spent = 0;
      base = 0;
      sending = 0;
      unflushed = 0;
      fired.clear();
    }
  }

  /** A snapshot for the admin API. */
  public record View(Budget budget, long periodStart, long periodEnd, double spentUsd, double reservedUsd, List<Integer> alerted) {}

  private record Reservation(List<State> states, double amount) {}

  /**
   * Costs of one budget's current period to add to the shared total ({@code delta}, may be 0 for
   * a plain read), and the total to start from when the store has none yet ({@code seed}: the
   * last total known here, at start the ledger's sum).
   */
  public static final class Pending {
    final State state;
    public final String budgetId;
    public final long periodStart;
    public final long periodEnd;
    public final double delta;
    public final double seed;

    Pending(State state, double delta) {
      this.state = state;
      this.budgetId = state.budget.id();
      this.periodStart = state.periodStart;
      this.periodEnd = state.periodEnd;
      this.delta = delta;
      this.seed = state.base;
    }
  }

  private final LongSupplier clock;
  private final AlertSink alerts;
  private volatile SharedSpend shared;
  private final Map<String, State> byId = new LinkedHashMap<>();
  private final Map<String, List<State>> byTarget = new ConcurrentHashMap<>();
  private final Map<String, Reservation> inFlight = new ConcurrentHashMap<>();
  private record Applicable(long version, String teamId, String projectId, List<State> states) {}
  private static final int MAX_KEYS_CACHED = 100_000;
  /** Each key's applicable budgets, valid while {@link #version} is unchanged. */
  private final Map<String, Applicable> byKey = new ConcurrentHashMap<>();
  /** Bumped (under the lock) after a budget is added or removed. */
  private volatile long version;
  /** Read without the lock on the hot path: no budgets, no work at all. */
  private volatile boolean empty = true;

  public BudgetBook(LongSupplier clock, AlertSink alerts) {
    this.clock = clock;
    this.alerts = alerts;
  }

  /** Shares the spend with other instances from now on (docs/shared-state.md). */
  public void share(SharedSpend s) {
    this.shared = s;
  }

  private static String target(Budget.Scope s, String id) {
    return s.id() + ":" + id;
  }

  /**
   * Adds (or replaces) a budget with what was already spent in its current period (from the
   * ledger). Thresholds already passed count as alerted: a restart does not repeat alerts.
   */
  public synchronized void put(Budget b, double spentThisPeriod) {
    remove(b.id());
    State s = new State(b, clock.getAsLong());
    s.spent = spentThisPeriod;
    s.base = spentThisPeriod;
    for (int t : b.thresholds()) if (s.spent >= b.limitUsd() * t / 100.0) s.fired.add(t);
    byId.put(b.id(), s);
    // copy on write: applicable() reads these lists without the lock
    List<State> l = new ArrayList<>(byTarget.getOrDefault(target(b.scope(), b.targetId()), List.of()));
    l.add(s);
    byTarget.put(target(b.scope(), b.targetId()), l);
    version++;
    empty = false;
  }

  public synchronized boolean remove(String id) {
    State s = byId.remove(id);
    if (s == null) return false;
    String t = target(s.budget.scope(), s.budget.targetId());
    List<State> l = new ArrayList<>(byTarget.getOrDefault(t, List.of()));
    l.remove(s);
    if (l.isEmpty()) byTarget.remove(t);
    else byTarget.put(t, l);
    version++;
    empty = byId.isEmpty();
    return true;
  }

  public synchronized boolean has(String id) {
    return byId.containsKey(id);
  }

  /** Reserves {@code estimate} USD for a request, or says which hard budget refuses it. */
  public BudgetRefusal reserve(String requestId, String keyId, String teamId, String projectId, double estimate) {
    return reserve(requestId, keyId, teamId, projectId, () -> estimate);
  }

  /** The same, with the estimate computed only when a budget applies (the common request has none). */
  public BudgetRefusal reserve(String requestId, String keyId, String teamId, String projectId, java.util.function.DoubleSupplier estimateOf) {
    if (empty) return null;
    List<State> states = applicable(keyId, teamId, projectId);
    if (states.isEmpty()) return null;
    double estimate = estimateOf.getAsDouble(); // outside the lock: two event loops take it per request
    long now = clock.getAsLong();
    synchronized (this) {
      SharedSpend sh = shared;
      if (sh != null && !sh.available()) {
        State hard = null;
        for (State s : states) if (s.budget.hard()) hard = s;
        if (hard != null) { // a hard budget decided without the other instances' spend
          sh.decided();
          if (!sh.failOpen()) return new BudgetRefusal(hard.budget, hard.spent, hard.reserved, estimate, hard.periodEnd, true);
        }
      }
      for (State s : states) {
        s.roll(now);
        s.lastUse = now;
        if (s.budget.hard() && s.spent + s.reserved + estimate > s.budget.limitUsd()) {
          return new BudgetRefusal(s.budget, s.spent, s.reserved, estimate, s.periodEnd);
        }
      }
      for (State s : states) s.reserved += estimate;
      inFlight.put(requestId, new Reservation(states, estimate));
      return null;
    }
  }

  /**
   * The budgets a request of this key, team and project falls under, computed once per key and
   * kept until a budget is added or removed (or the key's team or project changes), rather than
   * three lookups of freshly built strings per request. Lock-free: {@code byTarget}'s lists are
   * replaced, never changed, and a budget added or removed meanwhile counts from the next request.
   */
  private List<State> applicable(String keyId, String teamId, String projectId) {
    if (keyId == null) return compute(null, teamId, projectId);
    long v = version; // read before computing: a change meanwhile leaves the entry stale, not wrong
    Applicable a = byKey.get(keyId);
    if (a != null && a.version == v && Objects.equals(a.teamId, teamId) && Objects.equals(a.projectId, projectId)) return a.states;
    List<State> states = compute(keyId, teamId, projectId);
    if (byKey.size() >= MAX_KEYS_CACHED) byKey.clear(); // bounded: keys come and go
    byKey.put(keyId, new Applicable(v, teamId, projectId, states));
    return states;
  }

  private List<State> compute(String keyId, String teamId, String projectId) {
    List<State> out = new ArrayList<>(2);
    if (keyId != null) out.addAll(byTarget.getOrDefault(target(Budget.Scope.KEY, keyId), List.of()));
    if (teamId != null) out.addAll(byTarget.getOrDefault(target(Budget.Scope.TEAM, teamId), List.of()));
    if (projectId != null) out.addAll(byTarget.getOrDefault(target(Budget.Scope.PROJECT, projectId), List.of()));
    return List.copyOf(out);
  }

  /** Settles a finished request: releases its reservation and books its real cost. */
  @Override
  public void onRequest(RequestRecord r) {
    Reservation res = inFlight.remove(r.requestId());
    if (empty && res == null) return;
    List<Alert> due = new ArrayList<>(0);
    long now = clock.getAsLong();
    List<State> charged = r.costUsd() > 0 ? applicable(r.keyId(), r.teamId(), r.projectId()) : List.of();
    synchronized (this) {
      if (res != null) {
        for (State s : res.states()) {
          s.reserved -= res.amount();
          if (s.reserved < 1e-12) s.reserved = 0; // floating-point residue of many adds and subtracts
        }
      }
      if (r.costUsd() > 0) {
        for (State s : charged) {
          s.roll(now);
          s.spent += r.costUsd();
          s.unflushed += r.costUsd();
          thresholds(s, now, due);
        }
      }
    }
    send(due);
  }

  /** Under the lock: the thresholds {@code s}'s spend has passed and not yet announced. */
  private static void thresholds(State s, long now, List<Alert> due) {
    for (int t : s.budget.thresholds()) {
      if (!s.fired.contains(t) && s.spent >= s.budget.limitUsd() * t / 100.0) {
        s.fired.add(t);
        Budget b = s.budget;
        due.add(new Alert(b.id(), b.scope().id(), b.targetId(), b.period().id(), s.periodStart, s.periodEnd, t, s.spent,
            b.limitUsd(), b.hard(), now));
      }
    }
  }

  /** Outside the lock: the sink may log, enqueue, or ask the shared store whether another instance sent it. */
  private void send(List<Alert> due) {
    SharedSpend sh = shared;
    for (Alert a : due) {
      if (sh != null) sh.alert(a, alerts);
      else alerts.send(a);
    }
  }

  /**
   * Shared spend: hands over the costs settled since the last call, for every budget that has
   * some, plus (as reads, delta 0) every budget when {@code all}, or those reserved against since
   * {@code hotSinceMs}. Each must be answered with {@link #synced} or {@link #unsynced}.
   */
  public synchronized List<Pending> takePending(boolean all, long hotSinceMs) {
    long now = clock.getAsLong();
    List<Pending> out = new ArrayList<>();
    for (State s : byId.values()) {
      s.roll(now);
      if (s.unflushed == 0 && !all && s.lastUse < hotSinceMs) continue;
      double d = s.unflushed;
      s.unflushed = 0;
      s.sending += d;
      out.add(new Pending(s, d));
    }
    return out;
  }

  /** Shared spend: the store added {@code p}'s delta and reported the period's {@code total} (all instances). */
  public void synced(Pending p, double total) {
    List<Alert> due = new ArrayList<>();
    long now = clock.getAsLong();
    synchronized (this) {
      State s = p.state;
      s.roll(now);
      if (byId.get(s.budget.id()) != s || s.periodStart != p.periodStart) return; // replaced, or a new period began
      s.sending -= p.delta;
      if (Math.abs(s.sending) < 1e-12) s.sending = 0;
      s.base = total;
      s.spent = s.base + s.sending + s.unflushed;
      thresholds(s, now, due);
    }
    send(due);
  }

  /** Shared spend: {@code p} did not reach the store (or may not have): its costs are handed over again next time. */
  public synchronized void unsynced(Pending p) {
    State s = p.state;
    s.roll(clock.getAsLong());
    if (byId.get(s.budget.id()) != s || s.periodStart != p.periodStart) return;
    s.sending -= p.delta;
    if (Math.abs(s.sending) < 1e-12) s.sending = 0;
    s.unflushed += p.delta;
  }

  public synchronized List<View> views() {
    long now = clock.getAsLong();
    List<View> out = new ArrayList<>();
    for (State s : byId.values()) {
      s.roll(now);
      out.add(new View(s.budget, s.periodStart, s.periodEnd, s.spent, s.reserved, s.fired.stream().sorted().toList()));
    }
    return out;
  }

  public int inFlight() {
    return inFlight.size();
  }
}
