package io.wanapis.usage;

/**
 * Receives every finished request. Called on the event loop: implementations must only enqueue
 * (never block, never touch a database or a file synchronously).
 */
@FunctionalInterface
public interface UsageListener {
  void onRequest(RequestRecord record);
}
