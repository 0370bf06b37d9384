#!/bin/bash
# Benchmarks the store as EHRs use it: POST /fhir with transaction Bundles of 6-resource visits, every one new
# (own MRN, date and minutes; every wrk run numbers its visits from its own offset, so no run repeats an earlier
# run's Patient), stored in a fresh H2 file database, with validation on write enforce (the default) and then off;
# then the searches clients make of what was stored.
#
# Each server is measured twice:
# - cold: 3 s of load, then the measured run (with enforce from 1 client, then from 16): what a server that has just
#   started does, the JIT still compiling;
# - steady: after a warm-up of 16 clients in windows of BENCH_WARMUP_WINDOW seconds (10) that ends when two
#   consecutive windows' server CPU per transaction agree within 5 %, or after BENCH_WARMUP_MAX seconds (300); the
#   warm-up's length, its windows' CPU per transaction and the visits stored before the measured run are printed. A
#   throughput target is read against this row.
# CPU per transaction is the server's (user + system of all its threads, /proc) over the run divided by the
# transactions answered; "without the JIT" leaves out the JIT compiler threads.
#
# Usage: src/bench/store.sh [SECONDS_PER_SCENARIO]
# Needs wrk on the PATH (Debian: apt-get install wrk) and a JDK. JVM options: BENCH_JVM_OPTS (default: the
# server's production options, docker/jvm.options); further server arguments: BENCH_SERVER_ARGS. BENCH_SECURITY=on: the
# same with bearer tokens checked (SMART scopes) on every request; src/bench/security.sh measures what that costs
# against a server with security off, side by side. BENCH_JFR=DIR: a JFR profile of each steady measured run
# (DIR/store-enforce.jfr, DIR/store-off.jfr).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/server.sh"
seconds=${1:-20}
port=${BENCH_PORT:-18100}
window=${BENCH_WARMUP_WINDOW:-10}
warmup_max=${BENCH_WARMUP_MAX:-300}
command -v wrk >/dev/null || { echo "wrk is not installed (Debian: apt-get install wrk)" >&2; exit 2; }
log="${TMPDIR:-/tmp}/psychcode-store-bench.log"
base="http://127.0.0.1:$port/fhir"
work=$(mktemp -d)
script=$work/visit.lua
cat "$here/wrk/common.lua" "$here/wrk/validate-visit-unseen.lua" "$here/wrk/store-visit-transaction.lua" >"$script"
run_number=0

# search_p50 QUERY: median of 200 sequential requests (curl), in ms
search_p50() {
  for _ in $(seq 1 200); do curl_auth -s -o /dev/null -w '%{time_total}\n' "$base/$1"; done |
    sort -n | awk '{a[NR]=$1} END{printf "%.2f ms", a[int(NR/2)] * 1000}'
}

# ticks WHICH: the CPU the server's threads have used so far, in clock ticks: all of them, or (WHICH=nojit) all but
# the JIT compiler threads
ticks() {
  awk -v which="$1" '{ j = match($0, /\) [A-Z] /); comm = substr($0, index($0, "(") + 1, j - index($0, "(") - 1)
         split(substr($0, j + 2), f, " "); if (which != "nojit" || comm !~ /CompilerThre/) t += f[12] + f[13] } END { print t }' \
    /proc/"$server_pid"/task/*/stat 2>/dev/null || true
}

# visit_run CLIENTS SECONDS: one wrk run of new visits; sets out (wrk's output), total (transactions answered),
# cpu_ms and nojit_ms (server CPU per transaction, all threads and without the JIT compilers)
visit_run() {
  local clients=$1 secs=$2 threads a0 a1 n0 n1
  threads=$(( clients < 2 ? 1 : 2 ))
  run_number=$((run_number + 1))
  a0=$(ticks all) n0=$(ticks nojit)
  out=$(wrk -t$threads -c"$clients" -d"${secs}s" --latency -s "$script" "http://127.0.0.1:$port" -- $threads $((run_number * 10000000)) 2>&1)
  a1=$(ticks all) n1=$(ticks nojit)
  total=$(echo "$out" | awk '/requests in/{print $1}')
  cpu_ms=$(awk -v t=$((a1 - a0)) -v hz="$(getconf CLK_TCK)" -v n="${total:-0}" 'BEGIN{if (n > 0) printf "%.2f ms", t * 1000 / hz / n; else print "n/a"}')
  nojit_ms=$(awk -v t=$((n1 - n0)) -v hz="$(getconf CLK_TCK)" -v n="${total:-0}" 'BEGIN{if (n > 0) printf "%.2f ms", t * 1000 / hz / n; else print "n/a"}')
}

