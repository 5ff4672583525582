package io.wanapis.simulator;

/** Thrown while reading a request to answer it with an error body in the request's wire protocol. */
final class ApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient WireError error;

  ApiException(WireError error) {
    super(error.toString(), null, false, false);
    this.error = error;
  }

  WireError error() {
    return error;
  }
}
