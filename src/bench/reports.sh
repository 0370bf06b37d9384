#!/usr/bin/env bash
# Benchmarks the coding-habit reports and bulk export over a large store: seeds VISITS visits (default 100,000; each
# an Encounter and a Claim, 200 practitioners, 10,000 patients, all of 2025) through POST /fhir transactions into an
# H2 file database kept for the next run (target/bench-large-VISITS, the folder store-large.sh measures too), then times one client's Practitioner/$coding-profile and
# Measure/$evaluate-measure for the year, and a system $export of everything: kick-off to manifest, then every file
# downloaded, with the server's resident memory sampled every 100 ms while it runs.
# Usage: src/bench/reports.sh [VISITS]
# Needs curl and a JDK. Port: BENCH_PORT (default 18500); JVM options: BENCH_JVM_OPTS (default docker/jvm.options);
# further server arguments: BENCH_SERVER_ARGS; BENCH_STORE_DATA: where the seeded database is kept; BENCH_SEED_BATCH
# (100) visits per transaction Bundle from BENCH_SEED_CLIENTS (2) clients; BENCH_SEED_ONLY=1 stops after seeding.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/server.sh"
visits=${1:-100000}
port=${BENCH_PORT:-18500}
log="${TMPDIR:-/tmp}/psychcode-reports-bench.log"
base="http://127.0.0.1:$port/fhir"
data=${BENCH_STORE_DATA:-$bench_root/target/bench-large-$visits}
url="jdbc:h2:file:$data/psychcode;LOCK_TIMEOUT=10000;QUERY_CACHE_SIZE=64;DB_CLOSE_ON_EXIT=FALSE"

if [ ! -f "$data/seeded" ]; then
  # a seeding of this script's that was cut short (seeded.tmp) starts again; another script's database is left alone
  [ ! -e "$data/psychcode.mv.db" ] || [ -e "$data/seeded.tmp" ] ||
    { echo "$data holds a database this script did not seed (store-large.sh's?): name another folder" >&2; exit 2; }
  rm -rf "$data"
  mkdir -p "$data"
  # validation off while seeding: the reporting rows and their findings are written whatever the mode
  start_server "$port" "$log" --psychcode.store.validation=off "--spring.datasource.url=$url"
  wait_for "http://127.0.0.1:$port/actuator/health/readiness" "$log" >/dev/null
  echo "seeding (uptime before: $(uptime | sed 's/.*load/load/'))"
  java "$here/ReportBench.java" seed "$base" "$visits" | tee "$data/seeded.tmp"
  mv "$data/seeded.tmp" "$data/seeded"
  echo "load after seeding: $(uptime | sed 's/.*load/load/'); database on disk: $(du -sh "$data" | cut -f1)"
  stop_server
fi
[ "${BENCH_SEED_ONLY:-0}" = 1 ] && exit 0

start_server "$port" "$log" "--spring.datasource.url=$url"
wait_for "http://127.0.0.1:$port/actuator/health/readiness" "$log" >/dev/null
machine
echo "store: $(cat "$data/seeded")"
echo
echo "| request (one client, sequential) | requests | p50 | p90 | max |"
echo "|---|---:|---:|---:|---:|"
java "$here/ReportBench.java" profile "$base" 200
java "$here/ReportBench.java" measure "$base" 21
java "$here/ReportBench.java" measure "$base" 21 csv
echo "load: $(uptime | sed 's/.*load/load/')"
echo

rss() { awk '/VmRSS/{print int($2/1024)}' "/proc/$server_pid/status"; }
export_once() {
  local samples=$work/rss status t0 t1 t2 code manifest files total lines
  rss >"$samples"
  (while kill -0 "$server_pid" 2>/dev/null; do rss >>"$samples"; sleep 0.1; done) &
  local sampler=$!
  t0=$(date +%s%N)
  status=$(curl -s -D - -o /dev/null -H 'Prefer: respond-async' -H 'Accept: application/fhir+json' "$base/\$export" |
    tr -d '\r' | sed -n 's/^[Cc]ontent-[Ll]ocation: //p')
  [ -n "$status" ] || { echo "no status URL from the kick-off" >&2; exit 1; }
  while :; do
    code=$(curl -s -o "$work/manifest.json" -w '%{http_code}' "$status")
    [ "$code" = 202 ] || break
    sleep 0.1
  done
  [ "$code" = 200 ] || { echo "status answered $code: $(cat "$work/manifest.json")" >&2; exit 1; }
  t1=$(date +%s%N)
  manifest=$(tr -d '\n ' <"$work/manifest.json")
  files=$(echo "$manifest" | grep -o '"url":"[^"]*"' | sed 's/"url":"//; s/"$//')
  total=$(echo "$manifest" | grep -o '"count":[0-9]*' | cut -d: -f2 | paste -sd+ | bc)
  lines=0
  for f in $files; do
    lines=$((lines + $(curl -s -H 'Accept: application/fhir+ndjson' "$f" | wc -l)))
  done
  t2=$(date +%s%N)
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  [ "$lines" = "$total" ] || { echo "downloaded $lines lines, the manifest counts $total" >&2; exit 1; }
  echo "| system \$export of everything | $total | $(( (t1 - t0) / 1000000 )) ms | $(( (t2 - t1) / 1000000 )) ms ($(echo "$files" | wc -w) files) |"\
    "$(awk -v n="$total" -v ns=$((t2 - t0)) 'BEGIN{printf "%.0f", n / (ns / 1e9)}') |"\
    "$(sort -n "$samples" | head -n1)-$(sort -n "$samples" | tail -n1) MB ($(wc -l <"$samples") samples) |"
}
work=$(mktemp -d)
bench_scratch=$work
echo "| export | resources | kick-off to manifest | downloads | resources/s overall | resident memory while it ran |"
echo "|---|---:|---:|---:|---:|---:|"
for _ in 1 2 3; do
  export_once
done
echo "load: $(uptime | sed 's/.*load/load/')"
resident_memory
