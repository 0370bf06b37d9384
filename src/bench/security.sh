#!/usr/bin/env bash
# What security costs, measured so that it survives a busy machine: two servers of the same jar run side by side, one
# with security off and one with it on (bearer tokens checked, SMART scopes, a system/*.cruds token on every request),
# each with its own fresh H2 file database, and the same wrk scenario is run against them in turn, ROUNDS times
# (off, on, on, off, off, on, ...: neither always goes first), after warm-up runs of both until each one's CPU per
# request has settled. Every run's visits are new (numbered from the run's own offset, the same for both servers), so
# no run repeats a Patient an earlier one stored. BENCH_STORE_DATA=DIR: both servers start on their own copy of that
# H2 folder (a store seeded by reports.sh, say), so both measure a store of the same size, which the runs' growth
# changes little; without it each starts empty, and the faster one's store grows faster. Each run gives requests/s and the server's CPU per request (utime + stime of its threads from
# /proc, before and after, over the requests served; the JIT compilers' threads left out): a load that slows the
# machine lengthens both servers' runs alike and changes the CPU a request takes far less.
# Both servers run without the idle warm-up (psychcode.validation.idle-warm-up-millis=0): with it, the server not
# being measured validates examples whenever it is idle, on the same two cores as the one that is.
# Scenarios: store (POST /fhir, a transaction of a 6-resource visit never seen, validation enforce) and validate
# (Bundle/$validate of such a visit, an open family: no token needed, and none is checked).
# Usage: src/bench/security.sh [SECONDS_PER_RUN] [ROUNDS] [SCENARIO...]   (defaults: 15, 3, store validate)
# BENCH_PORT (18600): the server with security off; BENCH_PORT + 1: the one with security on. BENCH_CLIENTS (16);
# BENCH_WARMUP: seconds of each warm-up run (SECONDS_PER_RUN).
# BENCH_JFR=DIR: both servers record a JFR profile of the measured runs (DIR/<scenario>-off.jfr and -on.jfr), for
# src/bench/jfr-diff.py. JVM options: BENCH_JVM_OPTS, as for the other benchmarks.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BENCH_SECURITY=on
. "$here/server.sh"
seconds=${1:-15}
rounds=${2:-3}
shift $(( $# > 2 ? 2 : $# ))
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(store validate)
off_port=${BENCH_PORT:-18600}
on_port=$((off_port + 1))
clients=${BENCH_CLIENTS:-16}
warmup=${BENCH_WARMUP:-$seconds}
run_number=0
command -v wrk >/dev/null || { echo "wrk is not installed (Debian: apt-get install wrk)" >&2; exit 2; }
work=$(mktemp -d)
security_args=("${bench_security_args[@]}")
off_pid= on_pid=

stop_both() {
  for p in $off_pid $on_pid; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  off_pid= on_pid=
}
trap 'stop_both; rm -rf "$work" "${bench_keys:-}"' EXIT

# ticks PID: the CPU the server's threads have used so far (utime + stime, in clock ticks), but its JIT compilers'
# (which keep compiling long after a warm-up on a busy machine, whatever the requests cost once compiled)
ticks() {
  awk '{ j = match($0, /\) [A-Z] /); comm = substr($0, index($0, "(") + 1, j - index($0, "(") - 1)
         split(substr($0, j + 2), f, " "); if (comm !~ /CompilerThre/) t += f[12] + f[13] } END { print t }' /proc/"$1"/task/*/stat
}

# run_once PID PORT TOKEN SCRIPT SECONDS: one wrk run; prints requests/s and the server's CPU per request in ms
run_once() {
  local pid=$1 port=$2 token=$3 script=$4 secs=$5 threads before after out total rps bad
  threads=$(( clients < 2 ? 1 : 2 ))
  before=$(ticks "$pid")
  out=$(BENCH_TOKEN=$token wrk -t$threads -c"$clients" -d"${secs}s" -s "$script" "http://127.0.0.1:$port" -- $threads \
    $((run_number * 10000000)) 2>&1)
  after=$(ticks "$pid")
  rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  total=$(echo "$out" | awk '/requests in/{print $1}')
  bad=$(echo "$out" | awk '/unexpected answers:/{print $3}')
  [ "${bad:-0}" = 0 ] || echo "  ($bad unexpected answers on port $port: $(echo "$out" | grep -m1 'unexpected answer '))" >&2
  awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="${total:-0}" -v rps="$rps" \
    'BEGIN{if (n > 0) printf "%s %.3f", rps, t * 1000 / hz / n; else printf "%s n/a", rps}'
}

machine
echo "off: port $off_port; on: port $on_port; $clients clients, ${seconds} s per run, $rounds rounds after warm-up runs of ${warmup} s; CPU: every thread of the server but the JIT compilers"
for scenario in "${scenarios[@]}"; do
  script=$work/$scenario.lua
  case $scenario in
    store)
      cat "$here/wrk/common.lua" "$here/wrk/validate-visit-unseen.lua" "$here/wrk/store-visit-transaction.lua" >"$script"
      label="POST /fhir, transaction of a 6-resource visit, validation enforce" ;;
    validate)
      cat "$here/wrk/common.lua" "$here/wrk/validate-visit-unseen.lua" >"$script"
      label="Bundle/\$validate of a 6-resource visit" ;;
    *) echo "unknown scenario $scenario (store, validate)" >&2; exit 2 ;;
  esac
  for side in off on; do
    mkdir -p "$work/$scenario-$side"
    [ -z "${BENCH_STORE_DATA:-}" ] || cp "$BENCH_STORE_DATA"/psychcode.mv.db "$work/$scenario-$side/"
  done
  bench_security_args=()
  start_server "$off_port" "$work/off.log" --psychcode.validation.idle-warm-up-millis=0 "--spring.datasource.url=jdbc:h2:file:$work/$scenario-off/psychcode;LOCK_TIMEOUT=10000;QUERY_CACHE_SIZE=64;DB_CLOSE_ON_EXIT=FALSE"
  off_pid=$server_pid
  bench_security_args=("${security_args[@]}")
  start_server "$on_port" "$work/on.log" --psychcode.validation.idle-warm-up-millis=0 "--spring.datasource.url=jdbc:h2:file:$work/$scenario-on/psychcode;LOCK_TIMEOUT=10000;QUERY_CACHE_SIZE=64;DB_CLOSE_ON_EXIT=FALSE"
  on_pid=$server_pid
  trap 'stop_both; rm -rf "$work" "${bench_keys:-}"' EXIT
  server_pid=$off_pid; wait_for "http://127.0.0.1:$off_port/actuator/health/readiness" "$work/off.log" >/dev/null
  server_pid=$on_pid; wait_for "http://127.0.0.1:$on_port/actuator/health/readiness" "$work/on.log" >/dev/null
  # warm-up: both servers in turn until each one's CPU per request stays within 10 % of its previous warm-up run (the
  # JIT has compiled the path), at most 8 runs each
  off_last= on_last= warm=0
  for ((w = 1; w <= 8; w++)); do
    run_number=$((run_number + 1))
    a=$(run_once "$off_pid" "$off_port" "" "$script" "$warmup"); b=$(run_once "$on_pid" "$on_port" "$BENCH_TOKEN" "$script" "$warmup")
    echo "  warm-up $w: off ${a% *} requests/s, ${a#* } ms CPU per request; on ${b% *} requests/s, ${b#* } ms" >&2
    if [ -n "$off_last" ] && awk -v a="$off_last" -v b="${a#* }" -v c="$on_last" -v d="${b#* }" \
        'BEGIN{exit !(b + 0 > 0 && d + 0 > 0 && b > a * 0.9 && b < a * 1.1 && d > c * 0.9 && d < c * 1.1)}'; then
      warm=$w
      break
    fi
    off_last=${a#* } on_last=${b#* }
  done
  if [ -n "${BENCH_JFR:-}" ]; then
    mkdir -p "$BENCH_JFR"
    for p in $off_pid $on_pid; do jcmd "$p" JFR.start name=bench settings=profile >/dev/null; done
  fi
  echo
  echo "$label, $clients clients, after ${warm/#0/8 (not settled)} warm-up runs of each; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| round | off: requests/s | on: requests/s | off: CPU per request | on: CPU per request | on against off, CPU |"
  echo "|---|---:|---:|---:|---:|---:|"
  offs=() ons=()
  for ((r = 1; r <= rounds; r++)); do
    run_number=$((run_number + 1))
    if ((r % 2)); then
      a=$(run_once "$off_pid" "$off_port" "" "$script" "$seconds"); b=$(run_once "$on_pid" "$on_port" "$BENCH_TOKEN" "$script" "$seconds")
    else
      b=$(run_once "$on_pid" "$on_port" "$BENCH_TOKEN" "$script" "$seconds"); a=$(run_once "$off_pid" "$off_port" "" "$script" "$seconds")
    fi
    offs+=("${a#* }") ons+=("${b#* }")
    echo "| $r | ${a% *} | ${b% *} | ${a#* } ms | ${b#* } ms | $(awk -v x="${a#* }" -v y="${b#* }" 'BEGIN{if (x + 0 > 0 && y + 0 > 0) printf "%+.1f %%", (y / x - 1) * 100; else printf "n/a"}') |"
  done
  off_median=$(median "${offs[@]}") on_median=$(median "${ons[@]}")
  echo
  echo "median CPU per request: off $off_median ms, on $on_median ms, on costs $(awk -v x="$off_median" -v y="$on_median" 'BEGIN{if (x + 0 > 0 && y + 0 > 0) printf "%+.1f %%", (y / x - 1) * 100; else printf "n/a"}'); load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ -n "${BENCH_JFR:-}" ]; then
    jcmd "$off_pid" JFR.dump name=bench filename="$(cd "$BENCH_JFR" && pwd)/$scenario-off.jfr" >/dev/null
    jcmd "$on_pid" JFR.dump name=bench filename="$(cd "$BENCH_JFR" && pwd)/$scenario-on.jfr" >/dev/null
  fi
  stop_both
done
