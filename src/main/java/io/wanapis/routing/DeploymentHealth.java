package io.wanapis.routing;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the gateway has seen of one deployment (provider + upstream model), shared by every
 * route that uses it: requests in flight, smoothed latency and time to first token, requests and
 * tokens this minute, and a circuit breaker.
 *
 * <p>Circuit breaker: {@code failures} consecutive retryable failures open it for
 * {@code seconds} (doubling on each re-trip, at most 5 minutes); a 429 / 503 with
 * {@code retry-after} opens it for exactly that long. When the time is up, one request (the
 * probe) may go through; its success closes the breaker, its failure re-opens it.
 */
public final class DeploymentHealth {
  private static final double ALPHA = 0.2;
  private static final long PROBE_TIMEOUT_NANOS = 30_000_000_000L;

  private final String label;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  private final AtomicInteger trips = new AtomicInteger();
  private final AtomicBoolean probeClaimed = new AtomicBoolean();
  private volatile long probeClaimedAt;
  private volatile long openUntilNanos;
  private volatile boolean open;
  /** Opened by the upstream's own retry-after (it said when to come back), not by a failure count. */
  private volatile boolean openByRetryAfter;
  private volatile String lastFailure;
  private volatile double latencyMs = -1;
  private volatile double ttftMs = -1;
  private final AtomicLong minute = new AtomicLong();
  private final AtomicLong minuteRequests = new AtomicLong();
  private final AtomicLong minuteTokens = new AtomicLong();

  /** Shared state (issue 8): told when this breaker opens, so other instances can open theirs. */
  private final DeploymentState owner;

  DeploymentHealth(String label) {
    this(label, null);
  }

  DeploymentHealth(String label, DeploymentState owner) {
    this.label = label;
    this.owner = owner;
  }

  public String label() { return label; }
  public int inFlight() { return inFlight.get(); }
  public double latencyMs() { return latencyMs; }
  public double ttftMs() { return ttftMs; }
  public boolean isOpen() { return open; }
  public boolean openByRetryAfter() { return open && openByRetryAfter; }
  /** The last failure's code, for error messages ("cooling down after upstream_unreachable"). */
  public String lastFailure() { return lastFailure; }

  /** Nanoseconds until the breaker lets a probe through (0 when closed or ready). */
  public long remainingCooldownNanos(long now) {
    return open ? Math.max(0, openUntilNanos - now) : 0;
  }

  /**
   * Whether a request may go here now. When the breaker's time is up, exactly one caller gets
   * {@code true} (the probe) until the probe reports back or times out.
   */
  public boolean tryEnter(long now) {
    if (!open) return true;
    if (now < openUntilNanos) return false;
    if (probeClaimed.compareAndSet(false, true)) {
      probeClaimedAt = now;
      return true;
    }
    if (now - probeClaimedAt > PROBE_TIMEOUT_NANOS) { // the probe never reported: let another try
      probeClaimedAt = now;
      return true;
    }
    return false;
  }

  /** Read-only form of {@link #tryEnter} for ordering decisions. */
  public boolean looksAvailable(long now) {
    return !open || (now >= openUntilNanos && !probeClaimed.get());
  }

  public void started(long estimatedTokens) {
    inFlight.incrementAndGet();
    rollMinute();
    minuteRequests.incrementAndGet();
    if (estimatedTokens > 0) minuteTokens.addAndGet(estimatedTokens);
  }

  public void finished() {
    inFlight.decrementAndGet();
  }

  public void succeeded(double latency, double ttft) {
    consecutiveFailures.set(0);
    trips.set(0);
    open = false;
    openByRetryAfter = false;
    probeClaimed.set(false);
    latencyMs = latencyMs < 0 ? latency : latencyMs + ALPHA * (latency - latencyMs);
    if (ttft >= 0) ttftMs = ttftMs < 0 ? ttft : ttftMs + ALPHA * (ttft - ttftMs);
  }

  /**
   * @param retryAfterSeconds the upstream's retry-after, or -1
   * @param threshold consecutive failures that open the breaker (0 = never by count)
   */
  public void failed(long now, long retryAfterSeconds, int threshold, int cooldownSeconds, String code) {
    int failures = consecutiveFailures.incrementAndGet();
    lastFailure = code;
    probeClaimed.set(false);
    if (retryAfterSeconds > 0) {
      openFor(now, retryAfterSeconds * 1_000_000_000L);
      openByRetryAfter = true;
      if (owner != null) owner.opened(label, retryAfterSeconds * 1_000L, code, true);
    } else if (threshold > 0 && failures >= threshold) {
      int t = Math.min(trips.incrementAndGet(), 6);
      long seconds = Math.min(300, (long) cooldownSeconds << (t - 1));
      openFor(now, seconds * 1_000_000_000L);
      if (owner != null) owner.opened(label, seconds * 1_000L, code, false);
    }
  }

  /** Shared state (issue 8): another instance opened its breaker for this deployment; skip it here too. */
  public void openedElsewhere(long now, long millis, String code, boolean byRetryAfter) {
    lastFailure = code;
    openFor(now, millis * 1_000_000L);
    if (byRetryAfter) openByRetryAfter = true;
  }

  private void openFor(long now, long nanos) {
    openUntilNanos = Math.max(openUntilNanos, now + nanos);
    open = true;
  }

  public void addTokens(long tokens) {
    rollMinute();
    if (tokens > 0) minuteTokens.addAndGet(tokens);
  }

  /** max(requests / rpm, tokens / tpm) this minute; 0 without limits. */
  public double utilization(Integer rpm, Integer tpm) {
    rollMinute();
    double u = 0;
    if (rpm != null && rpm > 0) u = Math.max(u, minuteRequests.get() / (double) rpm);
    if (tpm != null && tpm > 0) u = Math.max(u, minuteTokens.get() / (double) tpm);
    return u;
  }

  private void rollMinute() {
    long m = System.currentTimeMillis() / 60_000;
    long seen = minute.get();
    if (seen != m && minute.compareAndSet(seen, m)) {
      minuteRequests.set(0);
      minuteTokens.set(0);
    }
  }
}
