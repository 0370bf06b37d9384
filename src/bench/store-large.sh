#!/usr/bin/env bash
# The store with many visits: fills an H2 file database with VISITS distinct 6-resource visits (store.sh's visit)
# through the public API, kept for the next run, then measures start-up to readiness on it against an empty
# database (interleaved starts, wall and CPU), and Encounter?patient= and Claim?patient=&_include=Claim:encounter
# over many distinct patients, and the first 500 pages of Patient?_count=20 (no criteria), from 1 and 16 clients (wrk).
# Usage: src/bench/store-large.sh [VISITS [SECONDS_PER_SEARCH_SCENARIO]]
# BENCH_STORE_DATA: the folder of the filled database (default target/bench-store-VISITS; a later run with as many
# visits stored or more seeds nothing; a folder reports.sh seeded, target/bench-large-VISITS, is measured as it is,
# its visits' patients searched); BENCH_SEED_CLIENTS (4) clients of BENCH_SEED_BATCH (100) visits per
# transaction Bundle; BENCH_STARTS (5) starts of each database; BENCH_SEED_ONLY=1 stops after seeding.
# Needs wrk, curl and python3 on the PATH, and a JDK.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/server.sh"
visits=${1:-100000}
seconds=${2:-20}
port=${BENCH_PORT:-18100}
clients=${BENCH_SEED_CLIENTS:-4}
batch=${BENCH_SEED_BATCH:-100}
starts=${BENCH_STARTS:-5}
data=$(mkdir -p "${BENCH_STORE_DATA:-$bench_root/target/bench-store-$visits}" && cd "${BENCH_STORE_DATA:-$bench_root/target/bench-store-$visits}" && pwd)
for tool in wrk curl python3; do command -v $tool >/dev/null || { echo "$tool is not installed" >&2; exit 2; }; done
log="${TMPDIR:-/tmp}/psychcode-store-large-bench.log"
base="http://127.0.0.1:$port/fhir"
work=$(mktemp -d)
bench_scratch=$work
url() { echo "jdbc:h2:file:$1/psychcode;LOCK_TIMEOUT=10000;QUERY_CACHE_SIZE=64;DB_CLOSE_ON_EXIT=FALSE"; }
count() { curl -sf "$base/$1?_summary=count" | sed -n 's/.*"total":\([0-9]*\).*/\1/p'; }

machine
echo "database: $data"

# 1. Seeding: validation off, as fast as the API takes it (not for a store reports.sh seeded, which says its size)
if [ -f "$data/seeded" ]; then
  echo "seeded by reports.sh: $(cat "$data/seeded")"
  stored=$(sed -n 's/.* and \([0-9]*\) visits .*/\1/p' "$data/seeded")
else
  start_server "$port" "$log" --psychcode.store.validation=off "--spring.datasource.url=$(url "$data")"
  wait_for "http://127.0.0.1:$port/actuator/health/readiness" "$log" >/dev/null
  stored=$(count Claim)
  if [ "$stored" -lt "$visits" ]; then
    # visit numbers go on from the last run's (kept beside the database), so every visit is new
    first=$(cat "$data/next-visit-number" 2>/dev/null || echo 1)
    missing=$((visits - stored))
    echo $((first + missing + batch * clients)) >"$data/next-visit-number"
    echo "$first $((first + missing - 1))" >>"$data/visit-numbers"
    cat "$here/wrk/common.lua" "$here/wrk/validate-visit-unseen.lua" "$here/wrk/store-visit-transaction.lua" \
      "$here/wrk/store-visit-seed.lua" >"$work/seed.lua"
    load_seed=$(cut -d' ' -f1-3 /proc/loadavg)
    cpu_before=$(awk '{print $14 + $15}' /proc/$server_pid/stat)
    seed_start=$(date +%s%N)
    # wrk runs until interrupted: its threads stop after their last Bundle, and the count of Claims says when
    wrk -t"$clients" -c"$clients" -d24h --timeout 120s -s "$work/seed.lua" "http://127.0.0.1:$port" -- \
      "$clients" "$batch" "$first" "$missing" >"$work/seed.out" 2>&1 &
    wrk_pid=$!
    last=$stored still=0
    while now=$(count Claim) && [ "$now" -lt "$visits" ] && kill -0 $wrk_pid 2>/dev/null && [ "$still" -lt 24 ]; do
      [ "$now" = "$last" ] && still=$((still + 1)) || still=0
      last=$now
      echo "  $(date -u +%H:%M:%S) $now visits stored" >&2
      sleep 5
    done
    kill -INT $wrk_pid 2>/dev/null || true
    wait $wrk_pid || true
    seed_ms=$(( ($(date +%s%N) - seed_start) / 1000000 ))
    cpu_after=$(awk '{print $14 + $15}' /proc/$server_pid/stat)
    now=$(count Claim)
    # a refused Bundle leaves the store short (one whose connection broke is sent again): run again for the rest
    grep -E "unexpected|Socket errors|^unable" "$work/seed.out" >&2 || true
    awk -v n=$((now - stored)) -v ms=$seed_ms -v t=$((cpu_after - cpu_before)) -v hz="$(getconf CLK_TCK)" -v c="$clients" -v b="$batch" \
      -v l1="$load_seed" -v l2="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN {
        printf "seeded %d visits (%d clients, %d visits per transaction Bundle, validation off) in %.0f s: %.1f visits/s, server CPU %.0f s (%.2f ms per visit); load average before: %s, after: %s\n",
          n, c, b, ms / 1000, n * 1000 / ms, t / hz, t * 1000 / hz / n, l1, l2 }'
    stored=$now
  fi
