#!/usr/bin/env python3
"""Renders the results of bench/run.sh (WORK/results.txt) into docs/benchmarks.md.

Everything after the RESULTS marker in the document is replaced; what comes before it (how to
run, what is measured, the analysis) is kept as it is.

  report.py WORK_DIR DOC
"""
import os
import re
import statistics
import sys

MARKER = "<!-- Everything below this line is written by bench/run.sh; edits are lost on the next run. -->"

# The targets, as stated in the project brief.
LAT_P50_MAX_US = 100
LAT_P99_MAX_US = 300
SAT_MIN_RATIO = 0.60
TTFT_MAX_US = 1000
HEAP_LIMIT_MIB = 256


def parse(path):
    rows = []
    for line in open(path):
        parts = line.split()
        if not parts:
            continue
        kv = {}
        for p in parts[1:]:
            if "=" in p:
                k, v = p.split("=", 1)
                kv[k] = v
        rows.append((parts[0], kv))
    return rows


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, digits=0, unit=""):
    if x is None:
        return "n/a"
    s = f"{x:,.{digits}f}"
    return s + unit


def signed(x, unit=" µs"):
    if x is None:
        return "n/a"
    return f"{x:+,.0f}{unit}"


def pct_of_cpu(share):
    """A share of one CPU as text; accounting noise can make a near-zero share slightly negative."""
    if share is None:
        return "n/a"
    return "≈0 %" if share < 0.02 else f"{share * 100:.0f} %"


def verdict(ok):
    return "**PASS**" if ok else "**MISS**"


class Results:
    def __init__(self, work):
        self.work = work
        self.rows = parse(os.path.join(work, "results.txt"))
        self.meta = {}
        for name, kv in self.rows:
            if name == "meta":
                self.meta.update(kv)

    def runs(self, prefix, path):
        return [kv for name, kv in self.rows
                if kv.get("path") == path and (name == prefix or re.fullmatch(prefix + r"_r\d+", name))]

    def one(self, name):
        for n, kv in self.rows:
            if n == name:
                return kv
        return {}

    def stat(self, prefix, path, key):
        return med([num(r.get(key)) for r in self.runs(prefix, path)])

    def rounds(self, prefix, path, key):
        return [num(r.get(key)) for r in self.runs(prefix, path)]

    def cpu_per_req_us(self, prefix, path, which):
        vals = []
        for r in self.runs(prefix, path):
            req, cpu = num(r.get("requests")), num(r.get("cpu_" + which + "_s"))
            if req and cpu is not None:
                vals.append(cpu / req * 1e6)
        return med(vals)

    def others(self, prefix):
        vals = []
        for name, kv in self.rows:
            if name == prefix or re.fullmatch(prefix + r"_r\d+", name):
                o, w = num(kv.get("cpu_others_s")), num(kv.get("wall_s"))
                if o is not None and w:
                    vals.append(o / w)
        return max(vals) if vals else None


def gc_window(work, start_uptime):
    """GC pauses of the streams gateway (from its -Xlog:gc file) from start_uptime on."""
    path = os.path.join(work, "gc-streams.log")
    if not os.path.exists(path):
        return {}
    pat = re.compile(r"\[(\d+\.\d+)s\].*Pause (\w+).*?\((.*?)\).*?(\d+)M->(\d+)M\((\d+)M\)\s+([\d.]+)ms")
    young_after, pauses = [], []
    for line in open(path):
        m = pat.search(line)
        if not m or (start_uptime is not None and float(m.group(1)) < start_uptime):
            continue
        pauses.append(float(m.group(7)))
        young_after.append(int(m.group(5)))
    return {
        "gcs": len(pauses),
        "max_after_mib": max(young_after) if young_after else None,
        "max_pause_ms": max(pauses) if pauses else None,
    }


