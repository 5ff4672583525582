package io.wanapis.simulator;

/** Thrown while reading a request to answer it with an OpenAI error body. */
final class ApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient OpenAiError error;

  ApiException(OpenAiError error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  OpenAiError error() {
    return error;
  }
}
