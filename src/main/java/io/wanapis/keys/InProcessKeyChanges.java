package io.wanapis.keys;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * {@link KeyChanges} between instances in one JVM: what a Redis channel will do across machines,
 * used to test the fan-out (two gateways over one database) without Redis.
 */
public final class InProcessKeyChanges implements KeyChanges {
  private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();

  @Override
  public void publish(Change change) {
    for (Consumer<Change> l : listeners) l.accept(change);
  }

  @Override
  public void subscribe(Consumer<Change> listener) {
    listeners.add(listener);
  }
}
