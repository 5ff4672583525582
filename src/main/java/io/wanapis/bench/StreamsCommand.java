package io.wanapis.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Many concurrent long streams: opens {@code --concurrency} streaming requests (spread over
 * {@code --ramp-ms}), each on its own connection, keeps reading all of them, and checks that
 * every one ends with {@code data: [DONE]}. Reports the largest gap between two chunks of any
 * stream: with a paced upstream, a gap far above its pace is a stall somewhere on the way.
 * Prints {@code ALL_OPEN} once every stream has its response head, so a script can sample the
 * server while all streams are open.
 */
@Command(name = "streams", mixinStandardHelpOptions = true, description = "Open many concurrent streams, check each completes, report the largest gap between chunks.")
public final class StreamsCommand implements Callable<Integer> {
  @Option(names = "--url", required = true, description = "Full URL, e.g. http://127.0.0.1:4000/v1/chat/completions")
  String url;

  @Option(names = "--key", description = "Bearer key (optional).")
  String key;

  @Option(names = "--model", defaultValue = "gpt-4o-mini", description = "Model in the request body (default ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--body-file", description = "Send this JSON body instead of the built-in streaming chat request.")
  Path bodyFile;

  @Option(names = "--concurrency", defaultValue = "2000", description = "Streams open at once (default ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--ramp-ms", defaultValue = "2000", description = "Open the streams evenly over this time (default ${DEFAULT-VALUE}).")
  long rampMs;

  @Option(names = "--duration", defaultValue = "60", description = "Seconds to wait for every stream to end; unfinished ones count as failed (default ${DEFAULT-VALUE}).")
  long durationSeconds;

  @Option(names = "--stall-ms", defaultValue = "1000", description = "A gap between chunks above this counts as a stall (default ${DEFAULT-VALUE}).")
  long stallMs;

  @Option(names = "--label", defaultValue = "streams", description = "Name printed on the RESULT line.")
  String label;

  /** One stream's record; touched only on the client's event loop. */
  private static final class Stream {
    long askedAt;
    long sentAt;
    long headAt;
    long firstAt = -1;
    long lastAt;
    long maxGap;
    /** When the largest gap ended. */
    long maxGapAt;
    int events;
    boolean headSeen;
    boolean ended;
    boolean ok;
    final Tail tail = new Tail();
  }

