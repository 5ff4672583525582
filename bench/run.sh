#!/usr/bin/env bash
# The WanAPIs benchmark: one command, one run, three paths to the same upstream.
#
#   bash bench/run.sh
#
# Measures, on this machine and in this run: the upstream called directly (nginx serving a fixed
# chat.completion or SSE answer), nginx as a reverse proxy in front of it, and the gateway in
# front of it (auth and access log on); then time to first token and 2,000 concurrent streams
# against the provider simulator. Writes the results into docs/benchmarks.md and the raw output
# into bench/results/. See docs/benchmarks.md for what each figure means.
#
# Settings (environment):
#   GATEWAY_JVM_OPTS   JVM options of the measured gateway (default: -Xmx256m -XX:+UseParallelGC)
#   BENCH_SKIP_BUILD=1 use target/wanapis.jar as it is
#   BENCH_JFR=1        record a JFR profile of the gateway during the saturation rounds
#   BENCH_QUICK=1      shorter rounds, for trying the script (numbers not worth keeping; docs untouched)
#   BENCH_ONLY=streams only the concurrent-streams part (report printed; docs untouched)
#   BENCH_NICE=N       niceness of everything the benchmark starts (default -10 when run as root, so
#                      that other work on a shared machine disturbs all three paths less; 0 = off)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=$ROOT/target/wanapis.jar
DOC=$ROOT/docs/benchmarks.md
GATEWAY_JVM_OPTS=${GATEWAY_JVM_OPTS:--Xmx256m -XX:+UseParallelGC}
KEY=sk-bench-master

if [[ ${BENCH_QUICK:-0} == 1 ]]; then
  WARMUP_S=3; LAT_S=2; LAT_ROUNDS=1; SAT_S=3; SAT_ROUNDS=1; SSE_S=3; SSE_ROUNDS=1
  TTFT_N=100; TTFT_WARMUP=30; STREAMS=${STREAMS:-500}; STREAM_TPS=5; STREAM_RAMP_MS=2000
else
  WARMUP_S=10; LAT_S=5; LAT_ROUNDS=3; SAT_S=8; SAT_ROUNDS=3; SSE_S=5; SSE_ROUNDS=3
  TTFT_N=300; TTFT_WARMUP=100; STREAMS=${STREAMS:-2000}; STREAM_TPS=2; STREAM_RAMP_MS=5000
fi
SAT_CONNS=64
TTFT_MS=20
# A stall: a gap between two chunks of a stream more than a second longer than the simulator's
# pace (the simulator alone, holding 2,000 streams on this machine, is late by up to ~0.5 s).
STALL_MS=$(( 1000 / STREAM_TPS + 1000 ))
# The streams gateway runs in at most 256 MiB of heap, whatever GATEWAY_JVM_OPTS says.
STREAMS_JVM_OPTS="$GATEWAY_JVM_OPTS"
[[ $STREAMS_JVM_OPTS == *-Xmx* ]] || STREAMS_JVM_OPTS="$STREAMS_JVM_OPTS -Xmx256m"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ------------------------------------------------------------------ processes and cleanup

WORK=$(mktemp -d /tmp/wanapis-bench.XXXXXX)
chmod 755 "$WORK"   # nginx workers (user nobody when started as root) read the SSE file here
RES=$WORK/results.txt
: > "$RES"
PIDS=()

