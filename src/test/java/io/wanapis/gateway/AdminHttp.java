package io.wanapis.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanapis.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Raw admin API calls for tests: status, headers and body exactly as a client sees them. */
public final class AdminHttp {
  public record Reply(int status, JsonNode json, String body, HttpResponse<String> raw) {
    public String id() { return json.path("id").asText(); }
    public String secret() { return json.path("key").asText(); }
    public String errorCode() { return json.path("error").path("code").asText(); }
  }

  // HTTP/1.1 (no h2c upgrade attempt on plain http), and every call bounded: a request that is
  // never answered fails its test instead of stalling the whole build (seen once in a newcomer run)
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(java.time.Duration.ofSeconds(10)).build();
  private final int port;
  private final String key;

  public AdminHttp(TestGateway gw, String key) {
    this.port = gw.gateway.port();
    this.key = key;
  }

  AdminHttp as(TestGateway gw, String otherKey) {
    return new AdminHttp(gw, otherKey);
  }

  public Reply get(String path) throws Exception {
    return send("GET", path, null);
  }

  public Reply post(String path, String json) throws Exception {
    return send("POST", path, json);
  }

  public Reply send(String method, String path, String json) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
        .header("content-type", "application/json")
        .timeout(java.time.Duration.ofSeconds(60));
    if (key != null) b.header("authorization", "Bearer " + key);
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode n = r.body().isEmpty() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(r.body());
    return new Reply(r.statusCode(), n, r.body(), r);
  }

  /** Creates a key and returns the answer (201 expected). */
  public Reply createKey(String json) throws Exception {
    Reply r = post("/admin/keys", json);
    if (r.status() != 201) throw new AssertionError("key creation failed: " + r.body());
    return r;
  }
}