def heap_used_mib(path):
    """Heap in use per `jcmd GC.heap_info` (young + old, or the G1 heap)."""
    if not os.path.exists(path):
        return None
    total, g1 = 0, None
    for line in open(path):
        m = re.match(r"\s*(PSYoungGen|ParOldGen|def new generation|tenured generation|garbage-first heap|Shenandoah|ZHeap)\s.*?used (\d+)K", line)
        if m:
            if m.group(1) == "garbage-first heap":
                g1 = int(m.group(2))
            else:
                total += int(m.group(2))
    kib = g1 if g1 is not None else total
    return kib / 1024 if kib else None


def render(work, doc):
    r = Results(work)
    m = r.meta
    out = []
    w = out.append

    cpu = m.get("cpu", "?").replace("_", " ")
    jdk = m.get("jdk", "?").replace("_", " ")
    w(f"## Results of the last run ({m.get('date', '?')})")
    w("")
    w(f"Machine: {m.get('nproc', '?')} CPUs ({cpu}), {m.get('ram_gib', '?')} GiB RAM, kernel {m.get('kernel', '?')}, "
      f"JDK {jdk}; nginx {m.get('nginx', '?')}, wrk {m.get('wrk', '?')}. Commit {m.get('commit', '?')}. "
      f"Whole run: {m.get('elapsed_s', '?')} s.")
    w("")
    jvm = m.get("gateway_jvm_opts", "").replace("_", " ")
    w(f"Gateway JVM: `java {jvm} -jar target/wanapis.jar serve` (2 event loops = `nproc`), "
      f"auth on (master key), access log on (a file). Upstream answers: chat.completion "
      f"{m.get('chat_bytes', '?')} bytes; SSE stream {m.get('sse_events', '?')} events, {m.get('sse_bytes', '?')} bytes.")
    w("")
    busy = num(m.get("busy_before_pct"))
    others = [x for x in (r.others("lat1"), r.others("chat"), r.others("sse")) if x is not None]
    worst = max(others) if others else None
    nice = m.get("nice", "0")
    noise = ((f"Every process of the benchmark ran at niceness {nice}. " if nice not in ("0", "") else "") +
             f"Machine load before the run: {m.get('load_before', '?').replace('/', ' ')} (1/5/15 min), "
             f"{fmt(busy)} % of the CPUs busy. CPU used by processes this benchmark did not start, "
             f"during the worst wrk run: {pct_of_cpu(worst)} of one CPU.")
    if (busy is not None and busy > 10) or (worst is not None and worst > 0.15):
        noise += (" **Other work was running on the machine; absolute figures are low and noisy, "
                  "compare the ratios (each path measured in alternation, median of rounds).**")
    w(noise)
    w("")

    # --------------------------------------------------------------- targets
    lat = {p: (r.stat("lat1", p, "p50_us"), r.stat("lat1", p, "p99_us")) for p in ("direct", "nginx", "gateway")}
    add50 = lat["gateway"][0] - lat["direct"][0] if None not in (lat["gateway"][0], lat["direct"][0]) else None
    add99 = lat["gateway"][1] - lat["direct"][1] if None not in (lat["gateway"][1], lat["direct"][1]) else None
    nadd50 = lat["nginx"][0] - lat["direct"][0] if None not in (lat["nginx"][0], lat["direct"][0]) else None
    nadd99 = lat["nginx"][1] - lat["direct"][1] if None not in (lat["nginx"][1], lat["direct"][1]) else None
    rps = {p: r.stat("chat", p, "rps") for p in ("direct", "nginx", "gateway")}
    ratio = rps["gateway"] / rps["nginx"] if rps["gateway"] and rps["nginx"] else None
    srps = {p: r.stat("sse", p, "rps") for p in ("direct", "nginx", "gateway")}
    sratio = srps["gateway"] / srps["nginx"] if srps["gateway"] and srps["nginx"] else None

    td = r.one("ttft_direct")
    tg = r.one("ttft_gateway")
    tdiff = r.one("ttft_gateway_minus_direct")
    ttft50 = num(tdiff.get("p50_us"))
    ttft99 = num(tdiff.get("p99_us"))
    ttftp = num(tdiff.get("paired_median_us"))

    sg = r.one("streams_gateway")
    sd = r.one("streams_direct")
    sample = r.one("streams_sample")
    gc = gc_window(work, num(r.one("streams_start").get("uptime_s")))
    used_open = heap_used_mib(os.path.join(work, "heap-all-open.txt"))
    asked = int(num(sg.get("asked")) or 0)
    completed = int(num(sg.get("completed")) or 0)
    stalled = int(num(sg.get("stalled")) or 0) if sg else None
    max_gap = num(sg.get("max_gap_ms"))
    stall_ms = num(sg.get("stall_ms"))
    # Heap after GC: the largest heap left after a GC pause while the streams ran; if no GC ran
    # then, the heap in use with all streams open (live plus garbage: an upper bound).
    heap_after = gc.get("max_after_mib") if gc.get("max_after_mib") is not None else used_open
    peak = int(num(sg.get("peak_open")) or 0)
    streams_ok = bool(sg) and completed == asked and asked > 0 and stalled == 0 and peak == asked \
        and heap_after is not None and heap_after < HEAP_LIMIT_MIB

    w("### Targets")
    w("")
    w("| target | measured (this run) | verdict |")
    w("|---|---|---|")
    if add50 is not None:
        w(f"| concurrency 1: gateway adds ≤ {LAT_P50_MAX_US} µs to P50 over direct | {signed(add50)} "
          f"(nginx proxy: {signed(nadd50)}) | {verdict(add50 <= LAT_P50_MAX_US)}"
          + ("" if add50 <= LAT_P50_MAX_US else f" by {add50 - LAT_P50_MAX_US:,.0f} µs") + " |")
    if add99 is not None:
        w(f"| concurrency 1: gateway adds ≤ {LAT_P99_MAX_US} µs to P99 over direct | {signed(add99)} "
          f"(nginx proxy: {signed(nadd99)}) | {verdict(add99 <= LAT_P99_MAX_US)}"
          + ("" if add99 <= LAT_P99_MAX_US else f" by {add99 - LAT_P99_MAX_US:,.0f} µs") + " |")
    if ratio is not None:
        w(f"| saturation (chat JSON, {64} connections): gateway ≥ {SAT_MIN_RATIO:.0%} of nginx's req/s | "
          f"{fmt(rps['gateway'])} ÷ {fmt(rps['nginx'])} = **{ratio:.2f}×** | {verdict(ratio >= SAT_MIN_RATIO)}"
          + ("" if ratio >= SAT_MIN_RATIO else f" by {(SAT_MIN_RATIO - ratio) * 100:.0f} points") + " |")
    if ttft50 is not None:
        w(f"| streaming: gateway adds ≤ 1 ms to time to first token (P50) | {signed(ttft50)} "
          f"(P99 {signed(ttft99)}; median of paired differences {signed(ttftp)}) | {verdict(ttft50 <= TTFT_MAX_US)}"
          + ("" if ttft50 <= TTFT_MAX_US else f" by {ttft50 - TTFT_MAX_US:,.0f} µs") + " |")
    if sg:
        w(f"| {asked:,} concurrent open streams, no stall, in < {HEAP_LIMIT_MIB} MiB heap | "
          f"{peak:,} open at once, {completed:,}/{asked:,} ended with [DONE]; largest gap between chunks {fmt(max_gap, 1)} ms "
          f"(pace {fmt(1000 / num(m.get('stream_tps', '0')) if num(m.get('stream_tps')) else None)} ms; {stalled} streams over {fmt(stall_ms)} ms); "
          f"heap after GC ≤ {fmt(heap_after)} MiB, in -Xmx{HEAP_LIMIT_MIB}m "
          f"| {verdict(streams_ok)} |")
    w("")

    # --------------------------------------------------------------- details
    w("### Latency at concurrency 1 (chat JSON, wrk -t1 -c1)")
    w("")
    n = len(r.runs("lat1", "direct"))
    w(f"Median of {n} rounds of alternating runs; µs.")
    w("")
    w("| path | P50 | P99 | P99.9 | mean | req/s | P50 per round | P99 per round |")
    w("|---|--:|--:|--:|--:|--:|---|---|")
    for p in ("direct", "nginx", "gateway"):
        w(f"| {p} | {fmt(r.stat('lat1', p, 'p50_us'))} | {fmt(r.stat('lat1', p, 'p99_us'))} | "
          f"{fmt(r.stat('lat1', p, 'p999_us'))} | {fmt(r.stat('lat1', p, 'mean_us'), 1)} | {fmt(r.stat('lat1', p, 'rps'))} | "
          f"{', '.join(fmt(x) for x in r.rounds('lat1', p, 'p50_us'))} | {', '.join(fmt(x) for x in r.rounds('lat1', p, 'p99_us'))} |")
    w("")
    w(f"Added over direct: gateway P50 {signed(add50)}, P99 {signed(add99)}; nginx proxy P50 {signed(nadd50)}, P99 {signed(nadd99)}.")
    w("")

    def sat_table(prefix, title, rp):
        n = len(r.runs(prefix, "direct"))
        w(f"### {title}")
        w("")
        w(f"wrk -t2 -c64, median of {n} rounds (paths alternate within a round). CPU per request is the "
          "process's user+system CPU time over the run divided by the requests it served; it moves less "
          "than req/s when other work shares the cores.")
        w("")
        w("| path | req/s | ÷ nginx | P50 µs | P99 µs | proxy CPU µs/req | upstream CPU µs/req | req/s per round |")
        w("|---|--:|--:|--:|--:|--:|--:|---|")
        for p in ("direct", "nginx", "gateway"):
            rat = rp[p] / rp["nginx"] if rp[p] and rp["nginx"] else None
            proxy_cpu = r.cpu_per_req_us(prefix, p, "proxy") if p != "direct" else None
            w(f"| {p} | {fmt(rp[p])} | {fmt(rat, 2)}× | {fmt(r.stat(prefix, p, 'p50_us'))} | {fmt(r.stat(prefix, p, 'p99_us'))} | "
              f"{fmt(proxy_cpu, 1) if p != 'direct' else '–'} | {fmt(r.cpu_per_req_us(prefix, p, 'upstream'), 1)} | "
              f"{', '.join(fmt(x) for x in r.rounds(prefix, p, 'rps'))} |")
        g, ng = r.cpu_per_req_us(prefix, "gateway", "proxy"), r.cpu_per_req_us(prefix, "nginx", "proxy")
        if g and ng:
            w("")
            w(f"The gateway spends {g / ng:.1f}× the CPU per request that nginx does ({fmt(g, 1)} vs {fmt(ng, 1)} µs).")
        whole = {}
        for p in ("direct", "nginx", "gateway"):
            vals = [sum(num(x.get(k)) or 0 for k in ("cpu_wrk_s", "cpu_upstream_s", "cpu_proxy_s")) / num(x.get("requests")) * 1e6
                    for x in r.runs(prefix, p) if num(x.get("requests"))]
            whole[p] = med(vals)
        w("")
        w(f"CPU per request of the whole path (wrk + upstream + proxy; the cores are shared, so this is what sets "
          f"req/s): direct {fmt(whole['direct'], 1)} µs, nginx {fmt(whole['nginx'], 1)} µs, gateway {fmt(whole['gateway'], 1)} µs.")
        w("")

    sat_table("chat", "Saturation, chat JSON (non-stream)", rps)
    sat_table("sse", f"Saturation, SSE stream ({m.get('sse_events', '?')} events a request)", srps)
    if sratio is not None:
        w(f"Streams relayed per second, gateway ÷ nginx: **{sratio:.2f}×** (no target; reported because the event "
          "relay is the streaming hot path).")
        w("")

    main = r.one("gateway_main")
    if main:
        total = sum(num(kv.get("requests")) or 0 for name, kv in r.rows
                    if kv.get("path") == "gateway" and not name.startswith("def_"))
        w(f"Metering check: the access log has {main.get('access_log_lines')} lines after the wrk runs "
          f"({fmt(total)} measured requests plus warm-up and checks), {main.get('overflow_events')} overflow events. "
          f"Gateway RSS after the wrk runs: {fmt(num(main.get('rss_kib')) / 1024 if main.get('rss_kib') else None)} MiB "
          f"(peak {fmt(num(main.get('hwm_kib')) / 1024 if main.get('hwm_kib') else None)} MiB).")
        w("")

    # JVM defaults
    d_direct = [kv for name, kv in r.rows if name == "def_lat1" and kv.get("path") == "direct"]
    d_gw = [kv for name, kv in r.rows if name == "def_lat1" and kv.get("path") == "gateway"]
    c_ng = [kv for name, kv in r.rows if name == "def_chat" and kv.get("path") == "nginx"]
    c_gw = [kv for name, kv in r.rows if name == "def_chat" and kv.get("path") == "gateway"]
    if d_direct and d_gw and c_ng and c_gw:
        dd, dg, cn, cg = d_direct[0], d_gw[0], c_ng[0], c_gw[0]
        w("### The gateway with JVM defaults")
        w("")
        dflt = r.one("gateway_default")
        w(f"`java -jar target/wanapis.jar serve` with no JVM options (G1, heap up to ¼ of RAM), one round each, "
          "right after the runs above:")
        w("")
        w("| JVM options | P50 added (c=1) | P99 added (c=1) | chat req/s | ÷ nginx (same round) | CPU µs/req | RSS MiB |")
        w("|---|--:|--:|--:|--:|--:|--:|")
        main_rss = num(main.get("hwm_kib")) / 1024 if main.get("hwm_kib") else None
        w(f"| `{jvm}` (above) | {signed(add50)} | {signed(add99)} | {fmt(rps['gateway'])} | {fmt(ratio, 2)}× | "
          f"{fmt(r.cpu_per_req_us('chat', 'gateway', 'proxy'), 1)} | {fmt(main_rss)} |")
        cpu_req = num(cg.get("cpu_proxy_s")) / num(cg.get("requests")) * 1e6 if num(cg.get("requests")) else None
        w(f"| none (defaults) | {signed(num(dg['p50_us']) - num(dd['p50_us']))} | {signed(num(dg['p99_us']) - num(dd['p99_us']))} | "
          f"{fmt(num(cg['rps']))} | {fmt(num(cg['rps']) / num(cn['rps']), 2)}× | {fmt(cpu_req, 1)} | "
          f"{fmt(num(dflt.get('hwm_kib')) / 1024 if dflt.get('hwm_kib') else None)} |")
        w("")

    # TTFT
    if td and tg:
        w(f"### Time to first token (simulator with ttft 20 ms, one stream at a time)")
        w("")
        w("`wanapis bench ttft`: the simulator called directly and through the gateway, request by request in "
          "alternation over two keep-alive connections; time from the request written to the first `data:` line; µs.")
        w("")
        w("| path | n | P50 | P90 | P99 | min | mean |")
        w("|---|--:|--:|--:|--:|--:|--:|")
        for label, kv in (("direct", td), ("gateway", tg)):
            w(f"| {label} | {kv.get('n')} | {fmt(num(kv.get('p50_us')))} | {fmt(num(kv.get('p90_us')))} | "
              f"{fmt(num(kv.get('p99_us')))} | {fmt(num(kv.get('min_us')))} | {fmt(num(kv.get('mean_us')))} |")
        w("")
        w(f"Added by the gateway: P50 {signed(ttft50)}, P99 {signed(ttft99)}, median of the paired differences {signed(ttftp)}.")
        w("")

    # Streams
    if sg:
        w(f"### {asked:,} concurrent streams")
        w("")
        tps = num(m.get("stream_tps"))
        sjvm = m.get("streams_jvm_opts", "").replace("_", " ")
        w(f"`wanapis bench streams`: every stream on its own connection, opened over {fmt(num(m.get('stream_ramp_ms')))} ms; "
          f"the simulator sends 38 tokens at {fmt(tps)} tokens/s (one every {fmt(1000 / tps if tps else None)} ms), "
          f"so each stream stays open about {m.get('stream_seconds', '?')} s. First directly against the simulator "
          f"(its own pace and jitter), then through a freshly started gateway (`{sjvm}`), warmed up with 5 s of fast streams. "
          f"A stall is a gap over {m.get('stall_ms', '?')} ms (the pace plus a second). \"Client's own lag\" is how late the "
          "load client's event loop was at worst (at start-up, while it opens connections): gaps it causes itself.")
        w("")
        w("| path | completed with [DONE] | failed | peak open | largest gap (ended at) | per-stream largest gap P50 / P99 | streams over the stall limit | client's own lag | stream length min / P50 | wall |")
        w("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
        for label, kv in (("direct", sd), ("gateway", sg)):
            if not kv:
                continue
            w(f"| {label} | {kv.get('completed')}/{kv.get('asked')} | {int(num(kv.get('failed')) or 0) + int(num(kv.get('unfinished')) or 0)} | "
              f"{kv.get('peak_open')} | {kv.get('max_gap_ms')} ms ({kv.get('max_gap_at_s')} s) | {kv.get('p50_stream_max_gap_ms')} / {kv.get('p99_stream_max_gap_ms')} ms | "
              f"{kv.get('stalled')} | {kv.get('client_lag_ms')} ms | "
              f"{kv.get('min_length_s')} / {kv.get('p50_length_s')} s | {kv.get('wall_s')} s |")
        w("")
        od, og = r.one("streams_cpu_direct"), r.one("streams_cpu_gateway")
        if od and og:
            def share(kv):
                o, wl = num(kv.get("others_s")), num(kv.get("wall_s"))
                return pct_of_cpu(o / wl if o is not None and wl else None)
            w(f"CPU used by processes this benchmark did not start, while the streams ran: {share(od)} of one CPU "
              f"(direct), {share(og)} (gateway).")
            w("")
        gs = r.one("gateway_streams")
        rss = num(sample.get("rss_kib"))
        hwm = num(gs.get("hwm_kib"))
        w(f"Gateway while the streams ran: {gc.get('gcs', '?')} GC pauses (from `-Xlog:gc`), heap after GC at most "
          f"{fmt(gc.get('max_after_mib'))} MiB, longest pause {fmt(gc.get('max_pause_ms'), 1)} ms. Sampled 2 s after the last "
          f"stream had its head: heap in use {fmt(used_open)} MiB (live and garbage), RSS {fmt(rss / 1024 if rss else None)} MiB, "
          f"{sample.get('threads', '?')} threads, {sample.get('fds', '?')} file descriptors, {sample.get('established', '?')} client "
          f"connections established. Peak RSS of that gateway process (VmHWM): {fmt(hwm / 1024 if hwm else None)} MiB.")
        w("")

    text = "\n".join(out) + "\n"
    if doc == "/dev/stdout":
        sys.stdout.write(text)
        return
    head = ""
    if os.path.exists(doc):
        cur = open(doc).read()
        if MARKER in cur:
            head = cur[: cur.index(MARKER)]
        else:
            head = cur.rstrip("\n") + "\n\n"
    else:
        head = "# Benchmarks\n\nRun `bash bench/run.sh`.\n\n"
    with open(doc, "w") as f:
        f.write(head + MARKER + "\n\n" + text)


if __name__ == "__main__":
    render(sys.argv[1], sys.argv[2])
