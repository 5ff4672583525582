package io.wanapis.bench;

import io.vertx.core.MultiMap;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import io.wanapis.auth.Principal;
import io.wanapis.keys.KeyEndpoints;
import io.wanapis.keys.KeyRole;
import io.wanapis.keys.KeyStatus;
import io.wanapis.keys.Limits;
import io.wanapis.keys.ModelPatterns;
import io.wanapis.keys.Team;
import io.wanapis.keys.VirtualKey;
import io.wanapis.json.RequestPeeker;
import io.wanapis.limits.LocalQuotaCounters;
import io.wanapis.limits.Plan;
import io.wanapis.limits.PromptTokens;
import io.wanapis.limits.QuotaBook;
import io.wanapis.limits.QuotaEnforcer;
import io.wanapis.providers.Endpoint;
import io.wanapis.providers.InboundCall;
import io.wanapis.providers.Protocol;
import io.wanapis.store.Store;
import io.wanapis.usage.TokenCounter;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What in-memory quota enforcement costs per request, in process, as {@code bench/features.sh}'s
 * {@code limits-memory} variant exercises it: a key on a plan with rpm, tpm, rpd, tpd and
 * max_concurrent, its team with rpm and tpm (seven counters), a chat body whose system prompt
 * repeats and whose user question is new every time. Per request: admit, the rate-limit headers
 * written, release with the real usage.
 *
 * <pre>
 * mvn -o -q package -DskipTests &amp;&amp; mvn -o -q test-compile
 * java -cp target/wanapis.jar:target/test-classes io.wanapis.bench.QuotaBench [rounds] [requests per round]
 * </pre>
 *
 * The "two threads at once" row runs the counters-only loop from two threads on the same key, as
 * the gateway's two event loops do: what sharing the counters' cache lines between cores costs.
 *
 * <p>Prints, per mode and round: ns of wall time, ns of this thread's CPU, ns of the whole
 * process's CPU (this thread plus the JIT, GC and any pool that helps, e.g. a cache's
 * maintenance) and bytes allocated, each per request. The machine may be shared: compare
 * ratios within one run, over several rounds.
 */
