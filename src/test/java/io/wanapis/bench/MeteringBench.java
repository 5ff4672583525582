package io.wanapis.bench;

import io.vertx.core.MultiMap;
import io.wanapis.auth.Principal;
import io.wanapis.budget.Budget;
import io.wanapis.budget.BudgetBook;
import io.wanapis.budget.BudgetGate;
import io.wanapis.budget.Period;
import io.wanapis.catalog.Catalog;
import io.wanapis.json.RequestPeeker;
import io.wanapis.keys.KeyEndpoints;
import io.wanapis.keys.KeyRole;
import io.wanapis.keys.ModelPatterns;
import io.wanapis.metrics.GatewayMetrics;
import io.wanapis.pipeline.RequestIds;
import io.wanapis.providers.Endpoint;
import io.wanapis.providers.InboundCall;
import io.wanapis.providers.Protocol;
import io.wanapis.routing.ModelRoute;
import io.wanapis.routing.Target;
import io.wanapis.store.Database;
import io.wanapis.store.DatabaseUrl;
import io.wanapis.store.JdbcStore;
import io.wanapis.store.LedgerFormat;
import io.wanapis.usage.Attribution;
import io.wanapis.usage.Ledger;
import io.wanapis.usage.Metering;
import io.wanapis.usage.RequestRecord;
import io.wanapis.usage.Usage;
import io.wanapis.usage.UsageListener;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * What metering and a budget cost per request, in process, as {@code bench/features.sh}'s
 * {@code metering+budget} variant exercises them: the budget reservation before the call, and
 * after it the budget's settlement, the ledger (to a real SQLite file, in each format) and the
 * Prometheus meters. The record's completion (attribution, price) runs in both loops, as it does
 * with metering off. Process CPU includes the ledger's writer thread.
 *
 * <pre>
 * mvn -o -q package -DskipTests &amp;&amp; mvn -o -q test-compile
 * java -cp target/wanapis.jar:target/test-classes io.wanapis.bench.MeteringBench [rounds] [requests per round]
 * </pre>
 */
public final class MeteringBench {
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    Path dir = Files.createTempDirectory("metering-bench");
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long self = Thread.currentThread().getId();
    Metering metering = new Metering(Catalog.builtIn(), id -> new Attribution(null, null));
    ModelRoute route = new ModelRoute("gpt-4o-mini", List.of(new Target(null, "gpt-4o-mini", null, null, null)), null, null);
    Principal principal = new Principal("k_bench", KeyRole.APP, null, ModelPatterns.ANY, Set.copyOf(KeyEndpoints.ALL));
    System.out.println("| round | mode | thread CPU ns/req | process CPU ns/req | ledger writer CPU ns/req | bytes/req |");
    System.out.println("|--:|---|--:|--:|--:|--:|");
    for (LedgerFormat format : LedgerFormat.values()) {
      try (JdbcStore store = new JdbcStore(Database.open(DatabaseUrl.resolve("jdbc:sqlite:" + dir.resolve(format.id() + ".db"), null)))) {
        BudgetBook book = new BudgetBook(System::currentTimeMillis, alert -> {});
        book.put(new Budget("b_bench", Budget.Scope.KEY, "k_bench", Period.MONTH, 1_000_000, true, List.of(50, 80, 100), "bench"), 0);
        BudgetGate gate = new BudgetGate(book, metering, 1024);
        Ledger ledger = new Ledger(batch -> store.insertUsage(batch, format), dir.resolve(format.id() + "-spill.jsonl"), 1_000_000, 500).start(); // never full here: the loop outruns any writer
        GatewayMetrics metrics = new GatewayMetrics(false);
        List<UsageListener> listeners = List.of(book, ledger, metrics);
        for (int r = -2; r < rounds; r++) { // two warm-up rounds, not printed
          for (boolean on : new boolean[] {false, true}) {
            InboundCall[] calls = calls(perRound);
            System.gc();
            Thread.sleep(100); // the writer empties the queue of the last loop
            long a0 = threads.getThreadAllocatedBytes(self), c0 = threads.getCurrentThreadCpuTime(), p0 = os.getProcessCpuTime();
            long w0 = writerCpu(threads);
            for (InboundCall call : calls) {
              if (on && gate.reserve(principal, call, route) != null) throw new IllegalStateException("refused");
              RequestRecord rec = new RequestRecord(System.currentTimeMillis(), call.requestId(), "k_bench", "chat", "gpt-4o-mini", "up",
                  "gpt-4o-mini", 200, null, false, new Usage(25, 9, 0, 0, false), 1.5, -1, 1, null, "gpt-4o-mini", null, false);
              rec = metering.complete(rec, call, null, 900);
              if (on) for (UsageListener l : listeners) l.onRequest(rec);
            }
            if (on) while (ledger.queued() > 0) Thread.sleep(5); // the writer's CPU for these records counts
            long cpu = threads.getCurrentThreadCpuTime() - c0, proc = os.getProcessCpuTime() - p0, writer = writerCpu(threads) - w0;
            long bytes = threads.getThreadAllocatedBytes(self) - a0;
            if (r >= 0) {
              System.out.printf("| %d | %s | %.0f | %.0f | %.0f | %.0f |%n", r, on ? "metering+budget, ledger " + format.id() : "off (record completed and priced)",
                  (double) cpu / perRound, (double) proc / perRound, (double) writer / perRound, (double) bytes / perRound);
            }
          }
        }
        ledger.close(10_000);
        System.out.println("| | ledger " + format.id() + ": " + store.countUsage() + " records written | | | | |");
      }
    }
    System.exit(0);
  }

  /** CPU time of the ledger's writer thread ({@code wanapis-ledger}) so far, ns. */
  private static long writerCpu(java.lang.management.ThreadMXBean threads) {
    long sum = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("wanapis-ledger")) sum += Math.max(0, threads.getThreadCpuTime(t.getId()));
    }
    return sum;
  }

  /** The bench's chat request (bench/bench.py fixtures), each with its own question and request id. */
  private static InboundCall[] calls(int n) {
    InboundCall[] out = new InboundCall[n];
    for (int i = 0; i < n; i++) {
      byte[] b = ("{\"messages\":[{\"content\":\"You are a helpful assistant.\",\"role\":\"system\"},{\"content\":\"What is the capital of "
          + "France? Question " + i + " of the run.\",\"role\":\"user\"}],\"model\":\"gpt-4o-mini\",\"n\":1}").getBytes(StandardCharsets.UTF_8);
      out[i] = new InboundCall(RequestIds.next(), Protocol.OPENAI, Endpoint.CHAT, b, b.length, RequestPeeker.peek(b, b.length),
          MultiMap.caseInsensitiveMultiMap());
    }
    return out;
  }
}
