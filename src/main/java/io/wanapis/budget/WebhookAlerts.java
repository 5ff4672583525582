package io.wanapis.budget;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.wanapis.json.Json;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every alert and, when a webhook is configured, POSTs it as JSON with
 * {@code x-wanapis-signature: sha256=<hex HMAC-SHA256 of the body with the secret>} (the way
 * GitHub and Stripe sign theirs, so receivers know the pattern). Sent from the event loop without
 * waiting; a failed delivery is retried twice (after 1 s and 4 s), then only logged.
 */
public final class WebhookAlerts implements AlertSink {
  private static final Logger log = LoggerFactory.getLogger("io.wanapis.budget.alerts");
  public static final String SIGNATURE_HEADER = "x-wanapis-signature";

  private final Vertx vertx;
  private final URI url;
  private final byte[] secret;
  private final HttpClient client;

  /** @param url null: log only */
  public WebhookAlerts(Vertx vertx, URI url, String secret) {
    this.vertx = vertx;
    this.url = url;
    this.secret = secret == null ? null : secret.getBytes(StandardCharsets.UTF_8);
    this.client = url == null ? null : vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000));
  }

  @Override
  public void send(Alert a) {
    log.warn("budget alert: {} {} {} budget {} reached {}% (${} of ${}, period from {})", a.scope(), a.targetId(), a.period(),
        a.budgetId(), a.thresholdPercent(), String.format(java.util.Locale.ROOT, "%.6f", a.spentUsd()),
        String.format(java.util.Locale.ROOT, "%.2f", a.limitUsd()), Instant.ofEpochMilli(a.periodStartMs()));
    if (client == null) return;
    byte[] body = body(a);
    vertx.runOnContext(v -> deliver(body, 0));
  }

  static byte[] body(Alert a) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("type", "budget.threshold");
    o.put("budget_id", a.budgetId());
    o.put("scope", a.scope());
    o.put("target_id", a.targetId());
    o.put("period", a.period());
    o.put("period_start", Instant.ofEpochMilli(a.periodStartMs()).toString());
    if (a.periodEndMs() != Long.MAX_VALUE) o.put("period_end", Instant.ofEpochMilli(a.periodEndMs()).toString());
    o.put("threshold_percent", a.thresholdPercent());
    o.put("spent_usd", a.spentUsd());
    o.put("limit_usd", a.limitUsd());
    o.put("hard", a.hard());
    o.put("at", Instant.ofEpochMilli(a.atMs()).toString());
    try {
      return Json.MAPPER.writeValueAsBytes(o);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** {@code sha256=} + lower-case hex HMAC-SHA256 of {@code body}. */
  public static String sign(byte[] secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private void deliver(byte[] body, int attempt) {
    int port = url.getPort() > 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
    String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
        + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST).setHost(url.getHost()).setPort(port)
        .setURI(path).setSsl("https".equals(url.getScheme())).setTimeout(10_000)
        .putHeader("content-type", "application/json").putHeader("x-wanapis-event", "budget.threshold");
    if (secret != null) ro.putHeader(SIGNATURE_HEADER, sign(secret, body));
    client.request(ro).compose(req -> req.send(Buffer.buffer(body))).onComplete(ar -> {
      int status = ar.succeeded() ? ar.result().statusCode() : -1;
      if (ar.succeeded() && status >= 200 && status < 300) return;
      String why = ar.succeeded() ? "HTTP " + status : String.valueOf(ar.cause().getMessage());
      if (attempt < 2) {
        vertx.setTimer(attempt == 0 ? 1_000 : 4_000, t -> deliver(body, attempt + 1));
      } else {
        log.error("budget alert webhook {} failed 3 times ({}); the alert is only in this log", url.getHost(), why);
      }
    });
  }
}
