# Sourced by run.sh and validate.sh: builds the jar when the sources are newer, and runs the server the way the
# Docker image does (Spring Boot's extracted layout, docker/jvm.options), from a copy, so that a rebuild while
# a benchmark runs cannot pull classes from under it.
# After start_server: server_pid, start_ns; stop_server runs on exit.

bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

build_jar() {
  local jar
  jar=$(ls "$bench_root"/target/psychcode-fhir-server-*.jar 2>/dev/null | grep -v original | head -n1 || true)
  if [ -z "$jar" ] || [ -n "$(cd "$bench_root" && find src/main terminology fhir-resources pom.xml -newer "$jar" -type f 2>/dev/null | head -n1)" ]; then
    (cd "$bench_root" && ./mvnw -q -B -DskipTests package)
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

# start_server PORT LOG [server arguments...]
start_server() {
  local port=$1 log=$2
  shift 2
  set -- "$@" ${bench_security_args[@]+"${bench_security_args[@]}"}
  local jar
  jar=$(build_jar)
  server_dir=$(mktemp -d)
  java -Djarmode=tools -jar "$jar" extract --destination "$server_dir" >/dev/null
  jvm_opts=${BENCH_JVM_OPTS:-@$bench_root/docker/jvm.options}
  start_ns=$(date +%s%N)
  # shellcheck disable=SC2086
  java $jvm_opts -jar "$server_dir/$(basename "$jar")" --server.port="$port" "$@" ${BENCH_SERVER_ARGS:-} >"$log" 2>&1 &
  server_pid=$!
  trap stop_server EXIT
}

stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  rm -rf "$server_dir" ${bench_scratch:-}
}

# wait_for URL LOG: polls until the URL answers 2xx; prints the milliseconds since start_server
wait_for() {
  until curl -sf -o /dev/null "$1"; do
    kill -0 "$server_pid" 2>/dev/null || { echo "server exited; see $2" >&2; exit 1; }
    sleep 0.05
  done
  echo $(( ($(date +%s%N) - start_ns) / 1000000 ))
}

machine() {
  echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/{print $2}') GiB; java: $(java -version 2>&1 | head -n1)"
  echo "jvm options: $jvm_opts${BENCH_SERVER_ARGS:+; server arguments: $BENCH_SERVER_ARGS}; security: ${BENCH_SECURITY:-off}; load average before start: $load_before"
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