cleanup() {
  local code=$?
  trap - EXIT INT TERM
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for _ in $(seq 50); do
    local alive=0
    for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [[ $alive == 0 ]] && break
    sleep 0.1
  done
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  if [[ -d $WORK ]]; then
    mkdir -p "$ROOT/bench/results"
    rm -rf "$ROOT/bench/results/last"
    mkdir -p "$ROOT/bench/results/last"
    cp "$WORK"/*.txt "$WORK"/*.log "$WORK"/*.conf "$WORK"/*.yaml "$WORK"/*.jfr "$ROOT/bench/results/last/" 2>/dev/null || true
    rm -rf "$WORK"
  fi
  exit $code
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME CMD...: runs CMD in the background, output to $WORK/NAME.log; sets STARTED_PID.
start() {
  local name=$1; shift
  "$@" > "$WORK/$name.log" 2>&1 &
  STARTED_PID=$!
  PIDS+=("$STARTED_PID")
}

stop() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

wait_http() { # wait_http URL PID: until URL answers (any status) or PID dies
  local url=$1 pid=$2
  for _ in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || return 1
    curl -s -o /dev/null --max-time 1 "$url" && return 0
    sleep 0.1
  done
  return 1
}

# ------------------------------------------------------------------ tools

if ! command -v wrk > /dev/null || { ! command -v nginx > /dev/null && [[ ! -x /usr/sbin/nginx ]]; }; then
  log "installing nginx and wrk from Debian"
  SUDO=""; [[ $(id -u) != 0 ]] && SUDO=sudo
  $SUDO apt-get install -y nginx-light wrk > "$WORK/apt.log" 2>&1 \
    || { $SUDO apt-get update >> "$WORK/apt.log" 2>&1 && $SUDO apt-get install -y nginx-light wrk >> "$WORK/apt.log" 2>&1; } \
    || $SUDO apt-get install -y nginx wrk >> "$WORK/apt.log" 2>&1 \
    || die "could not install nginx and wrk (see $WORK/apt.log)"
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
for t in python3 curl java jcmd; do command -v $t > /dev/null || die "$t is needed"; done

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
# Everything started from here on inherits this shell's priority: the same for all paths.
NICE=${BENCH_NICE:-$([[ $(id -u) == 0 ]] && echo -10 || echo 0)}
if [[ $NICE != 0 ]]; then renice -n "$NICE" -p $$ > /dev/null || NICE=0; fi
(( $(ulimit -n) >= 3 * STREAMS + 1000 )) || log "warning: ulimit -n is $(ulimit -n), low for $STREAMS streams"

if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
  log "building target/wanapis.jar"
  (cd "$ROOT" && flock /tmp/wanapis-mvn.lock mvn -o -B -q package -DskipTests) > "$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log" >&2; die "build failed"; }
fi
[[ -f $JAR ]] || die "$JAR is missing"

# ------------------------------------------------------------------ measuring helpers

CLK_TCK=$(getconf CLK_TCK)
NCPU=$(nproc)

# CPU ticks (user + system) of the given processes and of their children (nginx workers).
ticks() {
  local total=0 p c
  for p in "$@"; do
    [[ -z $p ]] && continue
    for c in $p $(cat /proc/"$p"/task/*/children 2>/dev/null); do
      [[ -r /proc/$c/stat ]] || continue
      # fields after the ")" of the command name: utime is the 12th, stime the 13th
      total=$(( total + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' /proc/"$c"/stat) ))
    done
  done
  echo $total
}
# Busy ticks of the whole machine: user, nice, system, irq, softirq (a process's system time can
# include softirq work done on its behalf, so softirq belongs in the sum); not steal.
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }

