package io.wanapis.keys;

import java.util.function.Consumer;

/**
 * Tells other gateway instances that a key changed, so they reload it from the store. The
 * instance that made the change has already updated its own cache; this is only the fan-out.
 * Single instance: {@link #NONE}. Several instances: a shared-state implementation (Redis
 * pub/sub, with the shared-state issue) whose delivery within a second bounds how long a revoked
 * key can still be used elsewhere.
 */
public interface KeyChanges extends AutoCloseable {
  /** A key was written by the instance {@code origin}. */
  record Change(String keyId, String origin) {}

  void publish(Change change);

  /** Called for every change published by any instance (including this one; filter by origin). */
  void subscribe(Consumer<Change> listener);

  @Override
  default void close() {}

  KeyChanges NONE = new KeyChanges() {
    @Override
    public void publish(Change change) {}

    @Override
    public void subscribe(Consumer<Change> listener) {}
  };
}
