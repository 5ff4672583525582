#!/usr/bin/env python3
"""Pools several runs of bench/features.sh: each variant against `off` of the same round, over
the rounds of every run given, then the median and quartiles of those ratios.

    python3 bench/pool.py bench/results/features/rounds-*.txt

Each run of bench/features.sh keeps its per-round results in bench/results/features/rounds-<time>.txt
("round=N variant=V ... rps=X" lines); the script's progress log ("round N variant: rps=X", e.g.
saved with `bash bench/features.sh 2>&1 | tee run1.log`) is read as well.
"""
import collections
import re
import statistics
import sys

rps = {}
for run, path in enumerate(sys.argv[1:]):
    for line in open(path):
        m = re.search(r"round (\d+) (\S+): rps=([\d.]+)", line) or re.search(r"round=(\d+) variant=(\S+) .*?\brps=([\d.]+)", line)
        if m:
            rps[(run, int(m.group(1)), m.group(2))] = float(m.group(3))
rounds = sorted({(run, r) for (run, r, _) in rps})
ratios = collections.OrderedDict()
for (run, r) in rounds:
    off = rps.get((run, r, "off"))
    if not off:
        continue
    for (run2, r2, v), x in rps.items():
        if (run2, r2) == (run, r) and v != "off":
            ratios.setdefault(v, []).append(x / off)
print("| variant | rounds | throughput vs off, same round: median (quartiles) |")
print("|---|--:|---|")
for v, xs in sorted(ratios.items()):
    q = statistics.quantiles(xs, n=4) if len(xs) >= 2 else [xs[0]] * 3
    print("| %s | %d | %+.1f %% (%+.1f … %+.1f) |" % (v, len(xs), (statistics.median(xs) - 1) * 100, (q[0] - 1) * 100, (q[2] - 1) * 100))
