package io.wanapis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanapis.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The CLI's way to the admin API: JSON over HTTP with the admin key as a Bearer token. */
final class AdminClient {
  /** An answer: HTTP status and the parsed body. */
  record Answer(int status, JsonNode body) {
    boolean ok() { return status >= 200 && status < 300; }

    String errorMessage() {
      JsonNode e = body.path("error");
      return e.isMissingNode() ? "HTTP " + status : "HTTP " + status + " " + e.path("code").asText() + ": " + e.path("message").asText();
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;
  private final String key;

  AdminClient(String baseUrl, String key) {
    this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.key = key;
  }

  Answer get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  Answer send(String method, String path, JsonNode body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).header("content-type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body))));
  }

  private Answer send(HttpRequest.Builder b) throws IOException, InterruptedException {
    b.header("authorization", "Bearer " + key).timeout(Duration.ofSeconds(30));
    HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    JsonNode body;
    try {
      body = r.body().length == 0 ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(r.body());
    } catch (IOException e) {
      body = Json.MAPPER.createObjectNode().put("raw", new String(r.body(), StandardCharsets.UTF_8));
    }
    return new Answer(r.statusCode(), body);
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
