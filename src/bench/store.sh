#!/usr/bin/env bash
# Benchmarks the store as EHRs use it: POST /fhir with transaction Bundles of 6-resource visits, every one new
# (own MRN, date and minutes), stored in a fresh H2 file database, from 1 and 16 clients (wrk), with validation on
# write enforce (the default) and then off; then the searches clients make of what was stored.
# Usage: src/bench/store.sh [SECONDS_PER_SCENARIO]
# Needs wrk on the PATH (Debian: apt-get install wrk) and a JDK. JVM options: BENCH_JVM_OPTS (default: the
# server's production options, docker/jvm.options); further server arguments: BENCH_SERVER_ARGS. BENCH_SECURITY=on: the
# same with bearer tokens checked (SMART scopes) on every request; src/bench/security.sh measures what that costs
# against a server with security off, side by side.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/server.sh"
seconds=${1:-20}
port=${BENCH_PORT:-18100}
command -v wrk >/dev/null || { echo "wrk is not installed (Debian: apt-get install wrk)" >&2; exit 2; }
log="${TMPDIR:-/tmp}/psychcode-store-bench.log"
base="http://127.0.0.1:$port/fhir"
work=$(mktemp -d)
script=$work/visit.lua
cat "$here/wrk/common.lua" "$here/wrk/validate-visit-unseen.lua" "$here/wrk/store-visit-transaction.lua" >"$script"

# search_p50 QUERY: median of 200 sequential requests (curl), in ms
search_p50() {
  for _ in $(seq 1 200); do curl_auth -s -o /dev/null -w '%{time_total}\n' "$base/$1"; done |
    sort -n | awk '{a[NR]=$1} END{printf "%.2f ms", a[int(NR/2)] * 1000}'
}

header() {
  machine
  echo
  echo "| transaction of a 6-resource visit, never seen before | transactions/s | p50 | p99 | server CPU per transaction |"
  echo "|---|---:|---:|---:|---:|"
}
for validation in enforce off; do
  data=$work/data-$validation
  start_server "$port" "$log" --psychcode.store.validation=$validation \
    "--spring.datasource.url=jdbc:h2:file:$data/psychcode;LOCK_TIMEOUT=10000;QUERY_CACHE_SIZE=64;DB_CLOSE_ON_EXIT=FALSE"
  trap 'stop_server; rm -rf "$work"' EXIT
  wait_for "http://127.0.0.1:$port/actuator/health/readiness" "$log" >/dev/null
  if [ "$validation" = enforce ]; then
    header
    wrk_row "$script" 1 "$seconds" "validation $validation, 1 client"
  fi
  wrk_row "$script" 16 "$seconds" "validation $validation, 16 clients"
  if [ "$validation" = off ]; then
    stored=$(curl_auth -s "$base/Claim?_summary=count" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
    patient=$(curl_auth -s "$base/Patient?_count=1&_sort=-_lastUpdated" | sed -n 's/.*"resourceType":"Patient","id":"\([^"]*\)".*/\1/p' | head -n1)
    echo
    echo "With $stored visits stored: Encounter?patient= p50 $(search_p50 "Encounter?patient=$patient"),"\
      "Claim?patient=&_include=Claim:encounter p50 $(search_p50 "Claim?patient=$patient&_include=Claim:encounter") (curl, one at a time)"
  fi
  resident_memory
  stop_server
  trap - EXIT
done
rm -rf "$work"
