package io.wanapis.shared;

import io.wanapis.keys.KeyChanges;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link KeyChanges} between instances over Redis pub/sub (channel {@code wanapis:keys}, message
 * {@code keyId '\n' origin}): an instance that changed a key publishes it, every other instance
 * reloads that key from the shared store, typically within a few milliseconds.
 *
 * <p>Pub/sub does not keep messages for a disconnected subscriber. So when the link comes back
 * after an outage, the {@link #onResync} action (the gateway's full key reload) runs at once,
 * instead of waiting for the 60 s safety-net reload; a change published while Redis was down is
 * not sent (the instances learn it at that resync or the next full reload).
 */
public final class RedisKeyChanges implements KeyChanges {
  private static final Logger log = LoggerFactory.getLogger(RedisKeyChanges.class);
  static final String CHANNEL = "wanapis:keys";

  private final SharedRedis redis;
  private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> resync = new CopyOnWriteArrayList<>();
  private final AtomicBoolean wasUp = new AtomicBoolean();

  public RedisKeyChanges(SharedRedis redis) {
    this.redis = redis;
    redis.subscribe(CHANNEL, this::onMessage);
    redis.onUp(() -> {
      if (wasUp.getAndSet(true)) resync.forEach(Runnable::run); // a reconnect, not the first connect
    });
  }

  /** Runs after each reconnect (messages may have been missed while the link was down). */
  public void onResync(Runnable r) {
    resync.add(r);
  }

  @Override
  public void publish(Change change) {
    redis.publish(CHANNEL, change.keyId() + "\n" + change.origin())
        .onFailure(e -> log.warn("could not announce the change of key {} through redis ({}); other instances see it at their next reload",
            change.keyId(), e.getMessage()));
  }

  @Override
  public void subscribe(Consumer<Change> listener) {
    listeners.add(listener);
  }

  private void onMessage(String payload) {
    int nl = payload.indexOf('\n');
    if (nl <= 0) return;
    Change c = new Change(payload.substring(0, nl), payload.substring(nl + 1));
    for (Consumer<Change> l : listeners) l.accept(c);
  }
}
