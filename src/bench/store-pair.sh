#!/bin/bash
# Two settings of the store measured side by side, so that the comparison survives a busy machine: two servers of the
# same jar, A (port BENCH_PORT, 18100) and B (BENCH_PORT + 50), each on its own fresh H2 file, and store.sh's visit
# transaction posted from 16 clients in pairs of runs, one run on each server, A first in odd pairs and B first in
# even ones. First BENCH_WARMUP_RUNS warm-up pairs (4), then ROUNDS measured pairs.
# Per run and server: transactions/s; server CPU per transaction (utime + stime of every thread but the JIT compilers,
# /proc, from the pair's start to its end, so what H2 writes after a run counts too), and of that H2's MVStore threads
# (the page serialisation of each CHECKPOINT); H2's own file counters per transaction (info.FILE_WRITE, the file
# writes; info.FILE_WRITE_BYTES, the bytes; read from INFORMATION_SCHEMA.SETTINGS over H2's AUTO_SERVER connection,
# which H2 does not take together with DB_CLOSE_ON_EXIT=FALSE, so the URL leaves that out).
# The load average is printed with each pair.
# Usage: BENCH_A_ARGS='...' BENCH_B_ARGS='--psychcode.store.commit-gather-micros=4000' src/bench/store-pair.sh [SECONDS] [ROUNDS]
# BENCH_A_H2, BENCH_B_H2: H2 settings appended to each server's database URL (';AUTO_COMPACT_FILL_RATE=50').
# BENCH_VALIDATION: the validation of both servers (off); BENCH_CLIENTS (16). JVM options: BENCH_JVM_OPTS, as for the
# other benchmarks. BENCH_JFR=DIR: both servers record a JFR profile of the measured runs (DIR/pair-a.jfr, pair-b.jfr).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/server.sh"
seconds=${1:-20}
rounds=${2:-6}
port_a=${BENCH_PORT:-18100}
port_b=$((port_a + 50))
clients=${BENCH_CLIENTS:-16}
validation=${BENCH_VALIDATION:-off}
command -v wrk >/dev/null || { echo "wrk is not installed (Debian: apt-get install wrk)" >&2; exit 2; }
h2_jar=$(ls "$HOME"/.m2/repository/com/h2database/h2/*/h2-*.jar | grep -v sources | tail -n1)
work=$(mktemp -d)
script=$work/visit.lua
cat "$here/wrk/common.lua" "$here/wrk/validate-visit-unseen.lua" "$here/wrk/store-visit-transaction.lua" >"$script"
run_number=0
pid_a= pid_b=
trap 'kill $pid_a $pid_b 2>/dev/null || true; wait $pid_a $pid_b 2>/dev/null || true; rm -rf "$work"' EXIT

# url SERVER: its database's URL (with BENCH_A_H2 or BENCH_B_H2 appended: H2 settings such as ';AUTO_COMPACT_FILL_RATE=50')
url() {
  local extra
  if [ "$1" = a ]; then extra=${BENCH_A_H2:-}; else extra=${BENCH_B_H2:-}; fi
  echo "jdbc:h2:file:$work/data-$1/psychcode;LOCK_TIMEOUT=10000;QUERY_CACHE_SIZE=64;AUTO_SERVER=TRUE$extra"
}

# cpu PID: "all-but-JIT h2" ticks so far (the process's total keeps the CPU of threads that have ended)
cpu() {
  { cat /proc/"$1"/stat; cat /proc/"$1"/task/*/stat; } 2>/dev/null | awk '{ j = match($0, /\) [A-Z] /)
      comm = substr($0, index($0, "(") + 1, j - index($0, "(") - 1); split(substr($0, j + 2), f, " "); c = f[12] + f[13]
      if (NR == 1) all = c; else if (comm ~ /CompilerThre/) jit += c; else if (comm ~ /^MVStore/) h2 += c }
    END { print all - jit, h2 }'
}

# h2_writes SERVER: "file-writes bytes" H2 has counted since the database was opened
h2_writes() {
  java -cp "$h2_jar" org.h2.tools.Shell -url "$(url "$1")" -user sa -password "" \
    -sql "SELECT SETTING_NAME, SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME IN ('info.FILE_WRITE', 'info.FILE_WRITE_BYTES') ORDER BY SETTING_NAME" |
    awk '/info.FILE_WRITE_BYTES/{b=$NF} /info.FILE_WRITE /{w=$NF} END{print w + 0, b + 0}'
}

