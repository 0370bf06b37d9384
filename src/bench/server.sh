# Sourced by run.sh and validate.sh: builds the jar when the sources are newer, and runs the server the way the
# Docker image does (Spring Boot's extracted layout, docker/jvm.options, a class-data sharing archive written by
# docker/cds-archive.sh), from a copy, so that a rebuild while a benchmark runs cannot pull classes from under it.
# The copy and its archive are kept in $TMPDIR for the next run of the same jar. BENCH_CDS=off: no archive.
# After start_server: server_pid, start_ns; stop_server runs on exit (and bench_scratch, if set, is removed).

bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
jvm_opts=${BENCH_JVM_OPTS:-@$bench_root/docker/jvm.options}

build_jar() {
  local jar
  jar=$(ls "$bench_root"/target/psychcode-fhir-server-*.jar 2>/dev/null | grep -v original | head -n1 || true)
  if [ -z "$jar" ] || [ -n "$(cd "$bench_root" && find src/main terminology fhir-resources pom.xml -newer "$jar" -type f 2>/dev/null | head -n1)" ]; then
    (cd "$bench_root" && ./mvnw -q -B -DskipTests -Dpsychcode.server-layout.skip=true package)
    jar=$(ls "$bench_root"/target/psychcode-fhir-server-*.jar | grep -v original | head -n1)
  fi
  echo "$jar"
}

# With BENCH_SECURITY=on the server checks bearer tokens (a demo key pair made here, as docker/demo-token.java
# makes one for the compose file) and BENCH_TOKEN holds a token granting everything (system/*.cruds), which the
# scenarios and curl_auth send.
bench_security_args=()
if [ "${BENCH_SECURITY:-off}" = on ]; then
  bench_keys=$(mktemp -d)
  java -Ddemo.dir="$bench_keys" "$bench_root/docker/demo-token.java" keys >/dev/null
  BENCH_TOKEN=$(java -Ddemo.dir="$bench_keys" "$bench_root/docker/demo-token.java" token 'system/*.cruds' --minutes 600)
  export BENCH_TOKEN
  bench_security_args=(--psychcode.security.enabled=true
    "--spring.security.oauth2.resourceserver.jwt.public-key-location=file:$bench_keys/public.pem"
    --spring.security.oauth2.resourceserver.jwt.issuer-uri=https://demo-issuer.psychcode.invalid
    --spring.security.oauth2.resourceserver.jwt.audiences=psychcode-fhir)
fi

# curl_auth ARGS...: curl with the benchmark's bearer token, when there is one
curl_auth() {
  if [ -n "${BENCH_TOKEN:-}" ]; then curl -H "Authorization: Bearer $BENCH_TOKEN" "$@"; else curl "$@"; fi
}

# prepare_server: the extracted copy of the current jar (and its archive), in server_dir and server_jar
prepare_server() {
  local jar key
  jar=$(build_jar)
  key=$( (sha1sum "$jar"; echo "$jvm_opts"; cat "$bench_root/docker/jvm.options") | sha1sum | cut -c1-12)
  server_dir="${TMPDIR:-/tmp}/psychcode-bench-server-$key"
  server_jar=$(basename "$jar")
  if [ ! -f "$server_dir/$server_jar" ]; then
    rm -rf "$server_dir"
    java -Djarmode=tools -jar "$jar" extract --destination "$server_dir" >/dev/null
  fi
  cds_opts=
  if [ "${BENCH_CDS:-on}" != off ]; then
    if [ ! -f "$server_dir/server.jsa" ]; then
      echo "writing the class-data sharing archive (one training start)..." >&2
      local options=$server_dir/jvm.options
      echo "$jvm_opts" | tr ' ' '\n' | sed 's/^@//' | while read -r o; do [ -f "$o" ] && cat "$o" || echo "$o"; done >"$options"
      "$bench_root/docker/cds-archive.sh" "$server_dir" "$server_jar" "$options" "${BENCH_PORT:-18999}" >&2
    fi
    cds_opts="-XX:SharedArchiveFile=$server_dir/server.jsa"
  fi
}

