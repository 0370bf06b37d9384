#!/usr/bin/env bash
# Benchmarks the terminology API as a client sees it: start-up to the first answer and to readiness, then wrk
# (2 threads, 16 connections) against each terminology operation, once with one request repeated and once with
# requests never seen before, and the resident memory under that load.
# Usage: src/bench/run.sh [SECONDS_PER_SCENARIO] [SCENARIO_FILTER]
# Needs wrk on the PATH (Debian: apt-get install wrk). JVM options: BENCH_JVM_OPTS (default: the server's
# production options, docker/jvm.options); further server arguments: BENCH_SERVER_ARGS
# (e.g. --psychcode.validation.warm-up=off for a server that only ever answers terminology).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/server.sh"
seconds=${1:-15}
only=${2:-}
port=${BENCH_PORT:-18080}
threads=2
connections=16
command -v wrk >/dev/null || { echo "wrk is not installed (Debian: apt-get install wrk)" >&2; exit 2; }
log="${TMPDIR:-/tmp}/psychcode-bench.log"

start_server "$port" "$log"
first_ms=$(wait_for "http://127.0.0.1:$port/fhir/CodeSystem/\$validate-code?system=http://www.ama-assn.org/go/cpt&code=90834" "$log")
# the load starts once the server reports ready (the profile validator warm), so it measures the steady state
ready_ms=$(wait_for "http://127.0.0.1:$port/actuator/health/readiness" "$log")

machine
echo "start-up to the first \$validate-code answer: ${first_ms} ms; to ready (/actuator/health/readiness): ${ready_ms} ms"
echo
echo "| scenario | requests/s | p50 | p99 |"
echo "|---|---:|---:|---:|"
for scenario in validate-code-repeated validate-code-unseen lookup-repeated lookup-unseen expand-repeated expand-unseen; do
  [ -n "$only" ] && [[ "$scenario" != *"$only"* ]] && continue
  script=$(mktemp --suffix=.lua)
  cat "$here/wrk/common.lua" "$here/wrk/$scenario.lua" >"$script"
  wrk -t$threads -c$connections -d3s -s "$script" "http://127.0.0.1:$port" -- $threads >/dev/null
  out=$(wrk -t$threads -c$connections -d"${seconds}s" --latency -s "$script" "http://127.0.0.1:$port" -- $threads)
  rm -f "$script"
  rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  p50=$(echo "$out" | awk '$1=="50%"{print $2}')
  p99=$(echo "$out" | awk '$1=="99%"{print $2}')
  errors=$(echo "$out" | awk '/Non-2xx/{print " (non-2xx: "$NF")"}')
  echo "| $scenario | ${rps}${errors} | $p50 | $p99 |"
done
echo
resident_memory
