package io.wanapis.simulator;

/** Thrown while reading a request to answer it with an OpenAI error body. */
final class ApiException extends RuntimeException {

  private final OpenAiError error;

  ApiException(OpenAiError error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  OpenAiError error() {
    return error;
  }
}
