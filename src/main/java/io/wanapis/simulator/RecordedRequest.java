package io.wanapis.simulator;

import java.util.Map;

/** One request as the simulator received it; header names are lower-case. */
public record RecordedRequest(String method, String uri, Map<String, String> headers, String body) {

  public RecordedRequest {
    headers = Map.copyOf(headers);
  }

  public String header(String name) {
    return headers.get(name.toLowerCase(java.util.Locale.ROOT));
  }
}