# row LABEL: the table row of the last visit_run, with the load average at its end
row() {
  local rps p50 p99 bad
  rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  p50=$(echo "$out" | awk '$1=="50%"{print $2}')
  p99=$(echo "$out" | awk '$1=="99%"{print $2}')
  bad=$(echo "$out" | awk '/unexpected answers:/{print $3}')
  echo "| $1 | ${rps}$([ "${bad:-0}" != "0" ] && echo " ($bad unexpected answers)") | $p50 | $p99 | $cpu_ms | $nojit_ms | $(cut -d' ' -f1 /proc/loadavg) |"
}

# warm_up: 16 clients in windows until two consecutive windows' CPU per transaction agree within 5 %, or the cap;
# sets warm_line
warm_up() {
  local spent=0 last="" windows="" settled=no
  while [ "$spent" -lt "$warmup_max" ]; do
    visit_run 16 "$window"
    spent=$((spent + window))
    windows="$windows${windows:+, }$cpu_ms"
    if [ -n "$last" ] && awk -v a="${last% ms}" -v b="${cpu_ms% ms}" 'BEGIN{exit !(a + 0 > 0 && b + 0 > 0 && b <= a * 1.05 && b >= a * 0.95)}'; then
      settled=yes
      break
    fi
    last=$cpu_ms
  done
  local stored
  stored=$(curl_auth -s "$base/Claim?_summary=count" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
  warm_line="warm-up: ${spent} s at 16 clients ($([ $settled = yes ] && echo "settled: the last two ${window} s windows within 5 %" || echo "NOT settled within the ${warmup_max} s cap")); CPU per transaction of its windows: $windows; $stored visits stored before the steady run"
}

echo_header() {
  machine
  echo "steady state: warm-up windows of ${window} s at 16 clients until two consecutive windows' CPU per transaction agree within 5 % (at most ${warmup_max} s)"
  echo
  echo "| transaction of a 6-resource visit, never seen before | transactions/s | p50 | p99 | server CPU per transaction | without the JIT | load (1 min) |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
}

notes=()
echo_header
for validation in enforce off; do
  data=$work/data-$validation
  start_server "$port" "$log" --psychcode.store.validation=$validation \
    "--spring.datasource.url=jdbc:h2:file:$data/psychcode;LOCK_TIMEOUT=10000;QUERY_CACHE_SIZE=64;DB_CLOSE_ON_EXIT=FALSE"
  trap 'stop_server; rm -rf "$work"' EXIT
  wait_for "http://127.0.0.1:$port/actuator/health/readiness" "$log" >/dev/null
  for clients in $([ "$validation" = enforce ] && echo 1) 16; do
    visit_run "$clients" 3
    visit_run "$clients" "$seconds"
    row "validation \`$validation\`, $clients client$([ "$clients" = 1 ] || echo s), cold (3 s of load before)"
  done
  warm_up
  notes+=("validation \`$validation\`: $warm_line")
  if [ -n "${BENCH_JFR:-}" ]; then
    mkdir -p "$BENCH_JFR"
    jcmd "$server_pid" JFR.start name=bench settings=profile >/dev/null
  fi
  visit_run 16 "$seconds"
  row "validation \`$validation\`, 16 clients, steady state"
  if [ -n "${BENCH_JFR:-}" ]; then
    jcmd "$server_pid" JFR.dump name=bench filename="$(cd "$BENCH_JFR" && pwd)/store-$validation.jfr" >/dev/null
  fi
  if [ "$validation" = off ]; then
    stored=$(curl_auth -s "$base/Claim?_summary=count" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
    patient=$(curl_auth -s "$base/Patient?_count=1&_sort=-_lastUpdated" | sed -n 's/.*"resourceType":"Patient","id":"\([^"]*\)".*/\1/p' | head -n1)
    notes+=("With $stored visits stored: Encounter?patient= p50 $(search_p50 "Encounter?patient=$patient"),"\
" Claim?patient=&_include=Claim:encounter p50 $(search_p50 "Claim?patient=$patient&_include=Claim:encounter") (curl, one at a time)")
  fi
  notes+=("validation \`$validation\`: $(resident_memory)")
  stop_server
  trap - EXIT
done
echo
printf -- '- %s\n' "${notes[@]}"
echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$work"
