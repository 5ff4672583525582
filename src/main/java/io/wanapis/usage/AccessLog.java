package io.wanapis.usage;

import com.fasterxml.jackson.core.JsonGenerator;
import io.wanapis.json.Json;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One JSON line per request, written by a background thread so the event loop only enqueues.
 * The queue is bounded: if the writer cannot keep up, records are dropped and counted (the count
 * is logged), rather than memory growing without limit or the event loop waiting.
 */
public final class AccessLog implements UsageListener, AutoCloseable {
  private static final int CAPACITY = 65_536;
  private static final long TICK_MS = 20;

  private final BlockingQueue<RequestRecord> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final OutputStream out;
  private final boolean closeOut;
  private final Thread writer;
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean running = true;

  private AccessLog(OutputStream out, boolean closeOut) {
    this.out = out;
    this.closeOut = closeOut;
    this.writer = new Thread(this::drainLoop, "wanapis-access-log");
    this.writer.setDaemon(true);
    this.writer.start();
  }

  /** {@code "stdout"} (or "-"), or a file path appended to. */
  public static AccessLog open(String target) throws IOException {
    if (target == null || target.equals("stdout") || target.equals("-")) {
      return new AccessLog(new BufferedOutputStream(new FileOutputStream(java.io.FileDescriptor.out), 1 << 16), false);
    }
    Path path = Path.of(target);
    if (path.getParent() != null) Files.createDirectories(path.getParent());
    return new AccessLog(new BufferedOutputStream(new FileOutputStream(path.toFile(), true), 1 << 16), true);
  }

  @Override
  public void onRequest(RequestRecord record) {
    if (!queue.offer(record)) dropped.incrementAndGet();
  }

  public long dropped() {
    return dropped.get();
  }

  /**
   * Wakes on its own every {@value #TICK_MS} ms and takes what queued up: producers (the event
   * loops) never have to signal a sleeping thread, which would cost a futex wake-up and a
   * context switch per request. One generator per batch, flushed to the file once per batch.
   */
  private void drainLoop() {
    List<RequestRecord> batch = new ArrayList<>(1024);
    try {
      while (running || !queue.isEmpty()) {
        if (queue.isEmpty()) {
          Thread.sleep(TICK_MS);
          continue;
        }
        queue.drainTo(batch, 4096);
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
          g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
          g.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
          g.setRootValueSeparator(null); // one object per line, no space between them
          for (RequestRecord r : batch) writeLine(g, r);
        }
        batch.clear();
        long lost = dropped.getAndSet(0);
        if (lost > 0) out.write(("{\"event\":\"access_log_overflow\",\"dropped\":" + lost + "}\n").getBytes());
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      System.err.println("access log: write failed, stopping: " + e);
    }
  }

  private void writeLine(JsonGenerator g, RequestRecord r) throws IOException {
    g.writeStartObject();
    g.writeStringField("ts", Instant.ofEpochMilli(r.timestampMs()).toString());
    g.writeStringField("id", r.requestId());
    g.writeStringField("key", r.keyId());
    g.writeStringField("endpoint", r.endpoint());
    g.writeStringField("model", r.model());
    if (r.routedModel() != null && !r.routedModel().equals(r.model())) g.writeStringField("routed_model", r.routedModel());
    if (r.variant() != null) g.writeStringField("variant", r.variant());
    if (r.cacheHit()) g.writeBooleanField("cache_hit", true);
    g.writeStringField("provider", r.provider());
    g.writeStringField("deployment", r.deployment());
    g.writeNumberField("status", r.status());
    if (r.errorCode() != null) g.writeStringField("error", r.errorCode());
    g.writeBooleanField("stream", r.stream());
    Usage u = r.usage();
    writeTokens(g, "tokens_in", u.inputTokens());
    writeTokens(g, "tokens_out", u.outputTokens());
    writeTokens(g, "tokens_cached", u.cachedTokens());
    writeTokens(g, "tokens_reasoning", u.reasoningTokens());
    if (u.estimated()) g.writeBooleanField("tokens_estimated", true);
    g.writeNumberField("latency_ms", round(r.latencyMs()));
    if (r.ttftMs() >= 0) g.writeNumberField("ttft_ms", round(r.ttftMs()));
    g.writeNumberField("attempts", r.attempts());
    if (r.user() != null) g.writeStringField("user", r.user());
    if (r.teamId() != null) g.writeStringField("team", r.teamId());
    if (r.projectId() != null) g.writeStringField("project", r.projectId());
    if (!r.tags().isEmpty()) {
      g.writeArrayFieldStart("tags");
      for (String t : r.tags()) g.writeString(t);
      g.writeEndArray();
    }
    if (r.costUsd() >= 0) g.writeNumberField("cost_usd", r.costUsd());
    g.writeEndObject();
    g.writeRaw('\n');
  }

  private static void writeTokens(JsonGenerator g, String field, long n) throws IOException {
    if (n >= 0) g.writeNumberField(field, n);
    else g.writeNullField(field);
  }

  private static double round(double ms) {
    return Math.round(ms * 1000.0) / 1000.0;
  }

  @Override
  public void close() {
    running = false;
    try {
      writer.join(5_000);
      out.flush();
      if (closeOut) out.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException ignored) {
      // nothing left to do with a log we cannot flush
    }
  }
}