  private Stream[] streams;
  private long startNanos;
  /** The longest this client's own event loop was late for a 50 ms tick: gaps it caused itself. */
  private long maxSelfLag;
  private long maxSelfLagAt;
  /** Seconds since the start in which this client's loop was over 100 ms late, and by how much at most (ms). */
  private final java.util.TreeMap<Long, Long> selfLagSeconds = new java.util.TreeMap<>();
  private int headsSeen;
  private int open;
  private int peakOpen;
  private int ended;
  private long allOpenAt = -1;
  private final CountDownLatch finished = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
    HttpClientAgent client = vertx.createHttpClient(
        new HttpClientOptions().setKeepAlive(false).setTcpNoDelay(true).setConnectTimeout(30_000).setIdleTimeout(0),
        new PoolOptions().setHttp1MaxSize(concurrency).setMaxWaitQueueSize(-1));
    Buffer body = BenchClient.body(bodyFile, model);
    RequestOptions options = BenchClient.post(url, key);
    streams = new Stream[concurrency];
    long start = System.nanoTime();
    startNanos = start;
    vertx.runOnContext(v -> {
      // Open in ticks of 10 ms so the connections arrive as a steady ramp, not one burst.
      long ticks = Math.max(1, rampMs / 10);
      int[] next = {0};
      long[] tick = {0};
      vertx.setPeriodic(0, 10, id -> {
        tick[0]++;
        int due = (int) Math.min(concurrency, (long) concurrency * tick[0] / ticks);
        while (next[0] < due) open(vertx, client, options, body, next[0]++);
        if (next[0] >= concurrency) vertx.cancelTimer(id);
      });
      long[] lastTick = {System.nanoTime()};
      vertx.setPeriodic(50, id -> {
        long now = System.nanoTime();
        long lag = now - lastTick[0] - TimeUnit.MILLISECONDS.toNanos(50);
        if (lag > maxSelfLag) {
          maxSelfLag = lag;
          maxSelfLagAt = now;
        }
        if (lag > TimeUnit.MILLISECONDS.toNanos(100)) {
          selfLagSeconds.merge(TimeUnit.NANOSECONDS.toSeconds(now - startNanos), lag / 1_000_000, Math::max);
        }
        lastTick[0] = now;
      });
      vertx.setPeriodic(2000, id -> System.err.printf("%s: %.0f s: %d heads, %d open, %d ended%n",
          label, (System.nanoTime() - start) / 1e9, headsSeen, open, ended));
    });
    boolean inTime = finished.await(durationSeconds, TimeUnit.SECONDS);
    long wall = System.nanoTime() - start;
    // Read the results on the event loop that wrote them.
    CountDownLatch read = new CountDownLatch(1);
    int[] result = {1}; // failed, unless the report says otherwise
    vertx.runOnContext(v -> {
      result[0] = report(wall, inTime);
      read.countDown();
    });
    read.await(10, TimeUnit.SECONDS);
    client.close();
    vertx.close();
    return result[0];
  }

  private void open(Vertx vertx, HttpClientAgent client, RequestOptions options, Buffer body, int i) {
    Stream s = new Stream();
    s.askedAt = System.nanoTime();
    streams[i] = s;
    client.request(options).onFailure(e -> end(s, false)).onSuccess(req -> {
      s.sentAt = System.nanoTime();
      req.send(body).onFailure(e -> end(s, false)).onSuccess(resp -> {
        s.headSeen = true;
        s.headAt = System.nanoTime();
        headsSeen++;
        open++;
        peakOpen = Math.max(peakOpen, open);
        if (headsSeen == concurrency) {
          allOpenAt = System.nanoTime();
          System.out.println("ALL_OPEN " + concurrency);
          System.out.flush();
        }
        resp.handler(chunk -> {
          long now = System.nanoTime();
          int events = BenchClient.countDataLines(chunk, s.tail.atLineStart());
          if (s.firstAt < 0) {
            if (events > 0) s.firstAt = now;
          } else if (now - s.lastAt > s.maxGap) {
            s.maxGap = now - s.lastAt;
            s.maxGapAt = now;
          }
          s.events += events;
          s.lastAt = now;
          s.tail.add(chunk);
        });
        resp.exceptionHandler(e -> end(s, false));
        resp.endHandler(v -> end(s, resp.statusCode() == 200 && s.tail.done()));
      });
    });
  }

  private void end(Stream s, boolean ok) {
    if (s.ended) return;
    s.ended = true;
    s.ok = ok;
    if (s.headSeen) open--;
    ended++;
    if (ended == concurrency) finished.countDown();
  }

  private int report(long wallNanos, boolean inTime) {
    Histogram gaps = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
    Histogram lengths = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
    Histogram connects = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
    Histogram heads = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
    int ok = 0, failed = 0, unfinished = 0, stalled = 0;
    long maxGap = 0;
    long minEvents = Long.MAX_VALUE;
    for (Stream s : streams) {
      if (s == null || !s.ended) {
        unfinished++;
        continue;
      }
      if (!s.ok) {
        failed++;
        continue;
      }
      ok++;
      connects.recordValue(Math.max(0, s.sentAt - s.askedAt));
      heads.recordValue(Math.max(0, s.headAt - s.sentAt));
      gaps.recordValue(s.maxGap);
      lengths.recordValue(Math.max(0, s.lastAt - s.sentAt));
      maxGap = Math.max(maxGap, s.maxGap);
      minEvents = Math.min(minEvents, s.events);
      if (s.maxGap > TimeUnit.MILLISECONDS.toNanos(stallMs)) stalled++;
    }
    if (ok == 0) minEvents = 0;
    // When the stalls happened: seconds since the start at which a gap over --stall-ms ended.
    java.util.TreeMap<Long, Integer> stallSeconds = new java.util.TreeMap<>();
    long maxGapAt = 0;
    for (Stream s : streams) {
      if (s == null || !s.ok) continue;
      if (s.maxGap == maxGap) maxGapAt = s.maxGapAt;
      if (s.maxGap > TimeUnit.MILLISECONDS.toNanos(stallMs)) {
        stallSeconds.merge(TimeUnit.NANOSECONDS.toSeconds(s.maxGapAt - startNanos), 1, Integer::sum);
      }
    }
    System.out.printf("%s: %d streams asked, %d completed with [DONE], %d failed, %d unfinished after %d s; peak open %d%n",
        label, concurrency, ok, failed, unfinished, durationSeconds, peakOpen);
    System.out.printf("%s: largest gap between chunks of any stream %.1f ms (per-stream largest gap: p50 %.1f ms, p99 %.1f ms); %d streams with a gap over %d ms%n",
        label, maxGap / 1e6, gaps.getValueAtPercentile(50) / 1e6, gaps.getValueAtPercentile(99) / 1e6, stalled, stallMs);
    if (maxGap > 0) {
      System.out.printf("%s: the largest gap ended %.1f s after the start%s%n", label, (maxGapAt - startNanos) / 1e9,
          stallSeconds.isEmpty() ? "" : "; streams whose largest gap (over " + stallMs + " ms) ended in second n: " + stallSeconds);
    }
    System.out.printf("%s: opening: connection ready p50 %.1f ms, p99 %.1f ms after asked; response head p50 %.1f ms, p99 %.1f ms after sent%n",
        label, connects.getValueAtPercentile(50) / 1e6, connects.getValueAtPercentile(99) / 1e6,
        heads.getValueAtPercentile(50) / 1e6, heads.getValueAtPercentile(99) / 1e6);
    System.out.printf("%s: this client's own event loop was at most %.1f ms late (%.1f s after the start)%s%n",
        label, maxSelfLag / 1e6, maxSelfLag > 0 ? (maxSelfLagAt - startNanos) / 1e9 : 0.0,
        selfLagSeconds.isEmpty() ? "" : "; late by over 100 ms in second n (ms): " + selfLagSeconds);
    System.out.printf("%s: stream length (request sent to last chunk): min %.1f s, p50 %.1f s, max %.1f s; at least %d events each; wall %.1f s%n",
        label, lengths.getMinValue() / 1e9, lengths.getValueAtPercentile(50) / 1e9, lengths.getMaxValue() / 1e9, minEvents, wallNanos / 1e9);
    System.out.println("RESULT " + label + " asked=" + concurrency + " completed=" + ok + " failed=" + failed
        + " unfinished=" + unfinished + " peak_open=" + peakOpen + " all_open=" + (allOpenAt > 0)
        + " max_gap_ms=" + String.format("%.1f", maxGap / 1e6)
        + " p50_stream_max_gap_ms=" + String.format("%.1f", gaps.getValueAtPercentile(50) / 1e6)
        + " p99_stream_max_gap_ms=" + String.format("%.1f", gaps.getValueAtPercentile(99) / 1e6)
        + " stalled=" + stalled + " stall_ms=" + stallMs
        + " max_gap_at_s=" + String.format("%.1f", maxGap > 0 ? (maxGapAt - startNanos) / 1e9 : 0)
        + " p99_connect_ms=" + String.format("%.1f", connects.getValueAtPercentile(99) / 1e6)
        + " p99_head_ms=" + String.format("%.1f", heads.getValueAtPercentile(99) / 1e6)
        + " client_lag_ms=" + String.format("%.1f", maxSelfLag / 1e6)
        + " min_length_s=" + String.format("%.1f", lengths.getMinValue() / 1e9)
        + " p50_length_s=" + String.format("%.1f", lengths.getValueAtPercentile(50) / 1e9)
        + " min_events=" + minEvents
        + " wall_s=" + String.format("%.1f", wallNanos / 1e9));
    return ok == concurrency && inTime ? 0 : 1;
  }
}
