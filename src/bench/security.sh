#!/bin/bash
# What security costs, measured so that it survives a busy machine: two servers of the same jar run side by side, one
# with security off and one with it on (bearer tokens checked, SMART scopes, a system/*.cruds token on every request),
# each with its own fresh H2 file database, and the same wrk scenario is run against them in pairs of runs, one run on
# each, off first in odd pairs and on first in even ones. First warm-up pairs until each server's CPU per request has
# settled and its JIT has compiled the path (see the warm-up below), then ROUNDS measured pairs. Every run's visits
# are new (numbered from the run's own offset, the same for both servers), so no run repeats a Patient an earlier one
# stored. BENCH_STORE_DATA=DIR: both servers start on their own
# copy of that H2 folder (a store seeded by reports.sh, say), so both measure a store of the same size, which the runs'
# growth changes little; without it each starts empty, and the faster one's store grows faster.
# Each pair gives each server's requests/s and its CPU per request: utime + stime of its threads from /proc, from the
# pair's start to its end (the other server's run included, so what a server does after its run, H2 writing what it
# stored, counts as its cost), over the requests it served; the JIT compilers' threads left out. Beside the whole
# server's CPU, the request threads' (Tomcat's), the VM thread's (the serial collector's collections) and H2's writer's. A load that
# slows the machine lengthens both servers' runs alike and changes the CPU a request takes far less. The summary: the
# median, quartiles and range of the rounds' cost (on against off, per round), and each side's median CPU.
# Both servers run without the idle warm-up (psychcode.validation.idle-warm-up-millis=0): with it, the server not
# being measured validates examples whenever it is idle, on the same two cores as the one that is.
# Scenarios: store (POST /fhir, a transaction of a 6-resource visit never seen, validation enforce), validate
# (Bundle/$validate of such a visit, an open family: no token needed, and none is checked) and read (GET of one stored
# Patient: what security adds to a request that costs little else).
# Usage: src/bench/security.sh [SECONDS_PER_RUN] [ROUNDS] [SCENARIO...]   (defaults: 15, 9, store validate)
# BENCH_PORT (18600): the server with security off; BENCH_PORT + 1: the one with security on. BENCH_CLIENTS (16);
# BENCH_WARMUP: seconds of each warm-up run (SECONDS_PER_RUN); BENCH_WARMUP_RUNS, BENCH_WARMUP_MAX: the fewest
# and the most warm-up pairs (4, 12).
# BENCH_JFR=DIR: both servers record a JFR profile of the measured runs (DIR/<scenario>-off.jfr and -on.jfr), for
# src/bench/jfr-diff.py. JVM options: BENCH_JVM_OPTS, as for the other benchmarks.
# BENCH_CONTROL=on: a control run, both servers with security off (the second sends no token either), so that the
# figures show what the method itself reads into two identical servers (a figure of the real run is a cost of security
# only where it stands clear of the control's).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BENCH_SECURITY=on
. "$here/server.sh"
seconds=${1:-15}
rounds=${2:-9}
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
on_token=$BENCH_TOKEN
if [ "${BENCH_CONTROL:-off}" = on ]; then
  security_args=() on_token=
fi
off_pid= on_pid=

stop_both() {
  for p in $off_pid $on_pid; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  off_pid= on_pid=
}
trap 'stop_both; rm -rf "$work" "${bench_keys:-}"' EXIT

