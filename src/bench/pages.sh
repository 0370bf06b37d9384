#!/usr/bin/env bash
# Benchmarks the pages and Encounter/$suggest-codes: the weight of each page with its assets, and latency and
# throughput at one client (wrk) of GET /codes/<code> (cycling through the published codes) and of
# $suggest-codes for visits never posted before, beside a static stylesheet as the floor; then the same at 16 clients,
# and the resident memory.
# Usage: src/bench/pages.sh [SECONDS_PER_SCENARIO]
# Needs wrk and curl on the PATH (Debian: apt-get install wrk curl) and a JDK. Port: BENCH_PORT (default 18300);
# JVM options: BENCH_JVM_OPTS (default docker/jvm.options); further server arguments: BENCH_SERVER_ARGS.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/server.sh"
seconds=${1:-15}
port=${BENCH_PORT:-18300}
command -v wrk >/dev/null || { echo "wrk is not installed (Debian: apt-get install wrk)" >&2; exit 2; }
log="${TMPDIR:-/tmp}/psychcode-pages-bench.log"
site="http://127.0.0.1:$port"

start_server "$port" "$log"
wait_for "$site/fhir/metadata" "$log" >/dev/null
ready_ms=$(wait_for "$site/actuator/health/readiness" "$log")
machine
echo "ready after ${ready_ms} ms; uptime: $(uptime)"
echo

size() { curl -s -o /dev/null -w '%{size_download}' "$@"; }
css=$(size "$site/assets/site.css")
js=$(size "$site/assets/check.js")
example="$bench_root/fhir-resources/examples/rule-time-code-mismatch.json"
echo "| page | HTML | with its assets (site.css $css B$( [ -n "$js" ] && echo ", check.js $js B")) |"
echo "|---|---:|---:|"
for path in "/" "/?q=famly+therapy" "/codes/90837" "/codes/90791" "/codes/90833" "/codes/90835"; do
  html=$(size "$site$path")
  echo "| \`GET $path\` | $html B | $((html + css)) B |"
done
html=$(size "$site/check")
echo "| \`GET /check\` | $html B | $((html + css + js)) B |"
html=$(size -X POST --data-urlencode "bundle@$example" --data mode=paste "$site/check")
echo "| \`POST /check\` (an example visit, findings and suggestion) | $html B | $((html + css + js)) B |"
echo

codes=$(curl -s "$site/fhir/ValueSet/\$expand?url=http://psychcode.org/fhir/ValueSet/behavioral-health-codes&count=1000&_format=json" \
  | grep -o '"code": *"[0-9A-Z]*"' | sed 's/.*"\([0-9A-Z]*\)"/"\1"/' | paste -sd, -)
echo "| scenario | clients | requests/s | p50 | p99 |"
echo "|---|---:|---:|---:|---:|"
for scenario in static-asset code-pages suggest-codes; do
  for clients in 1 16; do
    threads=$(( clients < 2 ? 1 : 2 ))
    script=$(mktemp --suffix=.lua)
    { cat "$here/wrk/common.lua"; echo "PAGE_CODES = {$codes}"; cat "$here/wrk/$scenario.lua"; } >"$script"
    wrk -t$threads -c$clients -d3s -s "$script" "$site" -- $threads >/dev/null 2>&1
    out=$(wrk -t$threads -c$clients -d"${seconds}s" --latency -s "$script" "$site" -- $threads 2>&1)
    rm -f "$script"
    rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
    p50=$(echo "$out" | awk '$1=="50%"{print $2}')
    p99=$(echo "$out" | awk '$1=="99%"{print $2}')
    bad=$(echo "$out" | awk '/unexpected answers:/{print $3}')
    case $scenario in
      static-asset) name="\`GET /assets/site.css\` (the floor: Spring's static files)" ;;
      code-pages) name="\`GET /codes/<code>\`, every published code in turn" ;;
      *) name="\`POST Encounter/\$suggest-codes\`, visits never seen" ;;
    esac
    echo "| $name | $clients | ${rps}$([ "${bad:-0}" != "0" ] && echo " ($bad unexpected answers)") | $p50 | $p99 |"
  done
done
echo
resident_memory
echo "uptime after: $(uptime)"
