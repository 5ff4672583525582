package io.wanapis.budget;

/** Where alerts go; called on whatever thread settled the request, so it must not block. */
@FunctionalInterface
public interface AlertSink {
  void send(Alert alert);
}
