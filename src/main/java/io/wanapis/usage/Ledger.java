package io.wanapis.usage;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.wanapis.json.Json;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Collection;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The usage ledger's write-behind: the event loop only enqueues (bounded queue); one writer
 * thread writes batches to the store. Nothing is dropped:
 *
 * <ul>
 *   <li>store down: the batch is retried with backoff; while it is down and the queue fills past
 *       half, the queue is moved to the spill file so the event loop never meets a full queue;
 *   <li>queue full anyway (or the ledger already closed): the record is appended to the spill
 *       file on the caller's thread — a short local append, the only case the event loop touches
 *       a file;
 *   <li>start and every successful write: a spill file left over is replayed into the store;
 *   <li>close: the queue is drained into the store, or into the spill file if the store is down.
 * </ul>
 *
 * Retries cannot double-count: the store skips a batch it already has (rows by request id, a
 * chunk by its id), and a batch that failed after it may have been committed is spilled under a
 * {@value #BATCH_MARK} line and replayed as exactly that batch.
 *
 * <p>Why a tick: the writer never blocks on the queue. When it waited in {@code poll}, every
 * record offered while it was idle woke it (a futex call on the event loop) and it then wrote
 * batches of one or two rows, a transaction each: 20 µs of writer CPU and ~10 µs of event-loop
 * CPU per request at 18,000 requests/s (docs/benchmarks.md). Now it drains what gathered, writes
 * it in one transaction and sleeps {@value #TICK_MS} ms when the batch was not full, so a record
 * reaches the store within about that time plus the write. The queue is lock-free for the same
 * reason: a locked queue made event loops park (a futex call each) while the writer drained it.
 */
public final class Ledger implements UsageListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Ledger.class);
  private static final ObjectMapper JSON = Json.MAPPER;
  /** How long the writer lets records gather when it found fewer than a batch. */
  static final long TICK_MS = 20;
  /** A spill-file line that says the next N records were written to the store as one batch. */
  static final String BATCH_MARK = "#batch ";

  /** Where batches go: {@code Store::insertUsage}. Throws when the store is unavailable. */
  @FunctionalInterface
  public interface Sink {
    int write(List<RequestRecord> batch);
  }

  private final Sink sink;
  private final Path spillFile;
  private final Path replayFile;
  private final int capacity;
  private final int batchSize;
  private final RecordQueue queue;
  private final Object fileLock = new Object();
  private final Thread writer;
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong spilled = new AtomicLong();
  private final AtomicLong replayed = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile boolean closing;
  private volatile boolean closed;
  private volatile boolean spillPending;

  public Ledger(Sink sink, Path spillFile, int capacity, int batchSize) {
    this.sink = sink;
    this.spillFile = spillFile;
    this.replayFile = spillFile.resolveSibling(spillFile.getFileName() + ".replaying");
    this.capacity = capacity;
    this.batchSize = batchSize;
    this.queue = new RecordQueue(capacity);
    this.spillPending = Files.exists(spillFile) || Files.exists(replayFile);
    this.writer = new Thread(this::run, "wanapis-ledger");
    this.writer.setDaemon(true);
  }

  public Ledger start() {
    writer.start();
    return this;
  }

  @Override
  public void onRequest(RequestRecord r) {
    if (closed || !queue.offer(r)) {
      spill(List.of(r));
    } else if (closed && queue.remove(r)) {
      spill(List.of(r)); // enqueued just as close() drained the queue for the last time
    }
  }

  public long written() { return written.get(); }
  public long spilled() { return spilled.get(); }
  public long replayed() { return replayed.get(); }
  public long failures() { return failures.get(); }
  public int queued() { return queue.size(); }

  // ---------------------------------------------------------------- writer thread

  private void run() {
    replaySpill();
    List<RequestRecord> batch = new ArrayList<>(batchSize);
    try {
      while (!closing || !queue.isEmpty()) {
        queue.drainTo(batch, batchSize);
        if (batch.isEmpty()) {
          if (spillPending && !closing) replaySpill();
          Thread.sleep(TICK_MS);
          continue;
        }
        boolean full = batch.size() == batchSize;
        writeWithRetry(batch);
        batch.clear();
        // a part batch: let records gather for a tick rather than write them one by one
        if (!full && !closing) Thread.sleep(TICK_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closed = true;
      // whatever is still here could not be written: keep it on disk for the next start
      List<RequestRecord> rest = new ArrayList<>(batch);
      queue.drainTo(rest);
      if (!rest.isEmpty()) spill(rest);
    }
  }

  private void writeWithRetry(List<RequestRecord> batch) throws InterruptedException {
    long backoff = 100;
    while (true) {
      try {
        sink.write(batch);
        written.addAndGet(batch.size());
        if (spillPending && !closing) replaySpill();
        return;
      } catch (RuntimeException e) {
        long n = failures.incrementAndGet();
        if (n == 1 || n % 50 == 0) log.warn("usage ledger: store write failed ({} records waiting): {}", batch.size() + queue.size(), e.getMessage());
        // While the store is down, keep the queue well below full so the event loop never has to
        // spill; at shutdown, put everything on disk rather than wait.
        if (closing || queue.size() > capacity / 2) {
          List<RequestRecord> rest = new ArrayList<>();
          queue.drainTo(rest);
          spill(batch, rest);
          return;
        }
        Thread.sleep(backoff);
        backoff = Math.min(backoff * 2, 2_000);
      }
    }
  }

  // ---------------------------------------------------------------- spill file

  private void spill(List<RequestRecord> records) {
    spill(List.of(), records);
  }

  /**
   * Appends records to the spill file. {@code attempted} is a batch the store may have committed
   * although the write failed (PostgreSQL can commit and lose the answer): it is marked as one
   * ({@value #BATCH_MARK} and its size) so the replay writes it as exactly that batch again, which
   * the store recognises and skips if the first try did arrive (a chunk's id is its first id, size
   * and last id). {@code rest} never reached the store and is batched freely on replay.
   */
  private void spill(List<RequestRecord> attempted, List<RequestRecord> rest) {
    synchronized (fileLock) {
      try {
        if (spillFile.getParent() != null) Files.createDirectories(spillFile.getParent());
        try (BufferedWriter w = Files.newBufferedWriter(spillFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
          if (!attempted.isEmpty()) {
            w.write(BATCH_MARK + attempted.size());
            w.write('\n');
          }
          for (List<RequestRecord> part : List.of(attempted, rest)) {
            for (RequestRecord r : part) {
              w.write(JSON.writeValueAsString(r));
              w.write('\n');
            }
          }
        }
        spilled.addAndGet(attempted.size() + rest.size());
        spillPending = true;
      } catch (IOException e) {
        // The one way records can be lost: no store and no disk. Say so loudly, with the count.
        log.error("usage ledger: cannot write {} records to {}: {} (records lost)", attempted.size() + rest.size(), spillFile, e.getMessage());
      }
    }
  }

  /** Moves the spill file aside (new spills start a fresh one) and writes it to the store in batches. */
  private void replaySpill() {
    synchronized (fileLock) {
      try {
        if (!Files.exists(replayFile) && Files.exists(spillFile)) Files.move(spillFile, replayFile, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        log.warn("usage ledger: cannot move {} aside for replay: {}", spillFile, e.getMessage());
        return;
      }
    }
    if (!Files.exists(replayFile)) {
      spillPending = Files.exists(spillFile);
      return;
    }
    long n = 0;
    try (BufferedReader in = Files.newBufferedReader(replayFile, StandardCharsets.UTF_8)) {
      List<RequestRecord> batch = new ArrayList<>(batchSize);
      // the same file is always cut into the same batches, so a replay retried after a failure
      // half-way writes batches the store recognises (and skips) where they did arrive
      int marked = 0; // records left of a batch marked in the file
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) continue;
        if (line.startsWith(BATCH_MARK)) {
          if (!batch.isEmpty()) {
            sink.write(batch);
            n += batch.size();
            batch.clear();
          }
          marked = markedSize(line);
          continue;
        }
        boolean inMarked = marked > 0;
        try {
          batch.add(JSON.readValue(line, RequestRecord.class));
        } catch (IOException e) {
          log.warn("usage ledger: skipping an unreadable line of {}: {}", replayFile, e.getMessage());
          if (!inMarked) continue;
        }
        if (inMarked ? --marked == 0 : batch.size() == batchSize) {
          sink.write(batch);
          n += batch.size();
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        sink.write(batch);
        n += batch.size();
      }
    } catch (IOException | RuntimeException e) {
      // store down again (or the file unreadable): the whole file is retried later; rows already
      // written are skipped by their request id then
      failures.incrementAndGet();
      return;
    }
    try {
      Files.deleteIfExists(replayFile);
    } catch (IOException e) {
      log.warn("usage ledger: cannot delete {}: {}", replayFile, e.getMessage());
    }
    replayed.addAndGet(n);
    written.addAndGet(n);
    if (n > 0) log.info("usage ledger: replayed {} spilled records into the store", n);
    synchronized (fileLock) {
      spillPending = Files.exists(spillFile);
    }
  }

  private static int markedSize(String line) {
    try {
      return Math.max(0, Integer.parseInt(line.substring(BATCH_MARK.length()).trim()));
    } catch (NumberFormatException e) {
      return 0; // a damaged mark: its records are batched like the others
    }
  }

  /**
   * Drains the queue into the store (or the spill file when the store is down), waiting at most
   * {@code timeoutMs}. Records arriving after this go straight to the spill file.
   */
  public void close(long timeoutMs) {
    closing = true;
    try {
      if (writer.isAlive()) writer.join(timeoutMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closed = true;
    List<RequestRecord> rest = new ArrayList<>();
    queue.drainTo(rest);
    if (!rest.isEmpty()) spill(rest);
  }

  @Override
  public void close() {
    close(10_000);
  }

  /**
   * A bounded multi-producer queue without locks: event loops add with a CAS, the writer takes.
   * The bound is kept by a counter reserved before adding, so it is never exceeded.
   */
  private static final class RecordQueue {
    private final ConcurrentLinkedQueue<RequestRecord> items = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;

    RecordQueue(int capacity) {
      this.capacity = capacity;
    }

    boolean offer(RequestRecord r) {
      if (size.incrementAndGet() > capacity) {
        size.decrementAndGet();
        return false;
      }
      items.add(r);
      return true;
    }

    boolean remove(RequestRecord r) {
      if (!items.remove(r)) return false;
      size.decrementAndGet();
      return true;
    }

    int drainTo(Collection<RequestRecord> to) {
      return drainTo(to, Integer.MAX_VALUE);
    }

    int drainTo(Collection<RequestRecord> to, int max) {
      int n = 0;
      RequestRecord r;
      while (n < max && (r = items.poll()) != null) {
        to.add(r);
        n++;
      }
      size.addAndGet(-n);
      return n;
    }

    int size() {
      return size.get();
    }

    boolean isEmpty() {
      return items.isEmpty();
    }
  }
}
