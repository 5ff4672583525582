package io.wanapis.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpServerResponse;

/** An error answer in one provider's envelope: its HTTP status and its JSON body. */
interface WireError {

  int status();

  ObjectNode toJson();

  /** The body of the answer whose request-id header is {@code requestId} (Anthropic repeats it in the body). */
  default ObjectNode toJson(String requestId) {
    return toJson();
  }

  /** Headers the error adds to its answer (Bedrock's {@code x-amzn-ErrorType}); none by default. */
  default void headers(HttpServerResponse response) {}
}
