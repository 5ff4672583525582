package io.wanapis.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Time to first token: one streaming request at a time over one keep-alive connection, timed
 * from just before the request is written to the arrival of the first {@code data:} line.
 * Each stream is read to its end ({@code [DONE]}) before the next request. With
 * {@code --baseline-url}, the two URLs take turns request by request and the difference is
 * printed: the simulator's own timer jitter (about a millisecond) then hits both alike.
 */
@Command(name = "ttft", mixinStandardHelpOptions = true, description = "Time from request sent to the first SSE data: line, one stream at a time.")
public final class TtftCommand implements Callable<Integer> {
  @Option(names = "--url", required = true, description = "Full URL, e.g. http://127.0.0.1:4000/v1/chat/completions")
  String url;

  @Option(names = "--key", description = "Bearer key (optional).")
  String key;

  @Option(names = "--model", defaultValue = "gpt-4o-mini", description = "Model in the request body (default ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--body-file", description = "Send this JSON body instead of the built-in streaming chat request.")
  Path bodyFile;

  @Option(names = "--n", defaultValue = "300", description = "Measured requests (default ${DEFAULT-VALUE}).")
  int n;

  @Option(names = "--warmup", defaultValue = "100", description = "Unmeasured requests first (default ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--label", defaultValue = "ttft", description = "Name of --url on the RESULT lines (default ${DEFAULT-VALUE}).")
  String label;

  @Option(names = "--baseline-url", description = "Also measure this URL (e.g. the upstream called directly), alternating "
      + "request by request with --url so drift on the machine hits both alike; prints the difference.")
  String baselineUrl;

  @Option(names = "--baseline-key", description = "Bearer key for --baseline-url (optional).")
  String baselineKey;

  @Option(names = "--baseline-label", defaultValue = "baseline", description = "Name of --baseline-url on the RESULT lines (default ${DEFAULT-VALUE}).")
  String baselineLabel;

  /** One URL under test, with its own keep-alive connection and histogram. */
  private static final class Target {
    final String label;
    final RequestOptions options;
    final HttpClientAgent client;
    final Histogram hist = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    long failures;

    Target(String label, RequestOptions options, HttpClientAgent client) {
      this.label = label;
      this.options = options;
      this.client = client;
    }
  }

  @Override
  public Integer call() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
    Buffer body = BenchClient.body(bodyFile, model);
    List<Target> targets = new ArrayList<>();
    if (baselineUrl != null) targets.add(new Target(baselineLabel, BenchClient.post(baselineUrl, baselineKey), client(vertx)));
    targets.add(new Target(label, BenchClient.post(url, key), client(vertx)));
    long[] diffs = new long[n];
    int diffCount = 0;
    try {
      for (int i = 0; i < warmup + n; i++) {
        boolean measured = i >= warmup;
        long[] got = new long[targets.size()];
        for (int j = 0; j < targets.size(); j++) {
          // Alternate which URL goes first, so neither always follows the other.
          int k = (i % 2 == 0) ? j : targets.size() - 1 - j;
          Target t = targets.get(k);
          long ttft = one(t.client, t.options, body).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
          got[k] = ttft;
          if (ttft < 0) t.failures++;
          else if (measured) t.hist.recordValue(ttft);
        }
        if (measured && targets.size() == 2 && got[0] >= 0 && got[1] >= 0) {
          diffs[diffCount++] = got[1] - got[0];
        }
      }
    } finally {
      for (Target t : targets) t.client.close();
      vertx.close();
    }
    boolean ok = true;
    for (Target t : targets) {
      Histogram h = t.hist;
      long count = h.getTotalCount();
      System.out.printf("%s: %d streams (%d warm-up), time to first data: line: p50 %.1f µs, p90 %.1f µs, p99 %.1f µs, max %.1f µs, mean %.1f µs; %d failed%n",
          t.label, count, warmup, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3,
          h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3, h.getMean() / 1e3, t.failures);
      System.out.println("RESULT " + t.label + " n=" + count + " failed=" + t.failures
          + " p50_us=" + BenchClient.us(h.getValueAtPercentile(50))
          + " p90_us=" + BenchClient.us(h.getValueAtPercentile(90))
          + " p99_us=" + BenchClient.us(h.getValueAtPercentile(99))
          + " max_us=" + BenchClient.us(h.getMaxValue())
          + " min_us=" + BenchClient.us(h.getMinValue())
          + " mean_us=" + BenchClient.us((long) h.getMean()));
      ok &= t.failures == 0 && count == n;
    }
    if (targets.size() == 2) {
      Target b = targets.get(0), m = targets.get(1);
      long d50 = m.hist.getValueAtPercentile(50) - b.hist.getValueAtPercentile(50);
      long d99 = m.hist.getValueAtPercentile(99) - b.hist.getValueAtPercentile(99);
      long[] sorted = java.util.Arrays.copyOf(diffs, diffCount);
      java.util.Arrays.sort(sorted);
      long paired = diffCount == 0 ? 0 : sorted[diffCount / 2];
      System.out.printf("%s minus %s: p50 %+.1f µs, p99 %+.1f µs; median of request-by-request differences %+.1f µs%n",
          m.label, b.label, d50 / 1e3, d99 / 1e3, paired / 1e3);
      System.out.println("RESULT " + m.label + "_minus_" + b.label + " p50_us=" + BenchClient.us(d50)
          + " p99_us=" + BenchClient.us(d99) + " paired_median_us=" + BenchClient.us(paired));
    }
    return ok ? 0 : 1;
  }

  private static HttpClientAgent client(Vertx vertx) {
    return vertx.createHttpClient(
        new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(10_000),
        new PoolOptions().setHttp1MaxSize(1));
  }

  /** One stream; completes with its TTFT in ns, or -1 when it failed or ended without [DONE]. */
  private Future<Long> one(HttpClientAgent client, RequestOptions options, Buffer body) {
    Promise<Long> done = Promise.promise();
    client.request(options).onFailure(e -> done.tryComplete(-1L)).onSuccess(req -> {
      long[] ttft = {-1};
      Tail tail = new Tail();
      long t0 = System.nanoTime();
      req.send(body).onFailure(e -> done.tryComplete(-1L)).onSuccess(resp -> {
        resp.handler(chunk -> {
          if (ttft[0] < 0 && BenchClient.hasDataLine(chunk, tail.atLineStart())) ttft[0] = System.nanoTime() - t0;
          tail.add(chunk);
        });
        resp.exceptionHandler(e -> done.tryComplete(-1L));
        resp.endHandler(v -> done.tryComplete(resp.statusCode() == 200 && tail.done() ? ttft[0] : -1L));
      });
    });
    return done.future();
  }
}
