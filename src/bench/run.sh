#!/usr/bin/env bash
# Benchmarks the server as a client sees it: start-up to first answer, then wrk (2 threads, 16 connections)
# against each terminology operation, once with one request repeated and once with requests never seen
# before, and the resident memory under that load.
# Usage: src/bench/run.sh [SECONDS_PER_SCENARIO] [SCENARIO_FILTER]
# Needs wrk on the PATH (Debian: apt-get install wrk). JVM options: BENCH_JVM_OPTS (default: the server's
# production options, docker/jvm.options).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/src/bench"
seconds=${1:-15}
only=${2:-}
port=${BENCH_PORT:-18080}
threads=2
connections=16
command -v wrk >/dev/null || { echo "wrk is not installed (Debian: apt-get install wrk)" >&2; exit 2; }
cd "$root"
jar=$(ls target/psychcode-fhir-server-*.jar 2>/dev/null | grep -v original | head -n1 || true)
if [ -z "$jar" ] || [ -n "$(find src terminology fhir-resources pom.xml -newer "$jar" -type f 2>/dev/null | head -n1)" ]; then
  ./mvnw -q -B -DskipTests package
  jar=$(ls target/psychcode-fhir-server-*.jar | grep -v original | head -n1)
fi
jvm_opts=${BENCH_JVM_OPTS:-@$root/docker/jvm.options}
base="http://127.0.0.1:$port/fhir"
probe="$base/CodeSystem/\$validate-code?system=http://www.ama-assn.org/go/cpt&code=90834"

start_ns=$(date +%s%N)
# shellcheck disable=SC2086
java $jvm_opts -jar "$jar" --server.port="$port" >"${TMPDIR:-/tmp}/psychcode-bench.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
until curl -sf -o /dev/null "$probe"; do
  kill -0 $pid 2>/dev/null || { echo "server exited; see ${TMPDIR:-/tmp}/psychcode-bench.log" >&2; exit 1; }
  sleep 0.05
done
startup_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/{print $2}') GiB; java: $(java -version 2>&1 | head -n1)"
echo "jvm options: $jvm_opts"
echo "start-up to first \$validate-code answer: ${startup_ms} ms"
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
echo "resident memory after the load: $(awk '/VmRSS/{printf "%d MB", $2/1024}' /proc/$pid/status), peak $(awk '/VmHWM/{printf "%d MB", $2/1024}' /proc/$pid/status)"