# wrk_run NAME PATH URL LUA THREADS CONNS SECONDS PROXY_PID: one wrk run, its RESULT line and
# the CPU each side used; appends "NAME path=... rps=... ..." to results.txt.
wrk_run() {
  local name=$1 path=$2 url=$3 lua=$4 threads=$5 conns=$6 secs=$7 proxy_pid=${8:-}
  local m0 u0 p0 s0 m1 u1 p1 s1 out
  m0=$(machine_ticks); u0=$(ticks "$UP_PID"); p0=$(ticks $proxy_pid); s0=$(ticks "${PIDS[@]}")
  local t0=$SECONDS
  out=$( { TIMEFORMAT='WRKCPU %U %S'; time wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout 10s -s "$lua" "$url"; } 2>&1 ) \
    || { echo "$out" >&2; die "wrk failed for $name $path"; }
  m1=$(machine_ticks); u1=$(ticks "$UP_PID"); p1=$(ticks $proxy_pid); s1=$(ticks "${PIDS[@]}")
  echo "$out" >> "$WORK/wrk.log"
  local line wrkcpu
  line=$(grep '^RESULT' <<< "$out" | sed 's/^RESULT //') || die "no RESULT from wrk ($name $path)"
  wrkcpu=$(awk '/^WRKCPU/ { printf "%.3f", $2 + $3 }' <<< "$out")
  local others
  others=$(awk -v m=$((m1 - m0)) -v s=$((s1 - s0)) -v w="$wrkcpu" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", (m / hz) - (s / hz) - w }')
  echo "$name path=$path $line cpu_upstream_s=$(awk -v t=$((u1 - u0)) -v hz="$CLK_TCK" 'BEGIN{printf "%.2f", t/hz}') cpu_proxy_s=$(awk -v t=$((p1 - p0)) -v hz="$CLK_TCK" 'BEGIN{printf "%.2f", t/hz}') cpu_wrk_s=$wrkcpu cpu_others_s=$others wall_s=$((SECONDS - t0))" >> "$RES"
  log "$name $path: $(grep -o 'rps=[0-9.]*' <<< "$line") $(grep -o 'p50_us=[0-9]*' <<< "$line") $(grep -o 'p99_us=[0-9]*' <<< "$line") $(grep -o 'non2xx=[0-9]*' <<< "$line") (others' CPU ${others}s)"
  grep -q 'non2xx=0 ' <<< "$line" && grep -q 'errors=0 ' <<< "$line" || log "warning: $name $path had errors: $line"
}

# ------------------------------------------------------------------ machine

{
  echo "meta date=$(date -u +%Y-%m-%dT%H:%MZ)"
  echo "meta nproc=$NCPU"
  echo "meta cpu=$(lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2; exit }' | tr ' ' '_')"
  echo "meta ram_gib=$(awk '/MemTotal/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)"
  echo "meta jdk=$(java -version 2>&1 | head -1 | sed 's/.*version "\([^"]*\)".*/\1/')_($(java -version 2>&1 | sed -n 2p | sed 's/ (build.*//' | tr ' ' '_'))"
  echo "meta kernel=$(uname -r)"
  echo "meta nginx=$($NGINX -v 2>&1 | sed 's/.*nginx\///')"
  echo "meta wrk=$(wrk -v 2>&1 | head -1 | awk '{ print $2 }')"
  echo "meta commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || echo +dirty)"
  echo "meta gateway_jvm_opts=$(tr ' ' '_' <<< "$GATEWAY_JVM_OPTS")"
  echo "meta load_before=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')"
  echo "meta quick=${BENCH_QUICK:-0}"
  echo "meta nice=$NICE"
} >> "$RES"
# How busy the machine is before we start anything (other sessions, builds): 2 s sample.
b0=$(machine_ticks); sleep 2; b1=$(machine_ticks)
echo "meta busy_before_pct=$(awk -v t=$((b1 - b0)) -v hz="$CLK_TCK" -v n="$NCPU" 'BEGIN { printf "%.0f", 100 * t / hz / 2 / n }')" >> "$RES"

# ------------------------------------------------------------------ upstream, nginx proxy

read -r UP_PORT PX_PORT GW_PORT SIM_PORT GW2_PORT SIM2_PORT GW3_PORT < <(python3 "$ROOT/bench/bench.py" ports 7)
python3 "$ROOT/bench/bench.py" fixtures "$ROOT" "$WORK"
python3 "$ROOT/bench/bench.py" nginx "$WORK" "$UP_PORT" "$PX_PORT"
echo "meta chat_bytes=$(stat -c %s "$WORK/chat.json") sse_bytes=$(stat -c %s "$WORK/www/stream.sse") sse_events=$(grep -c '^data:' "$WORK/www/stream.sse")" >> "$RES"

log "starting nginx upstream on :$UP_PORT and nginx proxy on :$PX_PORT"
start nginx-upstream "$NGINX" -p "$WORK" -c "$WORK/upstream.conf" -g 'daemon off;'; UP_PID=$STARTED_PID
start nginx-proxy "$NGINX" -p "$WORK" -c "$WORK/proxy.conf" -g 'daemon off;'; PX_PID=$STARTED_PID

CHAT=/v1/chat/completions
DIRECT_URL=http://127.0.0.1:$UP_PORT$CHAT
NGINX_URL=http://127.0.0.1:$PX_PORT$CHAT
GW_URL=http://127.0.0.1:$GW_PORT$CHAT
wait_http "$DIRECT_URL" "$UP_PID" || die "nginx upstream did not start (see $WORK/nginx-upstream.log)"
wait_http "$NGINX_URL" "$PX_PID" || die "nginx proxy did not start"

# ------------------------------------------------------------------ gateway

write_gateway_config() { # FILE ACCESS_LOG then pairs MODEL UPSTREAM_BASE_URL
  local file=$1 access=$2; shift 2
  {
    echo "master_key: $KEY"
    echo "access_log: {path: $access}   # metering on; written by a background thread"
    echo "providers:"
    local i=0 args=("$@")
    while (( i < ${#args[@]} )); do
      echo "  - {name: p$i, type: openai-compatible, base_url: \"${args[i+1]}\", api_key: sk-up, max_connections: 4000}"
      i=$((i + 2))
    done
    echo "models:"
    i=0
    while (( i < ${#args[@]} )); do
      echo "  - {name: ${args[i]}, deployments: [{provider: p$i}]}"
      i=$((i + 2))
    done
  } > "$file"
}

start_gateway() { # NAME PORT CONFIG JVM_OPTS...: sets GW_PID
  local name=$1 port=$2 config=$3; shift 3
  start "$name" java "$@" -jar "$JAR" serve --config "$config" --port "$port"
  GW_PID=$STARTED_PID
  wait_http "http://127.0.0.1:$port/health/ready" "$GW_PID" || die "gateway $name did not start (see $WORK/$name.log)"
}

check_same_answer() { # URL: the three paths must give the upstream's bytes
  local got
  got=$(curl -s -H "authorization: Bearer $KEY" -H 'content-type: application/json' --data-binary @"$WORK/chat-request.json" "$1")
  [[ $got == "$(cat "$WORK/chat.json")" ]] || die "unexpected answer from $1: ${got:0:300}"
  got=$(curl -s -H "authorization: Bearer $KEY" -H 'content-type: application/json' -H 'accept: text/event-stream' --data-binary @"$WORK/stream-request.json" "$1")
  [[ $got == "$(cat "$WORK/www/stream.sse")" ]] || die "unexpected stream from $1: ${got:0:300}"
}

# The provider simulator for time to first token: first event after TTFT_MS, the rest at once.
start simulator-ttft java -jar "$JAR" simulate --port "$SIM_PORT" --ttft-ms "$TTFT_MS" --tokens-per-second 0
SIM_PID=$STARTED_PID
wait_http "http://127.0.0.1:$SIM_PORT/v1/models" "$SIM_PID" || die "simulator did not start"

ONLY=${BENCH_ONLY:-}
if [[ $ONLY != streams ]]; then

# One gateway, two models: gpt-4o-mini on the nginx upstream, sim-ttft on the simulator.
write_gateway_config "$WORK/gateway.yaml" "$WORK/access.log" \
  gpt-4o-mini "http://127.0.0.1:$UP_PORT/v1" sim-ttft "http://127.0.0.1:$SIM_PORT/v1"
# shellcheck disable=SC2086
log "starting the gateway on :$GW_PORT with: java $GATEWAY_JVM_OPTS"
# shellcheck disable=SC2086
start_gateway gateway "$GW_PORT" "$WORK/gateway.yaml" $GATEWAY_JVM_OPTS
GW_MAIN_PID=$GW_PID
for u in "$DIRECT_URL" "$NGINX_URL" "$GW_URL"; do check_same_answer "$u"; done

log "warming up (${WARMUP_S}s chat + 3s stream through each proxy)"
wrk -t2 -c$SAT_CONNS -d${WARMUP_S}s -s "$WORK/chat.lua" "$GW_URL" > /dev/null
wrk -t2 -c$SAT_CONNS -d3s -s "$WORK/stream.lua" "$GW_URL" > /dev/null
wrk -t2 -c$SAT_CONNS -d3s -s "$WORK/chat.lua" "$NGINX_URL" > /dev/null
wrk -t2 -c$SAT_CONNS -d3s -s "$WORK/stream.lua" "$NGINX_URL" > /dev/null

# ------------------------------------------------------------------ 1. latency at concurrency 1

log "latency at concurrency 1: $LAT_ROUNDS rounds of ${LAT_S}s per path"
for r in $(seq "$LAT_ROUNDS"); do
  wrk_run "lat1_r$r" direct "$DIRECT_URL" "$WORK/chat.lua" 1 1 "$LAT_S"
  wrk_run "lat1_r$r" nginx "$NGINX_URL" "$WORK/chat.lua" 1 1 "$LAT_S" "$PX_PID"
  wrk_run "lat1_r$r" gateway "$GW_URL" "$WORK/chat.lua" 1 1 "$LAT_S" "$GW_MAIN_PID"
done

# ------------------------------------------------------------------ 2. saturation

if [[ ${BENCH_JFR:-0} == 1 ]]; then
  jcmd "$GW_MAIN_PID" JFR.start name=bench settings=profile filename="$WORK/gateway-saturation.jfr" > /dev/null
fi
log "saturation, chat JSON: $SAT_ROUNDS rounds of ${SAT_S}s, $SAT_CONNS connections"
for r in $(seq "$SAT_ROUNDS"); do
  wrk_run "chat_r$r" direct "$DIRECT_URL" "$WORK/chat.lua" 2 $SAT_CONNS "$SAT_S"
  wrk_run "chat_r$r" nginx "$NGINX_URL" "$WORK/chat.lua" 2 $SAT_CONNS "$SAT_S" "$PX_PID"
  wrk_run "chat_r$r" gateway "$GW_URL" "$WORK/chat.lua" 2 $SAT_CONNS "$SAT_S" "$GW_MAIN_PID"
done
log "saturation, SSE stream ($(grep -c '^data:' "$WORK/www/stream.sse") events): $SSE_ROUNDS rounds of ${SSE_S}s"
for r in $(seq "$SSE_ROUNDS"); do
  wrk_run "sse_r$r" direct "$DIRECT_URL" "$WORK/stream.lua" 2 $SAT_CONNS "$SSE_S"
  wrk_run "sse_r$r" nginx "$NGINX_URL" "$WORK/stream.lua" 2 $SAT_CONNS "$SSE_S" "$PX_PID"
  wrk_run "sse_r$r" gateway "$GW_URL" "$WORK/stream.lua" 2 $SAT_CONNS "$SSE_S" "$GW_MAIN_PID"
done
if [[ ${BENCH_JFR:-0} == 1 ]]; then
  jcmd "$GW_MAIN_PID" JFR.stop name=bench > /dev/null
fi
sleep 1.5   # the access log writer flushes in batches
echo "gateway_main access_log_lines=$(wc -l < "$WORK/access.log") overflow_events=$(grep -c access_log_overflow "$WORK/access.log" || true) rss_kib=$(awk '/VmRSS/ { print $2 }' /proc/"$GW_MAIN_PID"/status) hwm_kib=$(awk '/VmHWM/ { print $2 }' /proc/"$GW_MAIN_PID"/status)" >> "$RES"

# ------------------------------------------------------------------ 3. time to first token

log "time to first token: simulator (ttft ${TTFT_MS} ms) directly and through the gateway, alternating, n=$TTFT_N"
wrk -t1 -c4 -d3s -s "$WORK/warm-sim.lua" "http://127.0.0.1:$SIM_PORT$CHAT" > /dev/null   # warm the simulator's JIT
java -jar "$JAR" bench ttft --url "$GW_URL" --key "$KEY" --label gateway --model sim-ttft \
  --baseline-url "http://127.0.0.1:$SIM_PORT$CHAT" --baseline-label direct --n "$TTFT_N" --warmup "$TTFT_WARMUP" \
  > "$WORK/ttft.txt" 2>&1 || { cat "$WORK/ttft.txt" >&2; die "bench ttft failed"; }
grep '^RESULT' "$WORK/ttft.txt" | sed 's/^RESULT /ttft_/' >> "$RES"
grep -v '^RESULT' "$WORK/ttft.txt" | while read -r l; do log "$l"; done

# ------------------------------------------------------------------ 4. JVM defaults

log "the gateway again with JVM defaults (no options): warm-up, latency and chat saturation"
stop "$GW_MAIN_PID"
start_gateway gateway-default "$GW_PORT" "$WORK/gateway.yaml"
GW_DEF_PID=$GW_PID
wrk -t2 -c$SAT_CONNS -d${WARMUP_S}s -s "$WORK/chat.lua" "$GW_URL" > /dev/null
wrk_run "def_lat1" direct "$DIRECT_URL" "$WORK/chat.lua" 1 1 "$LAT_S"
wrk_run "def_lat1" gateway "$GW_URL" "$WORK/chat.lua" 1 1 "$LAT_S" "$GW_DEF_PID"
wrk_run "def_chat" nginx "$NGINX_URL" "$WORK/chat.lua" 2 $SAT_CONNS "$SAT_S" "$PX_PID"
wrk_run "def_chat" gateway "$GW_URL" "$WORK/chat.lua" 2 $SAT_CONNS "$SAT_S" "$GW_DEF_PID"
echo "gateway_default rss_kib=$(awk '/VmRSS/ { print $2 }' /proc/"$GW_DEF_PID"/status) hwm_kib=$(awk '/VmHWM/ { print $2 }' /proc/"$GW_DEF_PID"/status)" >> "$RES"
stop "$GW_DEF_PID"

fi # ONLY != streams
stop "$PX_PID"; stop "$UP_PID"


# ------------------------------------------------------------------ 5. many concurrent streams

STREAM_SECONDS=$(awk -v t=$STREAM_TPS 'BEGIN { printf "%.1f", 0.2 + 37 / t }')
echo "meta stream_tps=$STREAM_TPS stream_seconds=$STREAM_SECONDS stream_ramp_ms=$STREAM_RAMP_MS stall_ms=$STALL_MS streams_jvm_opts=$(tr ' ' '_' <<< "$STREAMS_JVM_OPTS")" >> "$RES"
log "$STREAMS concurrent streams: simulator at $STREAM_TPS tokens/s (38 tokens, about ${STREAM_SECONDS}s a stream), opened over ${STREAM_RAMP_MS} ms"
# The simulator holds all streams too: its own JVM with room to spare.
start simulator-streams java -Xmx1g -XX:+UseParallelGC -jar "$JAR" simulate --port "$SIM2_PORT" --ttft-ms 200 --tokens-per-second "$STREAM_TPS"
SIM2_PID=$STARTED_PID
wait_http "http://127.0.0.1:$SIM2_PORT/v1/models" "$SIM2_PID" || die "streams simulator did not start"
# A fresh gateway, so its memory figures are its own: gpt-4o-mini on the slow simulator, and a
# model "warm" on the fast one to warm the stream relay up first.
write_gateway_config "$WORK/gateway-streams.yaml" "$WORK/access-streams.log" \
  gpt-4o-mini "http://127.0.0.1:$SIM2_PORT/v1" warm "http://127.0.0.1:$SIM_PORT/v1"
# shellcheck disable=SC2086
start_gateway gateway-streams "$GW2_PORT" "$WORK/gateway-streams.yaml" $STREAMS_JVM_OPTS -Xlog:gc:file="$WORK/gc-streams.log":uptime
GW_STR_PID=$GW_PID
log "warming up the streams simulator and gateway (5s each, fast streams)"
wrk -t1 -c16 -d5s -s "$WORK/warm-sim.lua" "http://127.0.0.1:$SIM2_PORT$CHAT" > /dev/null
wrk -t1 -c16 -d5s -s "$WORK/warm-gateway.lua" "http://127.0.0.1:$GW2_PORT$CHAT" > /dev/null
stop "$SIM_PID"

# run_streams LABEL URL [GATEWAY_PID]: the streams client; samples the gateway once all are open.
run_streams() {
  local label=$1 url=$2 gpid=${3:-}
  java -Xmx512m -jar "$JAR" bench streams --url "$url" --key "$KEY" --concurrency "$STREAMS" --ramp-ms "$STREAM_RAMP_MS" \
    --duration 120 --stall-ms "$STALL_MS" --label "$label" > "$WORK/streams-$label.txt" 2> "$WORK/streams-$label.log" &
  local cpid=$!
  PIDS+=("$cpid")
  local m0 s0 m1 s1 t0=$SECONDS
  m0=$(machine_ticks); s0=$(ticks "${PIDS[@]}"); m1=$m0; s1=$s0
  [[ -n $gpid ]] && echo "streams_start uptime_s=$(jcmd "$gpid" VM.uptime | awk 'NR==2 { print $1 }')" >> "$RES"
  local sampled=0
  while kill -0 $cpid 2>/dev/null; do
    if [[ $sampled == 0 && -n $gpid ]] && grep -q '^ALL_OPEN' "$WORK/streams-$label.txt" 2>/dev/null; then
      sampled=1
      sleep 2 # let the ramp settle: all streams open, events flowing
      # Heap in use now (live and not yet collected garbage); the heap after each GC comes from
      # the GC log. No GC is forced: its pause would show up as a gap in the streams.
      jcmd "$gpid" GC.heap_info > "$WORK/heap-all-open.txt" 2>&1 || true
      local up
      up=$(jcmd "$gpid" VM.uptime | awk 'NR==2 { print $1 }')
      echo "streams_sample uptime_s=$up rss_kib=$(awk '/VmRSS/ { print $2 }' /proc/"$gpid"/status) threads=$(awk '/Threads/ { print $2 }' /proc/"$gpid"/status) fds=$(ls /proc/"$gpid"/fd | wc -l) established=$(ss -Htn state established "( sport = :$GW2_PORT )" | wc -l)" >> "$RES"
    fi
    m1=$(machine_ticks); s1=$(ticks "${PIDS[@]}")   # the last sample while the client still runs
    sleep 0.2
  done
  wait $cpid || true
  echo "streams_cpu_$label others_s=$(awk -v m=$((m1 - m0)) -v s=$((s1 - s0)) -v hz="$CLK_TCK" 'BEGIN { printf "%.1f", (m - s) / hz }') wall_s=$((SECONDS - t0))" >> "$RES"
  grep '^RESULT' "$WORK/streams-$label.txt" | sed 's/^RESULT /streams_/' >> "$RES" || die "no result from bench streams ($label)"
  grep -v -e '^RESULT' -e '^ALL_OPEN' "$WORK/streams-$label.txt" | while read -r l; do log "$l"; done
}

run_streams direct "http://127.0.0.1:$SIM2_PORT$CHAT"
run_streams gateway "http://127.0.0.1:$GW2_PORT$CHAT" "$GW_STR_PID"
echo "gateway_streams hwm_kib=$(awk '/VmHWM/ { print $2 }' /proc/"$GW_STR_PID"/status) rss_end_kib=$(awk '/VmRSS/ { print $2 }' /proc/"$GW_STR_PID"/status)" >> "$RES"
stop "$GW_STR_PID"; stop "$SIM2_PID"

echo "meta load_after=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')" >> "$RES"
echo "meta elapsed_s=$SECONDS" >> "$RES"

# ------------------------------------------------------------------ report

if [[ ${BENCH_QUICK:-0} == 1 || -n $ONLY ]]; then
  python3 "$ROOT/bench/report.py" "$WORK" /dev/stdout
  log "quick or partial run: docs/benchmarks.md left as it was"
else
  python3 "$ROOT/bench/report.py" "$WORK" "$DOC"
  log "results written to docs/benchmarks.md (raw output in bench/results/last/), ${SECONDS}s in all"
fi
