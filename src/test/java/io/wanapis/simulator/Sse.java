package io.wanapis.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Splits a {@code text/event-stream} body into its {@code data:} payloads. */
final class Sse {

  private Sse() {}

  /** Payloads of all {@code data:} events, {@code [DONE]} included. */
  static List<String> dataPayloads(String body) {
    List<String> out = new ArrayList<>();
    for (String event : body.split("\n\n")) {
      if (event.startsWith("data: ")) {
        out.add(event.substring("data: ".length()));
      }
    }
    return out;
  }

  /** The JSON chunks (everything but {@code [DONE]}). */
  static List<JsonNode> chunks(String body) {
    List<JsonNode> out = new ArrayList<>();
    for (String data : dataPayloads(body)) {
      if (!data.equals("[DONE]")) {
        try {
          out.add(Json.MAPPER.readTree(data));
        } catch (java.io.IOException e) {
          throw new AssertionError("stream chunk is not JSON: " + data, e);
        }
      }
    }
    return out;
  }

  static JsonNode json(String body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }
}
