#!/bin/bash
# The floor under the store's write throughput: what H2 alone costs for the rows one visit writes (src/bench/H2Floor.java:
# plain JDBC, the server's schema and INSERT statements, 16 writer threads, commit and the server's group-committed
# CHECKPOINT after each visit). The schema is the server's own: the server is started once on a fresh H2 file (its
# Flyway migrations create it) and stopped, then H2Floor writes into that file. Prints visits/s, the JVM's CPU per
# visit and H2's file writes and bytes per visit, to read beside store.sh's CPU per transaction.
# Usage: src/bench/h2-floor.sh [SECONDS [THREADS [WARM_UP_SECONDS [CHECKPOINT_MS]]]]   (20, 16, 30, 0)
# CHECKPOINT_MS above 0: no commit waits for a checkpoint; one runs about every CHECKPOINT_MS instead (what H2 would
# cost if a commit were made durable by something else, such as a log of the server's own).
# JVM options of the writer: BENCH_JVM_OPTS (default: the server's, docker/jvm.options). Port of the schema's server
# start: BENCH_PORT + 50 (18150).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/server.sh"
seconds=${1:-20}
threads=${2:-16}
warm=${3:-30}
checkpoint_ms=${4:-0}
port=$(( ${BENCH_PORT:-18100} + 50 ))
h2_jar=$(ls "$HOME"/.m2/repository/com/h2database/h2/*/h2-*.jar | grep -v sources | tail -n1)
work=$(mktemp -d)
bench_scratch=$work
url="jdbc:h2:file:$work/data/psychcode;LOCK_TIMEOUT=10000;QUERY_CACHE_SIZE=64;DB_CLOSE_ON_EXIT=FALSE"
start_server "$port" "$work/server.log" "--spring.datasource.url=$url"
wait_for "http://127.0.0.1:$port/actuator/health/readiness" "$work/server.log" >/dev/null
stop_server
machine
echo "H2 alone: $threads writer threads, ${warm} s warm-up, ${seconds} s measured; H2 $(basename "$h2_jar" .jar);" \
  "$([ "$checkpoint_ms" -gt 0 ] && echo "a checkpoint every $checkpoint_ms ms that no commit waits for" || echo "every commit waits for its checkpoint")"
echo
echo "| writer threads | visits/s | CPU per visit (the whole JVM) | file writes per visit | bytes written per visit | load (1 min) |"
echo "|---:|---:|---:|---:|---:|---:|"
# shellcheck disable=SC2086
row=$(java $jvm_opts -cp "$h2_jar" "$here/H2Floor.java" "$url" "$threads" "$warm" "$seconds" "$checkpoint_ms")
echo "$row $(cut -d' ' -f1 /proc/loadavg) |"
rm -rf "$work"
