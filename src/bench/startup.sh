#!/bin/bash
# Start-up, A against B: starts each given server layout in turn (round robin, ROUNDS rounds), each
# from java -jar until /actuator/health/readiness answers 200, in a fresh working directory (an empty H2 database,
# so Flyway migrates), and prints per start: the load average, the wall time until the port opens and until ready,
# the server's CPU time until ready (/proc/PID/stat) and the CPU of its busiest threads (/proc/PID/task/*/stat:
# the JIT's compiler threads, Spring's main thread, the warm-up thread, the collector), then the medians per layout.
# Usage: src/bench/startup.sh ROUNDS LABEL=DIR[:ARGS] LABEL=DIR[:ARGS] ...
#   DIR: a server layout (docker/server-layout.sh's target/server: psychcode-fhir-server.jar and jvm.options);
#   ARGS: further arguments for that layout, separated by spaces: those that begin with -X or -D go to the JVM (after
#   the layout's jvm.options), the others to the server (e.g. --a.property=value).
# BENCH_PORT (default 18400): the port the servers listen on. BENCH_FIRST=N (default 10): once ready, N distinct
# 6-resource visits (src/bench/VisitBench.java) are posted to Bundle/$validate one at a time, and the first, the second
# and the median of their times are printed: what a change to the readiness pass moves into the first requests.
# The CPU to ready is read before these requests. BENCH_DATABASE=kept: each layout starts on its own database, created by
# its first start and kept for the next (Flyway then only checks the schema), instead of an empty one every time.
set -euo pipefail
rounds=$1
shift
port=${BENCH_PORT:-18400}
hz=$(getconf CLK_TCK)
results=$(mktemp)
visits=$(mktemp -d)
scratch=$(mktemp -d)
first=${BENCH_FIRST:-10}
java "$(dirname "$0")/VisitBench.java" files "$visits" "$first"
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$results" "$visits" "$scratch"' EXIT

median() {
  echo "$1" | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

one_start() {
  local label=$1 dir=$2 args=$3 work start open_ms ready_ms cpu threads a jvm=() server=()
  for a in $args; do
    case $a in -X* | -D*) jvm+=("$a") ;; *) server+=("$a") ;; esac
  done
  if [ "${BENCH_DATABASE:-fresh}" = kept ]; then
    work=$scratch/$label
    mkdir -p "$work"
  else
    work=$(mktemp -d -p "$scratch")
  fi
  start=$(date +%s%N)
  (cd "$work" && exec java @"$dir/jvm.options" ${jvm[@]+"${jvm[@]}"} -jar "$dir/psychcode-fhir-server.jar" --server.port="$port" \
    ${server[@]+"${server[@]}"} >server.log 2>&1) &
  pid=$!
  open_ms=
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/actuator/health/readiness")" = 200 ]; do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$work/server.log" >&2; echo "$label: the server exited" >&2; exit 1; }
    [ -z "$open_ms" ] && curl -s -o /dev/null "http://127.0.0.1:$port/actuator/health/liveness" && open_ms=$(ms_since "$start")
    sleep 0.02
  done
  ready_ms=$(ms_since "$start")
  cpu=$(awk -v hz="$hz" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$pid/stat")
  threads=$(for t in /proc/"$pid"/task/*; do
    awk -v hz="$hz" '{n = $0; sub(/^[0-9]+ \(/, "", n); sub(/\) .*/, "", n); gsub(/ /, "_", n)
      split(substr($0, index($0, ") ") + 2), f, " "); printf "%s %.1f\n", n, (f[12] + f[13]) / hz}' "$t/stat" 2>/dev/null
  done | awk '{s[$1] += $2} END {for (n in s) if (s[n] >= 0.3) printf "%s %.1f\n", n, s[n]}' | sort -k2 -nr | head -n 6 | tr '\n' ' ')
  firsts=$(for f in "$visits"/visit-*.json; do
    curl -s -o /dev/null -w '%{time_total}\n' -H 'Content-Type: application/fhir+json' --data-binary @"$f" \
      "http://127.0.0.1:$port/fhir/Bundle/\$validate"
  done | awk '{printf "%.0f\n", $1 * 1000}')
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=
  [ "${BENCH_DATABASE:-fresh}" = kept ] || rm -rf "$work"
  echo "$label $ready_ms $cpu" >>"$results"
  printf '| %s | %s | %s ms | %s ms | %s s | %s / %s / %s ms | %s |\n' "$label" "$(cut -d' ' -f1 /proc/loadavg)" "${open_ms:-?}" \
    "$ready_ms" "$cpu" "$(echo "$firsts" | sed -n 1p)" "$(echo "$firsts" | sed -n 2p)" \
    "$(echo "$firsts" | sort -n | sed -n "$(( (first + 1) / 2 ))p")" "$threads"
}

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); java: $(java -version 2>&1 | head -n1); $(date -u +%H:%M) UTC"
echo "| layout | load | port open | ready | CPU to ready | first requests once ready: first / second / median | threads' CPU to ready (s) |"
echo "|---|---|---|---|---|---|---|"
for ((r = 1; r <= rounds; r++)); do
  for spec in "$@"; do
    label=${spec%%=*}
    rest=${spec#*=}
    dir=${rest%%:*}
    args=
    [[ $rest == *:* ]] && args=${rest#*:}
    one_start "$label" "$dir" "$args"
  done
done
echo
for spec in "$@"; do
  label=${spec%%=*}
  walls=$(awk -v l="$label" '$1 == l {print $2}' "$results" | sort -n)
  cpus=$(awk -v l="$label" '$1 == l {print $3}' "$results" | sort -n)
  echo "$label: median ready $(median "$walls") ms, median CPU to ready $(median "$cpus") s ($(echo "$walls" | wc -l) starts)"
done
