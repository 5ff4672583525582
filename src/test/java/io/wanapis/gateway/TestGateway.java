package io.wanapis.gateway;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import io.wanapis.Gateway;
import io.wanapis.config.ConfigLoader;
import io.wanapis.config.GatewayConfig;
import io.wanapis.config.Settings;
import io.wanapis.config.SettingsResolver;
import io.wanapis.simulator.SimulatorOptions;
import io.wanapis.usage.RequestRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A real gateway on a free port with the in-process simulator, configured from YAML like a user would. */
public final class TestGateway implements AutoCloseable {
  public static final String MASTER_KEY = "sk-test-master-0123456789";

  public final Gateway gateway;
  public final List<RequestRecord> records = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  private TestGateway(String yaml, SimulatorOptions sim) throws Exception {
    GatewayConfig cfg = new ConfigLoader(Map.<String, String>of()::get).parse(yaml, "test.yaml");
    // A fresh data directory (store, encryption key) per gateway unless the YAML names one.
    String tmpData = java.nio.file.Files.createTempDirectory("wanapis-test").toString();
    Settings s = new SettingsResolver(Map.of("WANAPIS_DATA_DIR", tmpData)::get).resolve(cfg, "test.yaml", 0, "127.0.0.1");
    gateway = new Gateway(s, MASTER_KEY, sim, List.of(records::add));
    gateway.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  public static TestGateway start(String yaml) throws Exception {
    return new TestGateway(yaml, SimulatorOptions.fast());
  }

  public static TestGateway start(String yaml, SimulatorOptions sim) throws Exception {
    return new TestGateway(yaml, sim);
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + gateway.port() + "/v1";
  }

  public OpenAIClient sdk() {
    return sdk(MASTER_KEY);
  }

  public OpenAIClient sdk(String key) {
    return OpenAIOkHttpClient.builder().apiKey(key).baseUrl(baseUrl()).maxRetries(0).timeout(Duration.ofSeconds(30)).build();
  }

  /** A raw call, for what an SDK cannot send (malformed JSON, huge bodies). */
  public HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).header("content-type", "application/json");
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path)).GET();
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws Exception {
    gateway.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
