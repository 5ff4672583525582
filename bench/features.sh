#!/usr/bin/env bash
# What metering and quotas cost: the gateway's throughput with each feature on versus off, in one
# run, against a cheap fixed-answer upstream (nginx), so the gateway's own work dominates.
#
#   bash bench/features.sh
#
# Four gateway processes in front of the same nginx upstream, each called with its own virtual key:
#   off             no ledger, no metrics, no budget, no limits (records are still priced)
#   off-again       a second process configured as off: the difference between the two is the
#                   noise floor of the run (two identical gateways never measure exactly alike)
#   metering+budget ledger to SQLite, Prometheus metrics, a hard monthly budget on the key     (issue 5)
#   limits-memory   the key on a plan (rpm, tpm, rpd, tpd, max_concurrent) and its team with rpm
#                   and tpm, all far above the load, so every request takes and settles them    (issue 8)
#   limits-memory-tokenizer  the same with quotas.token_estimate: tokenizer (opt-in: every new
#                   text tokenized; shown for information, the target applies to the default)
#   limits-redis    the same as limits-memory, counted in a real redis-server shared through leases (issue 8)
# wrk, 2 threads, 64 connections, non-stream chat, each request with a different user message;
# warm-up, then ROUNDS rounds of ROUND_S seconds
# with the order of the variants rotating per round; medians compared. Results go into
# docs/benchmarks.md (section "Features on versus off") and bench/results/features/.
#
# Settings (environment): ROUNDS (default 30), ROUND_S (default 4), BENCH_SKIP_BUILD=1,
# GATEWAY_JVM_OPTS (default -Xmx256m -XX:+UseParallelGC), BENCH_QUICK=1 (2 short rounds, docs untouched).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=$ROOT/target/wanapis.jar
DOC=$ROOT/docs/benchmarks.md
GATEWAY_JVM_OPTS=${GATEWAY_JVM_OPTS:--Xmx256m -XX:+UseParallelGC}
# FEATURES_JFR=1: a JFR profile of each gateway, kept in bench/results/features/<variant>.jfr
FEATURES_JFR=${FEATURES_JFR:-0}
MASTER=sk-bench-master
ROUNDS=${ROUNDS:-30}; ROUND_S=${ROUND_S:-4}; WARMUP_S=${WARMUP_S:-21}
if [[ ${BENCH_QUICK:-0} == 1 ]]; then ROUNDS=2; ROUND_S=3; WARMUP_S=3; fi
# FEATURES_VARIANTS="off metering+budget ..." measures only those (also: metering-no-ledger)
read -r -a VARIANTS <<< "${FEATURES_VARIANTS:-off off-again metering+budget limits-memory limits-memory-tokenizer limits-redis}"

