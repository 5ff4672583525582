package io.wanapis.budget;

import io.wanapis.usage.RequestRecord;
import io.wanapis.usage.UsageListener;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 */
public final class BudgetBook implements UsageListener {
  /** One budget's running state. Guarded by the book's lock. */
  static final class State {
    final Budget budget;
    long periodStart;
    long periodEnd;
    double spent;
    double reserved;
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
      fired.clear();
    }
  }

  /** A snapshot for the admin API. */
  public record View(Budget budget, long periodStart, long periodEnd, double spentUsd, double reservedUsd, List<Integer> alerted) {}

  private record Reservation(List<State> states, double amount) {}

  private final LongSupplier clock;
  private final AlertSink alerts;
  private final Map<String, State> byId = new LinkedHashMap<>();
  private final Map<String, List<State>> byTarget = new ConcurrentHashMap<>();
  private final Map<String, Reservation> inFlight = new ConcurrentHashMap<>();
  /** Read without the lock on the hot path: no budgets, no work at all. */
  private volatile boolean empty = true;

  public BudgetBook(LongSupplier clock, AlertSink alerts) {
    this.clock = clock;
    this.alerts = alerts;
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
    for (int t : b.thresholds()) if (s.spent >= b.limitUsd() * t / 100.0) s.fired.add(t);
    byId.put(b.id(), s);
    byTarget.computeIfAbsent(target(b.scope(), b.targetId()), k -> new ArrayList<>()).add(s);
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
    empty = byId.isEmpty();
    return true;
  }

  public synchronized boolean has(String id) {
    return byId.containsKey(id);
  }

  /** True when any budget applies to a request of this key, team or project. */
  public boolean applies(String keyId, String teamId, String projectId) {
    if (empty) return false;
    return byTarget.containsKey(target(Budget.Scope.KEY, keyId))
        || (teamId != null && byTarget.containsKey(target(Budget.Scope.TEAM, teamId)))
        || (projectId != null && byTarget.containsKey(target(Budget.Scope.PROJECT, projectId)));
  }

  /** Reserves {@code estimate} USD for a request, or says which hard budget refuses it. */
  public BudgetRefusal reserve(String requestId, String keyId, String teamId, String projectId, double estimate) {
    if (empty) return null;
    long now = clock.getAsLong();
    synchronized (this) {
      List<State> states = applicable(keyId, teamId, projectId);
      if (states.isEmpty()) return null;
      for (State s : states) {
        s.roll(now);
        if (s.budget.hard() && s.spent + s.reserved + estimate > s.budget.limitUsd()) {
          return new BudgetRefusal(s.budget, s.spent, s.reserved, estimate, s.periodEnd);
        }
      }
      for (State s : states) s.reserved += estimate;
      inFlight.put(requestId, new Reservation(states, estimate));
      return null;
    }
  }

  private List<State> applicable(String keyId, String teamId, String projectId) {
    List<State> out = new ArrayList<>(2);
    if (keyId != null) out.addAll(byTarget.getOrDefault(target(Budget.Scope.KEY, keyId), List.of()));
    if (teamId != null) out.addAll(byTarget.getOrDefault(target(Budget.Scope.TEAM, teamId), List.of()));
    if (projectId != null) out.addAll(byTarget.getOrDefault(target(Budget.Scope.PROJECT, projectId), List.of()));
    return out;
  }

  /** Settles a finished request: releases its reservation and books its real cost. */
  @Override
  public void onRequest(RequestRecord r) {
    Reservation res = inFlight.remove(r.requestId());
    if (empty && res == null) return;
    List<Alert> due = new ArrayList<>();
    long now = clock.getAsLong();
    synchronized (this) {
      if (res != null) {
        for (State s : res.states()) {
          s.reserved -= res.amount();
          if (s.reserved < 1e-12) s.reserved = 0; // floating-point residue of many adds and subtracts
        }
      }
      if (r.costUsd() > 0) {
        for (State s : applicable(r.keyId(), r.teamId(), r.projectId())) {
          s.roll(now);
          s.spent += r.costUsd();
          for (int t : s.budget.thresholds()) {
            if (!s.fired.contains(t) && s.spent >= s.budget.limitUsd() * t / 100.0) {
              s.fired.add(t);
              Budget b = s.budget;
              due.add(new Alert(b.id(), b.scope().id(), b.targetId(), b.period().id(), s.periodStart, s.periodEnd, t, s.spent,
                  b.limitUsd(), b.hard(), now));
            }
          }
        }
      }
    }
    for (Alert a : due) alerts.send(a); // outside the lock: the sink may log or enqueue
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