fi
echo "visits stored: $stored; database on disk: $(du -sh "$data" | cut -f1)"

# the ids of patients to search for: 2,000 of them, found by the MRNs of visits drawn at random from those seeded (or
# drawn from the 10,000 patients of reports.sh's seeding, Patient/bench-pt-N)
python3 - "$base" "$data/visit-numbers" "$data/seeded" >"$work/patients.lua" <<'PY'
import json, os, random, sys, urllib.parse, urllib.request
if os.path.exists(sys.argv[3]):
    ids = [f"bench-pt-{n}" for n in random.Random(8).sample(range(10000), 2000)]
    print("PATIENTS = {" + ",".join(json.dumps(i) for i in ids) + "}")
    sys.exit(0)
base, ranges = sys.argv[1], [tuple(map(int, line.split())) for line in open(sys.argv[2])]
numbers = [n for first, last in ranges for n in range(first, last + 1)]
ids = []
for n in random.Random(8).sample(numbers, min(len(numbers), 4000)):
    mrn = urllib.parse.quote(f"http://example.org/fhir/mrn|MRN-{n:010d}")
    page = json.load(urllib.request.urlopen(f"{base}/Patient?identifier={mrn}&_total=none"))
    ids += [e["resource"]["id"] for e in page.get("entry", [])]
    if len(ids) == 2000:
        break
print("PATIENTS = {" + ",".join(json.dumps(i) for i in ids) + "}")
PY
[ -z "${server_pid:-}" ] || stop_server
[ "${BENCH_SEED_ONLY:-0}" = 1 ] && exit 0

# 2. Start-up: the filled database against an empty one (migrated by a first start, not counted), interleaved
empty=$work/empty
start_server "$port" "$log" "--spring.datasource.url=$(url "$empty")"
wait_for "http://127.0.0.1:$port/actuator/health/readiness" "$log" >/dev/null
stop_server
load_starts=$(cut -d' ' -f1-3 /proc/loadavg)
walls_empty="" cpus_empty="" walls_full="" cpus_full=""
for ((i = 1; i <= starts; i++)); do
  for db in empty full; do
    [ $db = empty ] && dir=$empty || dir=$data
    start_server "$port" "$log" "--spring.datasource.url=$(url "$dir")"
    wall=$(wait_for "http://127.0.0.1:$port/actuator/health/readiness" "$log")
    cpu=$(cpu_seconds)
    stop_server
    if [ $db = empty ]; then walls_empty="$walls_empty $wall" cpus_empty="$cpus_empty $cpu"
    else walls_full="$walls_full $wall" cpus_full="$cpus_full $cpu"; fi
  done
done
echo
echo "ready (java -jar to /actuator/health/readiness UP), $starts starts of each, interleaved; load average before: $load_starts, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| database | wall, median | CPU (user + system), median | each start: wall (ms) | each start: CPU (s) |"
echo "|---|---:|---:|---|---|"
echo "| empty | $(median $walls_empty) ms | $(median $cpus_empty) s |$walls_empty |$cpus_empty |"
echo "| $stored visits | $(median $walls_full) ms | $(median $cpus_full) s |$walls_full |$cpus_full |"

# 3. The searches, over 2,000 distinct patients taken in random order
start_server "$port" "$log" "--spring.datasource.url=$(url "$data")"
wait_for "http://127.0.0.1:$port/actuator/health/readiness" "$log" >/dev/null
echo
echo "| search, $stored visits stored (each request the next of 2,000 patients, or of the first 500 pages) | requests/s | p50 | p99 | server CPU per request |"
echo "|---|---:|---:|---:|---:|"
for query in encounter claim page; do
  cat "$here/wrk/common.lua" "$work/patients.lua" "$here/wrk/store-search-patient.lua" >"$work/$query.lua"
  echo "QUERY = \"$query\"" >>"$work/$query.lua"
  for c in 1 16; do
    case $query in
      encounter) label="Encounter?patient=" ;;
      claim) label="Claim?patient=&_include=Claim:encounter" ;;
      page) label="Patient?_count=20&_offset=" ;;
    esac
    wrk_row "$work/$query.lua" $c "$seconds" "\`$label\`, $c client$([ $c = 1 ] || echo s)"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
resident_memory