log() { printf '[features %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

WORK=$(mktemp -d /tmp/wanapis-features.XXXXXX)
chmod 755 "$WORK"
PIDS=()
cleanup() {
  local code=$? p
  trap - EXIT INT TERM
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  sleep 3 # gateways drain and write their JFR files
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  mkdir -p "$ROOT/bench/results/features"
  cp "$WORK"/*.txt "$WORK"/*.log "$WORK"/*.yaml "$WORK"/*.jfr "$ROOT/bench/results/features/" 2>/dev/null || true
  # every run's per-round results kept under their time, for bench/pool.py
  if [[ -s $WORK/features.txt ]]; then cp "$WORK/features.txt" "$ROOT/bench/results/features/rounds-$(date -u +%Y%m%dT%H%MZ).txt" || true; fi
  rm -rf "$WORK"
  exit $code
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start() { local name=$1; shift; "$@" > "$WORK/$name.log" 2>&1 & STARTED_PID=$!; PIDS+=("$STARTED_PID"); }
wait_http() {
  local url=$1 pid=$2
  for _ in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || return 1
    curl -s -o /dev/null --max-time 1 "$url" && return 0
    sleep 0.1
  done
  return 1
}

for t in wrk python3 curl java redis-server; do command -v $t > /dev/null || die "$t is needed (apt-get install wrk nginx-light redis-server)"; done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x $NGINX ]] || die "nginx is needed"
ulimit -n 65536 2>/dev/null || true
if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
  log "building target/wanapis.jar"
  (cd "$ROOT" && flock /tmp/wanapis-mvn.lock mvn -o -B -q package -DskipTests) > "$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; die "build failed"; }
fi

# one call, so no two of the ports can be the same
read -r -a ALL_PORTS <<< "$(python3 "$ROOT/bench/bench.py" ports $((3 + ${#VARIANTS[@]})) | tr '\n' ' ')"
UP_PORT=${ALL_PORTS[0]}; PX_PORT=${ALL_PORTS[1]}; REDIS_PORT=${ALL_PORTS[2]}
PORTS=("${ALL_PORTS[@]:3}")
python3 "$ROOT/bench/bench.py" fixtures "$ROOT" "$WORK"
python3 "$ROOT/bench/bench.py" nginx "$WORK" "$UP_PORT" "$PX_PORT"
start nginx-upstream "$NGINX" -p "$WORK" -c "$WORK/upstream.conf" -g 'daemon off;'; UP_PID=$STARTED_PID
wait_http "http://127.0.0.1:$UP_PORT/v1/chat/completions" "$UP_PID" || die "nginx upstream did not start"
start redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no; REDIS_PID=$STARTED_PID
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done

GW_PIDS=()
# CPU ticks (user + system) a process has used; /proc/PID/stat fields 14 and 15
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
CLK_TCK=$(getconf CLK_TCK)

PLANS='plans: [{name: bench, rpm: 100000000, tpm: 100000000000, rpd: 100000000000, tpd: 100000000000000, max_concurrent: 100000}]'
for i in "${!VARIANTS[@]}"; do
  v=${VARIANTS[$i]}
  f="$WORK/$v.yaml"
  {
    echo "master_key: $MASTER"
    echo "data_dir: $WORK/data-$v"
    echo "access_log: {path: \"off\"}"
    echo "providers: [{name: up, type: openai-compatible, base_url: \"http://127.0.0.1:$UP_PORT/v1\", api_key: none}]"
    echo "models: [{name: gpt-4o-mini, deployments: [{provider: up}]}]"
    case $v in
      off|off-again) echo "usage: {ledger: false}"; echo "metrics: {enabled: false}" ;;
      metering+budget) ;;
      metering-no-ledger) echo "usage: {ledger: false}" ;;
      limits-memory) echo "usage: {ledger: false}"; echo "metrics: {enabled: false}"; echo "$PLANS" ;;
      limits-memory-tokenizer) echo "usage: {ledger: false}"; echo "metrics: {enabled: false}"; echo "$PLANS"; echo "quotas: {token_estimate: tokenizer}" ;;
      limits-redis) echo "usage: {ledger: false}"; echo "metrics: {enabled: false}"; echo "$PLANS"; echo "redis: {url: \"redis://127.0.0.1:$REDIS_PORT\"}" ;;
    esac
  } > "$f"
  # shellcheck disable=SC2086
  jfr=""; [[ $FEATURES_JFR == 1 ]] && jfr="-XX:StartFlightRecording=filename=$WORK/$v.jfr,settings=profile"
  start "gateway-$v" java $GATEWAY_JVM_OPTS $jfr -jar "$JAR" serve --config "$f" --port "${PORTS[$i]}"
  GW_PIDS[$i]=$STARTED_PID
  wait_http "http://127.0.0.1:${PORTS[$i]}/health/ready" "$STARTED_PID" || die "gateway $v did not start (see $WORK/gateway-$v.log)"
  admin() { curl -sf -H "authorization: Bearer $MASTER" -H 'content-type: application/json' -d "$2" "http://127.0.0.1:${PORTS[$i]}$1"; }
  case $v in
    off|off-again) body='{"name":"bench"}' ;;
    metering+budget|metering-no-ledger) body='{"name":"bench"}' ;;
    *) admin /admin/teams '{"name":"bench-team","limits":{"rpm":100000000,"tpm":100000000000}}' > /dev/null || die "team"
       body='{"name":"bench","team":"bench-team","limits":{"plan":"bench"}}' ;;
  esac
  created=$(admin /admin/keys "$body") || die "no key from $v"
  key=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["key"])' "$created")
  if [[ $v == metering* ]]; then
    kid=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$created")
    admin /admin/budgets "{\"key\":\"$kid\",\"period\":\"month\",\"limit_usd\":1000000,\"hard\":true}" > /dev/null || die "budget"
  fi
  sed "s/Bearer $MASTER/Bearer $key/" "$WORK/chat.lua" > "$WORK/chat-$v.lua"
  # every request asks a different question (the system prompt stays): the prompt-token cache
  # must not make the limited variants look better than real traffic would. The question is
  # numbered per wrk thread and per wrk run (each round is a new run): with a plain counter, both
  # threads and every round asked questions 1, 2, 3… again, which the cache had seen before.
  cat >> "$WORK/chat-$v.lua" <<'LUA'
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
local template = wrk.body
local run = tostring(os.time()) .. "-" .. tostring(math.floor(os.clock() * 1e6))
request = function()
  n = n + 1
  local body = string.gsub(template, "France%?", "France? Question " .. n .. " of run " .. run .. "/" .. tostring(tid) .. ".", 1)
  return wrk.format(nil, nil, nil, body)
end
LUA
  got=$(curl -s -o /dev/null -w '%{http_code}' -H "authorization: Bearer $key" -H 'content-type: application/json' \
    --data-binary @"$WORK/chat-request.json" "http://127.0.0.1:${PORTS[$i]}/v1/chat/completions")
  [[ $got == 200 ]] || die "$v answered $got"
done

# warm-up in three bursts per gateway, like the rounds: each burst opens and closes 64
# connections, so the JIT has compiled those paths too before anything is measured (with one
# long burst, the first rounds still showed bursts of compilation at every round's start and end)
log "warming up (${WARMUP_S}s each, in three bursts)"
WARM_BURST_S=$(( WARMUP_S / 3 > 1 ? WARMUP_S / 3 : 1 ))
for _ in 1 2 3; do
  for i in "${!VARIANTS[@]}"; do
    wrk -t2 -c64 -d${WARM_BURST_S}s -s "$WORK/chat-${VARIANTS[$i]}.lua" "http://127.0.0.1:${PORTS[$i]}/v1/chat/completions" > /dev/null
  done
done
RES=$WORK/features.txt
: > "$RES"
for r in $(seq "$ROUNDS"); do
  for k in "${!VARIANTS[@]}"; do
    i=$(( (k + r) % ${#VARIANTS[@]} ))
    v=${VARIANTS[$i]}
    pid=${GW_PIDS[$i]}
    c0=$(ticks "$pid"); r0=$(ticks "$REDIS_PID"); t0=$(python3 "$ROOT/bench/bench.py" threads "$pid")
    out=$(wrk -t2 -c64 -d${ROUND_S}s --timeout 10s -s "$WORK/chat-$v.lua" "http://127.0.0.1:${PORTS[$i]}/v1/chat/completions" 2>> "$WORK/wrk-errors-$v.log")
    c1=$(ticks "$pid"); r1=$(ticks "$REDIS_PID"); t1=$(python3 "$ROOT/bench/bench.py" threads "$pid")
    line=$(grep '^RESULT' <<< "$out" | sed 's/^RESULT //')
    redis_ticks=0; [[ $v == limits-redis ]] && redis_ticks=$((r1 - r0))
    echo "round=$r variant=$v $line cpu_ticks=$((c1 - c0)) redis_ticks=$redis_ticks hz=$CLK_TCK threads0=${t0// /,} threads1=${t1// /,}" >> "$RES"
    log "round $r $v: $(grep -o 'rps=[0-9.]*' <<< "$line") $(grep -o 'non2xx=[0-9]*' <<< "$line")"
  done
done
ledger=$(sqlite3 "$WORK/data-metering+budget/wanapis.db" 'select (select count(*) from usage_records) + (select coalesce(sum(records), 0) from usage_chunks)' 2>/dev/null || echo "?")
redis_keys=$(redis-cli -p "$REDIS_PORT" dbsize 2>/dev/null || echo "?")

REPORT=$(python3 - "$RES" "$ledger" "$redis_keys" <<'EOF'
import sys, statistics, collections
rows = [dict(kv.split("=", 1) for kv in l.split()) for l in open(sys.argv[1]) if l.strip()]
by = collections.OrderedDict()
for r in rows: by.setdefault(r["variant"], []).append(float(r["rps"]))
errs = collections.Counter()
for r in rows: errs[r["variant"]] += int(r["errors"]) + int(r["non2xx"])
# CPU per request: the gateway process's CPU (all its threads: event loops, ledger writer, GC, JIT)
# plus, for the Redis variant, redis-server's, divided by the requests of the round. Unlike the
# throughput of a round, it hardly moves when other processes take the cores for a while.
cpu = collections.OrderedDict()
for r in rows:
    us = (int(r["cpu_ticks"]) + int(r["redis_ticks"])) / int(r["hz"]) * 1e6 / max(1, int(r["requests"]))
    cpu.setdefault(r["variant"], []).append(us)
# Paired per round: each variant against off measured in the same round (seconds apart), then the
# median over the rounds. This machine's speed drifts by ±25 % over tens of seconds (other tenants
# of the host): medians of absolute figures are at the mercy of which variant ran in the slow
# stretches, ratios within a round are not.
rps_at = {(r["round"], r["variant"]): float(r["rps"]) for r in rows}
cpu_at = {}
for r in rows:
    cpu_at[(r["round"], r["variant"])] = (int(r["cpu_ticks"]) + int(r["redis_ticks"])) / int(r["hz"]) * 1e6 / max(1, int(r["requests"]))
rounds = sorted({r["round"] for r in rows}, key=int)
def ratios(at, v):
    return [at[(k, v)] / at[(k, "off")] for k in rounds if (k, v) in at and (k, "off") in at and at[(k, "off")] > 0]
def quartiles(xs):
    xs = sorted(xs)
    q = statistics.quantiles(xs, n=4) if len(xs) >= 2 else [xs[0]] * 3
    return q[0], statistics.median(xs), q[2]
target = {"off-again": None, "metering+budget": 5, "metering-no-ledger": 5, "limits-memory": 5, "limits-memory-tokenizer": None, "limits-redis": 15}
notes = {"off-again": "noise floor (identical to off)", "limits-memory-tokenizer": "opt-in mode, no target"}
print("| variant | req/s (median) | throughput vs off, same round: median (quartiles) | CPU µs per request (median) | CPU vs off, same round: median | target (throughput) | errors |")
print("|---|--:|---|--:|--:|---|--:|")
order = ["off"] + [v for v in by if v != "off"]
for v in order:
    m = statistics.median(by[v])
    c = statistics.median(cpu[v])
    if v == "off":
        print("| off | %.0f | — | %.1f | — |  | %d |" % (m, c, errs[v]))
        continue
    lo, med, hi = quartiles(ratios(rps_at, v))
    cmed = statistics.median(ratios(cpu_at, v))
    t = target.get(v)
    verdict = notes.get(v, "") if t is None else "within %d %%: **%s**" % (t, "PASS" if (1 - med) * 100 <= t else "MISS")
    print("| %s | %.0f | %+.1f %% (%+.1f … %+.1f) | %.1f | %+.1f %% | %s | %d |" % (v, m, (med - 1) * 100, (lo - 1) * 100, (hi - 1) * 100,
          c, (cmed - 1) * 100, verdict, errs[v]))
print()
# where the gateway's CPU went, by thread group (from /proc/PID/task/*/stat around each round)
groups = ["eventloop", "ledger", "gc", "jit", "other"]
def split(v):
    return dict(kv.split("=") for kv in v.split(",") if kv)
per = collections.OrderedDict()
for r in rows:
    if "threads0" not in r: continue
    a, b = split(r["threads0"]), split(r["threads1"])
    n = max(1, int(r["requests"]))
    per.setdefault(r["variant"], []).append({g: (int(b.get(g, 0)) - int(a.get(g, 0))) / int(r["hz"]) * 1e6 / n for g in groups})
if per:
    print("CPU µs per request by thread group (median of the rounds):")
    print()
    print("| variant | " + " | ".join(groups) + " |")
    print("|---|" + "--:|" * len(groups))
    for v in order:
        if v not in per: continue
        print("| %s | " % v + " | ".join("%.1f" % statistics.median(x[g] for x in per[v]) for g in groups) + " |")
    print()
print("Ledger rows written by metering+budget: %s. Keys in Redis after the run: %s." % (sys.argv[2], sys.argv[3]))
EOF
)
echo "$REPORT"
if [[ ${BENCH_QUICK:-0} != 1 ]]; then
  MACHINE="$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //' | awk '{print $1, $2, $3}')), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r), $(java -version 2>&1 | head -1)"
  SECTION=$(printf '<!-- features:start (written by bench/features.sh) -->\n### Last run: %s\n\nMachine: %s. Commit %s. %d rounds of %d s per variant, wrk -t2 -c64, order rotating.\n\n%s\n<!-- features:end -->' \
    "$(date -u +%Y-%m-%dT%H:%MZ)" "$MACHINE" "$(cd "$ROOT" && git rev-parse --short HEAD)" "$ROUNDS" "$ROUND_S" "$REPORT")
  python3 - "$DOC" "$SECTION" <<'EOF'
import sys, re
doc, section = sys.argv[1], sys.argv[2]
s = open(doc).read()
marker = "<!-- Everything below this line is written by bench/run.sh"
if "<!-- features:start" in s:
    s = re.sub(r"<!-- features:start.*?<!-- features:end -->", lambda m: section, s, flags=re.S)
elif marker in s:  # above bench/run.sh's part, which that script rewrites
    i = s.index(marker)
    s = s[:i] + section + "\n\n" + s[i:]
else:
    s += "\n" + section + "\n"
open(doc, "w").write(s)
EOF
  log "wrote docs/benchmarks.md"
fi
