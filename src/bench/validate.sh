#!/usr/bin/env bash
# Benchmarks Bundle/$validate as clients see it, every request a visit never posted before: the time from java -jar
# until the server reports ready (the validator warm; median of BENCH_STARTS starts, 5), then on one more start the
# first requests once ready, throughput and latency of 6-resource visit Bundles from 1 and 16 clients (wrk), the
# cost of a 5-entry against a 1,000-entry Bundle, and the resident memory after that load.
# Usage: src/bench/validate.sh [SECONDS_PER_SCENARIO]
# Needs wrk on the PATH (Debian: apt-get install wrk) and a JDK. JVM options: BENCH_JVM_OPTS (default: the
# server's production options, docker/jvm.options); further server arguments: BENCH_SERVER_ARGS; BENCH_CDS=off
# to start without the class-data sharing archive; BENCH_PORT (18081). BENCH_SECURITY=on: the same with security on
# (Bundle/$validate is an open family: the token every request carries is not checked); src/bench/security.sh measures
# what security costs here, against a server with it off, side by side.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/server.sh"
seconds=${1:-20}
port=${BENCH_PORT:-18081}
command -v wrk >/dev/null || { echo "wrk is not installed (Debian: apt-get install wrk)" >&2; exit 2; }
log="${TMPDIR:-/tmp}/psychcode-validate-bench.log"
base="http://127.0.0.1:$port/fhir"

bench_scratch=$(mktemp -d)
visits=$bench_scratch
java "$here/VisitBench.java" files "$visits" 100
prepare_server
ready_starts "${BENCH_STARTS:-5}" "$port" "$log"
start_server "$port" "$log"
open_ms=$(wait_for "$base/metadata" "$log")
ready_ms=$(wait_for "http://127.0.0.1:$port/actuator/health/readiness" "$log")

machine
echo "$ready_line"
echo "the start that is loaded: the port opens after ${open_ms} ms, ready after ${ready_ms} ms ($(grep -o 'Validation warm:.*' "$log" | head -n1; grep -o 'HTTP path warm:.*' "$log" | head -n1))"
first_ms=$(for f in "$visits"/visit-*.json; do
  curl_auth -s -o /dev/null -w '%{time_total}\n' -H 'Content-Type: application/fhir+json' --data-binary @"$f" "$base/Bundle/\$validate"
done | awk '{printf "%.1f\n", $1 * 1000}')
echo "first 100 requests once ready (curl, one at a time, distinct visits): first $(echo "$first_ms" | sed -n 1p) ms, second $(echo "$first_ms" | sed -n 2p) ms, median $(echo "$first_ms" | sort -n | sed -n 50p) ms, 100th $(echo "$first_ms" | sed -n 100p) ms"
echo
echo "| Bundle/\$validate, 6-resource visits never seen before | requests/s | p50 | p99 | server CPU per request |"
echo "|---|---:|---:|---:|---:|"
for clients in 1 16; do
  script=$(mktemp --suffix=.lua)
  cat "$here/wrk/common.lua" "$here/wrk/validate-visit-unseen.lua" >"$script"
  wrk_row "$script" "$clients" "$seconds" "$clients client(s)"
  rm -f "$script"
done
echo
echo "Bundle size, one client: $(java "$here/VisitBench.java" sizes "$base" 15)"
resident_memory
