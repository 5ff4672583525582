package io.wanapis.keys;

/**
 * A check the caller's role puts on a key before it is written (and, for changes, on the key as
 * it was): a team admin may only touch its own team's keys. Throws to refuse.
 */
@FunctionalInterface
public interface KeyGuard {
  KeyGuard NONE = k -> {};

  void check(VirtualKey key);
}