# start_server PORT LOG [server arguments...]
start_server() {
  local port=$1 log=$2
  shift 2
  set -- "$@" ${bench_security_args[@]+"${bench_security_args[@]}"}
  [ -n "${server_dir:-}" ] || prepare_server
  start_ns=$(date +%s%N)
  # shellcheck disable=SC2086
  java $jvm_opts $cds_opts -jar "$server_dir/$server_jar" --server.port="$port" "$@" ${BENCH_SERVER_ARGS:-} >"$log" 2>&1 &
  server_pid=$!
  trap 'stop_server; rm -rf ${bench_scratch:-} ${bench_keys:-}' EXIT
}

stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
}

# wait_for URL LOG: polls until the URL answers 2xx; prints the milliseconds since start_server
wait_for() {
  until curl -sf -o /dev/null "$1"; do
    kill -0 "$server_pid" 2>/dev/null || { echo "server exited; see $2" >&2; exit 1; }
    sleep 0.05
  done
  echo $(( ($(date +%s%N) - start_ns) / 1000000 ))
}

# cpu_seconds: user + system CPU time the server has used so far
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$server_pid/stat"
}

# ready_starts N PORT LOG: starts the server N times, each until /actuator/health/readiness reports ready, and
# sets ready_line: each start's wall time and CPU time to readiness, their medians, and the load average around
# them (not printed from a subshell, whose exit would run start_server's trap)
ready_starts() {
  local n=$1 port=$2 log=$3 i walls="" cpus="" load_start
  load_start=$(cut -d' ' -f1-3 /proc/loadavg)
  for ((i = 1; i <= n; i++)); do
    start_server "$port" "$log"
    walls="$walls $(wait_for "http://127.0.0.1:$port/actuator/health/readiness" "$log")"
    cpus="$cpus $(cpu_seconds)"
    stop_server
  done
  ready_line="ready (java -jar to /actuator/health/readiness UP), $n starts: median $(median $walls) ms wall, $(median $cpus) s CPU (each: wall${walls} ms; CPU${cpus} s); load average before: $load_start, after: $(cut -d' ' -f1-3 /proc/loadavg)"
}

median() {
  printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

machine() {
  echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/{print $2}') GiB; java: $(java -version 2>&1 | head -n1)"
  echo "jvm options: $jvm_opts${cds_opts:+ $cds_opts}${BENCH_SERVER_ARGS:+; server arguments: $BENCH_SERVER_ARGS}; security: ${BENCH_SECURITY:-off}; load average before start: $load_before"
}

resident_memory() {
  echo "resident memory after the load: $(awk '/VmRSS/{printf "%d MB", $2/1024}' /proc/$server_pid/status), peak $(awk '/VmHWM/{printf "%d MB", $2/1024}' /proc/$server_pid/status)"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# wrk_row SCRIPT CLIENTS SECONDS LABEL: a 3 s warm-up, then one wrk scenario against the server on $port, printed as
# a table row: label, requests/s (and any unexpected answers the script counted), p50, p99, server CPU per request
wrk_row() {
  local script=$1 clients=$2 seconds=$3 label=$4 threads out cpu_before cpu_after rps p50 p99 bad total cpu_ms
  threads=$(( clients < 2 ? 1 : 2 ))
  wrk -t$threads -c$clients -d3s -s "$script" "http://127.0.0.1:$port" -- $threads >/dev/null 2>&1
  cpu_before=$(awk '{print $14 + $15}' /proc/$server_pid/stat)
  out=$(wrk -t$threads -c$clients -d"${seconds}s" --latency -s "$script" "http://127.0.0.1:$port" -- $threads 2>&1)
  cpu_after=$(awk '{print $14 + $15}' /proc/$server_pid/stat)
  rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  p50=$(echo "$out" | awk '$1=="50%"{print $2}')
  p99=$(echo "$out" | awk '$1=="99%"{print $2}')
  bad=$(echo "$out" | awk '/unexpected answers:/{print $3}')
  total=$(echo "$out" | awk '/requests in/{print $1}')
  cpu_ms=$(awk -v t=$((cpu_after - cpu_before)) -v hz="$(getconf CLK_TCK)" -v n="$total" 'BEGIN{printf "%.2f ms", t * 1000 / hz / n}')
  echo "| $label | ${rps}$([ "${bad:-0}" != "0" ] && echo " ($bad unexpected answers)") | $p50 | $p99 | $cpu_ms |"
}
