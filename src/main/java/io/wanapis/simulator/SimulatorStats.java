package io.wanapis.simulator;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Counters and the last requests seen; safe to read from any thread. */
public final class SimulatorStats {

  static final int RECENT_CAPACITY = 100;

  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong cancelled = new AtomicLong();
  private final ArrayDeque<RecordedRequest> recent = new ArrayDeque<>(RECENT_CAPACITY);

  /** Requests received, whatever their outcome. */
  public long requests() {
    return requests.get();
  }

  /** Requests whose client closed the connection before the simulator finished the response. */
  public long cancelled() {
    return cancelled.get();
  }

  /** The last {@value #RECENT_CAPACITY} requests, oldest first. */
  public List<RecordedRequest> recent() {
    synchronized (recent) {
      return List.copyOf(recent);
    }
  }

  public void reset() {
    synchronized (recent) {
      requests.set(0);
      cancelled.set(0);
      recent.clear();
    }
  }

  void countRequest() {
    requests.incrementAndGet();
  }

  void countCancelled() {
    cancelled.incrementAndGet();
  }

  void record(RecordedRequest request) {
    synchronized (recent) {
      if (recent.size() == RECENT_CAPACITY) {
        recent.removeFirst();
      }
      recent.addLast(request);
    }
  }
}
