package io.wanapis.providers;

import io.wanapis.config.Settings.ProviderSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.List;

/**
 * A configured provider at run time: its spec, its adapter and its own pooled HTTP client
 * (keep-alive; HTTP/2 negotiated by ALPN when the upstream is TLS and offers it).
 */
public final class Provider {
  private final ProviderSpec spec;
  private final ProviderAdapter adapter;
  private final Vertx vertx;
  private final HttpClientOptions options;
  private final PoolOptions pool;
  /**
   * One client (and connection pool) per event-loop thread: a pooled connection belongs to the
   * event loop that opened it, and a request made from another loop would hop between threads
   * twice (there and back) on every call.
   */
  private final java.util.concurrent.ConcurrentHashMap<Thread, HttpClientAgent> clients = new java.util.concurrent.ConcurrentHashMap<>();
  private final String host;
  private final int port;
  private final boolean ssl;
  private final String basePath;

  public Provider(Vertx vertx, ProviderSpec spec, URI baseUrl, ProviderAdapter adapter) {
    this.spec = spec;
    this.adapter = adapter;
    this.ssl = "https".equals(baseUrl.getScheme());
    this.host = baseUrl.getHost();
    this.port = baseUrl.getPort() > 0 ? baseUrl.getPort() : ssl ? 443 : 80;
    String path = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
    this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    HttpClientOptions opts = new HttpClientOptions()
        .setKeepAlive(true)
        .setTcpNoDelay(true)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, spec.timeouts().connectMs()))
        .setDecompressionSupported(false);
    if (ssl) {
      opts.setSsl(true).setUseAlpn(true).setProtocolVersion(HttpVersion.HTTP_2)
          .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
    }
    this.vertx = vertx;
    this.options = opts;
    this.pool = new PoolOptions().setHttp1MaxSize(spec.maxConnections()).setHttp2MaxSize(Math.max(1, spec.maxConnections() / 100));
  }

  public ProviderSpec spec() { return spec; }
  public String name() { return spec.name(); }
  public ProviderAdapter adapter() { return adapter; }
  /** The calling event loop's own client. */
  public HttpClientAgent client() {
    Thread t = Thread.currentThread();
    HttpClientAgent c = clients.get(t);
    return c != null ? c : clients.computeIfAbsent(t, x -> vertx.createHttpClient(options, pool));
  }

  public RequestOptions requestOptions(UpstreamRequest up, long connectTimeoutMs) {
    RequestOptions o = new RequestOptions()
        .setMethod(up.method())
        .setHost(host)
        .setPort(port)
        .setSsl(ssl)
        .setURI(basePath + "/" + up.path())
        .setHeaders(up.headers());
    if (connectTimeoutMs > 0) o.setConnectTimeout(connectTimeoutMs);
    return o;
  }

  /** The base URL as requests see it (default ports omitted, as a signer expects the Host header). */
  public String baseUrl() {
    boolean defaultPort = ssl ? port == 443 : port == 80;
    return (ssl ? "https://" : "http://") + host + (defaultPort ? "" : ":" + port) + basePath;
  }

  public Future<Void> close() {
    return Future.all(clients.values().stream().map(HttpClientAgent::close).toList()).mapEmpty();
  }
}