public final class QuotaBench {
  private static final byte[][] NO_BODIES = new byte[0][];

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    TokenCounter.warmUp();
    Plan plan = new Plan("bench", 100_000_000L, 100_000_000_000L, 100_000_000_000L, 100_000_000_000_000L, 100_000, null, null, null, null);
    Limits team = new Limits(100_000_000, 100_000_000_000L, null, null, null, null, null, null, null, null);
    VirtualKey key = new VirtualKey("k_bench", "bench", "sk-b", KeyRole.APP, "t_bench", null, null, List.of(), Set.copyOf(KeyEndpoints.ALL),
        KeyStatus.ACTIVE, null, 0, 0, null, Map.of(), new Limits(null, null, null, null, "bench", null, null, null, null, null));
    Principal principal = new Principal(key.id(), KeyRole.APP, key.teamId(), ModelPatterns.ANY, Set.copyOf(KeyEndpoints.ALL));
    Map<String, QuotaEnforcer> enforcers = new java.util.LinkedHashMap<>();
    for (boolean fast : new boolean[] {false, true}) {
      QuotaBook book = new QuotaBook(List.of(plan), null, fast);
      book.reload(store(List.of(new Team("t_bench", "bench-team", Map.of(), 0, team))));
      LocalQuotaCounters counters = new LocalQuotaCounters();
      enforcers.put(fast ? "limits-memory (token_estimate: fast, the default)" : "limits-memory-tokenizer", new QuotaEnforcer(book, id -> id.equals(key.id()) ? key : null, () -> counters));
    }
    // the same with the prompt counted before the clock starts: the counters, headers and release alone
    enforcers.put("counters only (prompt counted before)", enforcers.get("limits-memory (token_estimate: fast, the default)"));
    long[] question = {0};
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long self = Thread.currentThread().getId();
    System.out.println("| round | mode | wall ns/req | thread CPU ns/req | process CPU ns/req | bytes/req |");
    System.out.println("|--:|---|--:|--:|--:|--:|");
    for (int r = -2; r < rounds; r++) { // two warm-up rounds, not printed
      for (Map.Entry<String, QuotaEnforcer> e : enforcers.entrySet()) {
        QuotaEnforcer q = e.getValue();
        byte[][] bodies = bodies(perRound, question);
        InboundCall[] calls = new InboundCall[perRound];
        for (int i = 0; i < perRound; i++) {
          calls[i] = new InboundCall("req-" + i, Protocol.OPENAI, Endpoint.CHAT, bodies[i], bodies[i].length, RequestPeeker.peek(bodies[i],
              bodies[i].length), MultiMap.caseInsensitiveMultiMap());
          if (e.getKey().startsWith("counters")) calls[i].promptTokenEstimate(true);
        }
        MultiMap headers = HeadersMultiMap.httpHeaders();
        System.gc();
        long a0 = threads.getThreadAllocatedBytes(self), c0 = threads.getCurrentThreadCpuTime(), p0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        long sink = 0;
        for (InboundCall call : calls) {
          QuotaEnforcer.Admission a = q.admit(principal, call).result();
          a.status().writeTo(headers);
          sink += a.reservedTokens();
          q.release(a, 40);
        }
        long wall = System.nanoTime() - t0;
        long cpu = threads.getCurrentThreadCpuTime() - c0, proc = os.getProcessCpuTime() - p0;
        long bytes = threads.getThreadAllocatedBytes(self) - a0;
        if (r >= 0) {
          System.out.printf("| %d | %s | %.0f | %.0f | %.0f | %.0f |%n", r, e.getKey(), (double) wall / perRound, (double) cpu / perRound,
              (double) proc / perRound, (double) bytes / perRound);
        }
        if (sink == 42) System.out.println(headers);
      }
      // "counters only" from two threads at once, as the gateway's two event loops call it: the
      // same key's counters then move between the cores' caches on every take and settle
      {
        QuotaEnforcer q = enforcers.get("counters only (prompt counted before)");
        byte[][] bodies = bodies(perRound, question);
        InboundCall[] calls = new InboundCall[perRound];
        for (int i = 0; i < perRound; i++) {
          calls[i] = new InboundCall("req2-" + i, Protocol.OPENAI, Endpoint.CHAT, bodies[i], bodies[i].length, RequestPeeker.peek(bodies[i],
              bodies[i].length), MultiMap.caseInsensitiveMultiMap());
          calls[i].promptTokenEstimate(true);
        }
        System.gc();
        long p0 = os.getProcessCpuTime(), t0 = System.nanoTime();
        Thread[] two = new Thread[2];
        for (int k = 0; k < 2; k++) {
          int from = k * perRound / 2, to = (k + 1) * perRound / 2;
          two[k] = new Thread(() -> {
            MultiMap headers = HeadersMultiMap.httpHeaders();
            for (int i = from; i < to; i++) {
              QuotaEnforcer.Admission a = q.admit(principal, calls[i]).result();
              a.status().writeTo(headers);
              q.release(a, 40);
            }
          });
        }
        for (Thread t : two) t.start();
        for (Thread t : two) t.join();
        long wall = System.nanoTime() - t0, proc = os.getProcessCpuTime() - p0;
        if (r >= 0) {
          System.out.printf("| %d | counters only, two threads at once (CPU of both) | %.0f | | %.0f | |%n", r, (double) wall / perRound,
              (double) proc / perRound);
        }
      }
      // the prompt count alone (tokenizer mode), for the share of the tokenizer and the parse
      byte[][] bodies = bodies(perRound, question);
      long c0 = threads.getCurrentThreadCpuTime(), a0 = threads.getThreadAllocatedBytes(self);
      long sink = 0;
      for (byte[] b : bodies) sink += PromptTokens.count(b, b.length);
      long cpu = threads.getCurrentThreadCpuTime() - c0, bytes = threads.getThreadAllocatedBytes(self) - a0;
      if (r >= 0) System.out.printf("| %d | PromptTokens.count only | | %.0f | | %.0f |%n", r, (double) cpu / perRound, (double) bytes / perRound);
      if (sink == 42) System.out.println(sink);
    }
    System.exit(0);
  }

  /** The bench's chat request (bench/bench.py fixtures), each with its own question. */
  private static byte[][] bodies(int n, long[] question) {
    byte[][] out = n == 0 ? NO_BODIES : new byte[n][];
    for (int i = 0; i < n; i++) {
      out[i] = ("{\"messages\":[{\"content\":\"You are a helpful assistant.\",\"role\":\"system\"},{\"content\":\"What is the capital of "
          + "France? Question " + (++question[0]) + " of the run.\",\"role\":\"user\"}],\"model\":\"gpt-4o-mini\",\"n\":1}")
          .getBytes(StandardCharsets.UTF_8);
    }
    return out;
  }

  /** A store that only answers what the quota book reads. */
  private static Store store(List<Team> teams) {
    return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class}, (p, m, a) -> switch (m.getName()) {
      case "listTeams" -> teams;
      case "listPlans", "listProjects" -> List.of();
      default -> throw new UnsupportedOperationException(m.getName());
    });
  }
}