# run PORT: one wrk run; prints "transactions/s transactions"
run() {
  local out bad
  out=$(wrk -t2 -c"$clients" -d"${seconds}s" --timeout 60s -s "$script" "http://127.0.0.1:$1" -- 2 $((run_number * 10000000 + $1)) 2>&1)
  bad=$(echo "$out" | awk '/unexpected answers:/{print $3}')
  [ "${bad:-0}" = 0 ] || echo "  ($bad unexpected answers on port $1: $(echo "$out" | grep -m1 'unexpected answer '))" >&2
  echo "$(echo "$out" | awk '/Requests\/sec/{print $2}') $(echo "$out" | awk '/requests in/{print $1}')"
}

# per_tx BEFORE AFTER H2BEFORE H2AFTER RUN: one table cell group for a server
per_tx() {
  awk -v b="$1" -v a="$2" -v hb="$3" -v ha="$4" -v r="$5" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    split(b, x, " "); split(a, y, " "); split(hb, p, " "); split(ha, q, " "); split(r, t, " "); n = t[2]
    if (n + 0 <= 0) { printf "%s | n/a | n/a | n/a | n/a", t[1]; exit }
    printf "%s | %.2f ms | %.2f ms | %.3f | %.1f KB", t[1], (y[1] - x[1]) * 1000 / hz / n, (y[2] - x[2]) * 1000 / hz / n,
      (q[1] - p[1]) / n, (q[2] - p[2]) / 1024 / n }'
}

# pair ORDER LABEL: one run on each server (ORDER a or b first) and its row
pair() {
  local a0 b0 a1 b1 ha0 hb0 ha1 hb1 ra rb
  run_number=$((run_number + 1))
  ha0=$(h2_writes a) hb0=$(h2_writes b)
  a0=$(cpu "$pid_a") b0=$(cpu "$pid_b")
  if [ "$1" = a ]; then ra=$(run "$port_a"); rb=$(run "$port_b"); else rb=$(run "$port_b"); ra=$(run "$port_a"); fi
  a1=$(cpu "$pid_a") b1=$(cpu "$pid_b")
  ha1=$(h2_writes a) hb1=$(h2_writes b)
  echo "| $2 | $(date -u +%H:%M) | $(cut -d' ' -f1 /proc/loadavg) | $(per_tx "$a0" "$a1" "$ha0" "$ha1" "$ra") | $(per_tx "$b0" "$b1" "$hb0" "$hb1" "$rb") |"
}

prepare_server
machine
echo "A: ${BENCH_A_ARGS:-(defaults)}${BENCH_A_H2:+ H2 $BENCH_A_H2}; B: ${BENCH_B_ARGS:-(defaults)}${BENCH_B_H2:+ H2 $BENCH_B_H2}; validation $validation; $clients clients, ${seconds} s per run"
idle=--psychcode.validation.idle-warm-up-millis=0
# shellcheck disable=SC2086
start_server "$port_a" "$work/a.log" --psychcode.store.validation="$validation" $idle "--spring.datasource.url=$(url a)" ${BENCH_A_ARGS:-}
pid_a=$server_pid
# shellcheck disable=SC2086
start_server "$port_b" "$work/b.log" --psychcode.store.validation="$validation" $idle "--spring.datasource.url=$(url b)" ${BENCH_B_ARGS:-}
pid_b=$server_pid
trap 'kill $pid_a $pid_b 2>/dev/null || true; wait $pid_a $pid_b 2>/dev/null || true; rm -rf "$work"' EXIT
server_pid=$pid_a; wait_for "http://127.0.0.1:$port_a/actuator/health/readiness" "$work/a.log" >/dev/null
server_pid=$pid_b; wait_for "http://127.0.0.1:$port_b/actuator/health/readiness" "$work/b.log" >/dev/null
if [ -n "${BENCH_JFR:-}" ]; then mkdir -p "$BENCH_JFR"; fi
echo
echo "| pair | time (UTC) | load | A transactions/s | A CPU per transaction | A of which H2's writer | A file writes per transaction | A bytes per transaction | B transactions/s | B CPU per transaction | B of which H2's writer | B file writes per transaction | B bytes per transaction |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for i in $(seq 1 "${BENCH_WARMUP_RUNS:-4}"); do
  pair $([ $((i % 2)) = 1 ] && echo a || echo b) "warm-up $i"
done
if [ -n "${BENCH_JFR:-}" ]; then
  jcmd "$pid_a" JFR.start name=pair settings=profile >/dev/null
  jcmd "$pid_b" JFR.start name=pair settings=profile >/dev/null
fi
for i in $(seq 1 "$rounds"); do
  pair $([ $((i % 2)) = 1 ] && echo a || echo b) "$i"
done
if [ -n "${BENCH_JFR:-}" ]; then
  jcmd "$pid_a" JFR.dump name=pair filename="$(cd "$BENCH_JFR" && pwd)/pair-a.jfr" >/dev/null
  jcmd "$pid_b" JFR.dump name=pair filename="$(cd "$BENCH_JFR" && pwd)/pair-b.jfr" >/dev/null
fi
echo
echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