# ticks PID: the CPU the server has used so far, in clock ticks (utime + stime), on one line: the whole process (whose
# figure keeps the CPU of threads that have ended), then each live thread's "tid:kind:ticks", kind one of compiler
# (the JIT's), request (Tomcat's http-nio-*), vm (the VM thread: the serial collector's collections, the safepoints),
# h2 (MVStore's background writer, which writes the chunks and checkpoints) or other
ticks() {
  { cat /proc/"$1"/stat; cat /proc/"$1"/task/*/stat; } 2>/dev/null | awk '{ j = match($0, /\) [A-Z] /)
      comm = substr($0, index($0, "(") + 1, j - index($0, "(") - 1); split(substr($0, j + 2), f, " "); c = f[12] + f[13]
      if (NR == 1) { line = c; next }
      kind = comm ~ /CompilerThre/ ? "compiler" : comm ~ /^http-nio/ ? "request" : comm == "VM Thread" ? "vm" : comm ~ /^MVStore/ ? "h2" : "other"
      line = line " " $1 ":" kind ":" c }
    END { print line }'
}

# per_request BEFORE AFTER REQUESTS: from two ticks lines, the CPU per request in ms of the whole server but its JIT
# compilers, of its request threads, its VM thread and H2's writer. Each thread counts from its first figure (0 when
# it started in between); a thread that ended in between counts in the whole server's figure only.
per_request() {
  awk -v b="$1" -v a="$2" -v n="$3" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    if (n + 0 <= 0) { print "n/a n/a n/a n/a"; exit }
    nb = split(b, x, " "); na = split(a, y, " ")
    for (i = 2; i <= nb; i++) { split(x[i], t, ":"); was[t[1]] = t[3] }
    for (i = 2; i <= na; i++) { split(y[i], t, ":"); d[t[2]] += t[3] - was[t[1]] }
    all = y[1] - x[1] - d["compiler"]
    printf "%.3f %.3f %.3f %.3f\n", all * 1000 / hz / n, d["request"] * 1000 / hz / n, d["vm"] * 1000 / hz / n, d["h2"] * 1000 / hz / n }'
}

# compiled PID: how many methods the JIT has compiled so far (jstat)
compiled() {
  jstat -compiler "$1" 2>/dev/null | awk 'NR == 2 {print $1}'
}

# cost OFF ON: how much more the second figure is than the first, in per cent
cost() {
  awk -v x="$1" -v y="$2" 'BEGIN{if (x + 0 > 0 && y + 0 > 0) printf "%+.1f", (y / x - 1) * 100; else printf "n/a"}'
}

# spread VALUES...: the smallest, the quartiles and the largest (nearest rank), as "min q1 median q3 max"
spread() {
  printf '%s\n' "$@" | grep -v n/a | sort -g | awk '{v[NR] = $1} END { if (NR == 0) { print "n/a"; exit }
    q1 = v[int((NR + 3) / 4)]; q3 = v[NR + 1 - int((NR + 3) / 4)]
    m = (NR % 2) ? v[(NR + 1) / 2] : sprintf("%+.1f", (v[NR / 2] + v[NR / 2 + 1]) / 2)
    printf "%s %s %s %s %s", v[1], q1, m, q3, v[NR] }'
}

# run_once PORT TOKEN SCRIPT SECONDS: one wrk run; prints requests/s and the number of requests served (wrk waits a
# minute for an answer, not its default 2 s: on a busy machine a transaction can take longer, and an answer wrk gave up
# on would cost CPU that no request is counted for)
run_once() {
  local port=$1 token=$2 script=$3 secs=$4 threads out total rps bad
  threads=$(( clients < 2 ? 1 : 2 ))
  out=$(BENCH_TOKEN=$token wrk -t$threads -c"$clients" -d"${secs}s" --timeout 60s -s "$script" "http://127.0.0.1:$port" -- $threads \
    $((run_number * 10000000)) 2>&1)
  rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  total=$(echo "$out" | awk '/requests in/{print $1}')
  bad=$(echo "$out" | awk '/unexpected answers:/{print $3}')
  [ "${bad:-0}" = 0 ] || echo "  ($bad unexpected answers on port $port: $(echo "$out" | grep -m1 'unexpected answer '))" >&2
  echo "${rps:-0} ${total:-0}"
}

# pair SCRIPTS SECONDS ORDER: one run on each server (SCRIPTS-off.lua on the one, SCRIPTS-on.lua on the other; ORDER
# off or on: which goes first), after which off_rps, on_rps hold their requests/s, off_cpu, on_cpu the four figures of
# per_request for each, and off_jit, on_jit how many methods each JIT compiled meanwhile. A server's CPU is counted
# from the start of the pair to its end, the other's run included: what it still does after its own run (H2 writing
# the chunks of what it stored, the audit trail's writer) is its cost too, and is not lost between runs.
pair() {
  local script=$1 secs=$2 order=$3 off0 on0 off1 on1 a b offc onc
  run_number=$((run_number + 1))
  offc=$(compiled "$off_pid") onc=$(compiled "$on_pid")
  off0=$(ticks "$off_pid") on0=$(ticks "$on_pid")
  if [ "$order" = off ]; then
    a=$(run_once "$off_port" "" "$script-off.lua" "$secs"); b=$(run_once "$on_port" "$on_token" "$script-on.lua" "$secs")
  else
    b=$(run_once "$on_port" "$on_token" "$script-on.lua" "$secs"); a=$(run_once "$off_port" "" "$script-off.lua" "$secs")
  fi
  off1=$(ticks "$off_pid") on1=$(ticks "$on_pid")
  off_jit=$(( $(compiled "$off_pid") - ${offc:-0} )) on_jit=$(( $(compiled "$on_pid") - ${onc:-0} ))
  off_rps=${a% *} on_rps=${b% *}
  off_cpu=$(per_request "$off0" "$off1" "${a#* }") on_cpu=$(per_request "$on0" "$on1" "${b#* }")
}

machine
[ "${BENCH_CONTROL:-off}" != on ] || echo "control run: the second server has security off too"
echo "off: port $off_port; on: port $on_port; $clients clients, ${seconds} s per run, $rounds rounds after warm-up runs of ${warmup} s; CPU: every thread of the server but the JIT compilers"
for scenario in "${scenarios[@]}"; do
  script=$work/$scenario
  case $scenario in
    store)
      cat "$here/wrk/common.lua" "$here/wrk/validate-visit-unseen.lua" "$here/wrk/store-visit-transaction.lua" >"$script-off.lua"
      label="POST /fhir, transaction of a 6-resource visit, validation enforce" ;;
    validate)
      cat "$here/wrk/common.lua" "$here/wrk/validate-visit-unseen.lua" >"$script-off.lua"
      label="Bundle/\$validate of a 6-resource visit" ;;
    read)
      label="GET Patient/<id>, a read of one stored Patient" ;;
    *) echo "unknown scenario $scenario (store, validate, read)" >&2; exit 2 ;;
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
  if [ "$scenario" = read ]; then
    # one Patient stored in each server, read again and again: the fixed cost of a request for stored data (the filter
    # chain, the token, the scope check, the audit trail's requestor) beside a read that costs little else
    for side in off on; do
      port=$off_port token=
      [ $side = off ] || port=$on_port token=$on_token
      id=$(curl -s -o /dev/null -w '%{redirect_url}%header{location}' -X POST -H 'Content-Type: application/fhir+json' \
        ${token:+-H "Authorization: Bearer $token"} -d '{"resourceType":"Patient","name":[{"family":"Read","given":["Bench"]}]}' \
        "http://127.0.0.1:$port/fhir/Patient" | sed -n 's#.*/Patient/\([^/]*\)/_history.*#\1#p')
      [ -n "$id" ] || { echo "could not store the Patient to read on port $port" >&2; exit 1; }
      cat "$here/wrk/common.lua" - >"$script-$side.lua" <<LUA
request = function() return wrk.format("GET", "/fhir/Patient/$id", fhir_headers()) end
response = function(status, headers, body) expect(status, body, '"resourceType":"Patient"') end
LUA
    done
  else
    cp "$script-off.lua" "$script-on.lua"
  fi
  # warm-up: pairs of runs (off first, then on first, in turn) until the JIT has compiled the path and each server's
  # CPU per request has settled: twice running, each server's CPU per request within 10 % of its previous pair's and
  # fewer than 100 methods compiled by each JIT in the pair; at least BENCH_WARMUP_RUNS pairs (4), at most
  # BENCH_WARMUP_MAX (12). On a busy machine the JIT compilers get little of the processors, and a server whose
  # compilers are behind spends several times the CPU per request: the cost of security cannot be read off until both
  # have caught up.
  off_last= on_last= warm=0 steady=0
  for ((w = 1; w <= ${BENCH_WARMUP_MAX:-12}; w++)); do
    pair "$script" "$warmup" "$( ((w % 2)) && echo off || echo on)"
    echo "  warm-up $w: off $off_rps requests/s, ${off_cpu%% *} ms CPU per request, $off_jit methods compiled;" \
      "on $on_rps requests/s, ${on_cpu%% *} ms, $on_jit compiled" >&2
    if [ -n "$off_last" ] && ((off_jit < 100 && on_jit < 100)) && awk -v a="$off_last" -v b="${off_cpu%% *}" -v c="$on_last" -v d="${on_cpu%% *}" \
        'BEGIN{exit !(b + 0 > 0 && d + 0 > 0 && b > a * 0.9 && b < a * 1.1 && d > c * 0.9 && d < c * 1.1)}'; then
      steady=$((steady + 1))
    else
      steady=0
    fi
    off_last=${off_cpu%% *} on_last=${on_cpu%% *}
    if ((steady >= 2 && w >= ${BENCH_WARMUP_RUNS:-4})); then
      warm=$w
      break
    fi
  done
  if [ -n "${BENCH_JFR:-}" ]; then
    mkdir -p "$BENCH_JFR"
    for p in $off_pid $on_pid; do jcmd "$p" JFR.start name=bench settings=profile >/dev/null; done
    # one pair more, not measured: starting a recording costs each JVM a burst of work (on a busy machine the first
    # pair after it served nothing)
    pair "$script" "$warmup" off
  fi
  echo
  echo "$label, $clients clients, ${seconds} s per run, after ${warm/#0/${BENCH_WARMUP_MAX:-12} (not settled)} warm-up pairs of runs; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "CPU per request in ms: the whole server but its JIT compilers; its request threads; its VM thread (collections); H2's background writer"
  echo
  echo "| round | requests/s off / on | CPU off | CPU on | on against off | request threads off / on | against | VM thread off / on | H2 writer off / on | methods compiled off / on |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  offs=() ons=() costs=() req_costs=()
  for ((r = 1; r <= rounds; r++)); do
    pair "$script" "$seconds" "$( ((r % 2)) && echo off || echo on)"
    read -r ot orq og oh <<<"$off_cpu"
    read -r nt nrq ng nh <<<"$on_cpu"
    offs+=("$ot") ons+=("$nt") costs+=("$(cost "$ot" "$nt")") req_costs+=("$(cost "$orq" "$nrq")")
    echo "| $r | $off_rps / $on_rps | $ot ms | $nt ms | $(cost "$ot" "$nt") % | $orq / $nrq ms | $(cost "$orq" "$nrq") % | $og / $ng ms | $oh / $nh ms | $off_jit / $on_jit |"
  done
  read -r c0 c1 c2 c3 c4 <<<"$(spread "${costs[@]}")"
  read -r q0 q1 q2 q3 q4 <<<"$(spread "${req_costs[@]}")"
  off_median=$(median "${offs[@]}") on_median=$(median "${ons[@]}")
  echo
  echo "cost of security per round (CPU on against off): median $c2 %, quartiles $c1 % and $c3 %, from $c0 % to $c4 %;" \
    "request threads alone: median $q2 %, quartiles $q1 % and $q3 %, from $q0 % to $q4 %"
  echo "median CPU per request of each side: off $off_median ms, on $on_median ms ($(cost "$off_median" "$on_median") %);" \
    "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ -n "${BENCH_JFR:-}" ]; then
    jcmd "$off_pid" JFR.dump name=bench filename="$(cd "$BENCH_JFR" && pwd)/$scenario-off.jfr" >/dev/null
    jcmd "$on_pid" JFR.dump name=bench filename="$(cd "$BENCH_JFR" && pwd)/$scenario-on.jfr" >/dev/null
  fi
  stop_both
done
