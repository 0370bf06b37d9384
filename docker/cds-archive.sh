#!/usr/bin/env bash
# Writes a class-data sharing (AppCDS) archive for the extracted server: the JVM then maps the classes the server
# loads until it is ready, already parsed and verified, instead of loading them from the jars at every start.
# Usage: docker/cds-archive.sh SERVER_DIR JAR_NAME JVM_OPTIONS_FILE [PORT]   (PORT: of the training start; by default
#   a free one, read from the server's log)
#   writes SERVER_DIR/server.jsa; run the server with -XX:SharedArchiveFile=SERVER_DIR/server.jsa (and the same
#   JVM options). Used by docker/Dockerfile, docker/server-layout.sh (the build) and src/bench/server.sh.
# How: one training start until /actuator/health/readiness reports ready, listing the classes it loaded
# (-XX:DumpLoadedClassList), then a static dump of that list. JDK 17 crashes while dumping the lambda proxy classes
# of a list this size (SystemDictionaryShared::adjust_lambda_proxy_class_dictionary, in static and dynamic
# dumps alike), so they are left out of the list: lambdas are then linked at run time as without an archive.
set -euo pipefail
dir=$1
jar=$2
options=$3
port=${4:-0}
dir=$(cd "$dir" && pwd)
# the training start runs in a scratch folder, so that nothing it writes (a database, logs) stays beside the server
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

ready() {
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'GET /actuator/health/readiness HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
  local answer
  answer=$(cat <&3 || true)
  exec 3<&-
  # the group answers 200 only once every member is up; its body names each member's status, so a member's
  # "UP" (the database's, as soon as the port opens) is not the group's
  [[ $answer == 'HTTP/1.1 200'* ]]
}

java -XX:DumpLoadedClassList=server.classlist @"$options" -jar "$dir/$jar" --server.port="$port" >cds-training.log 2>&1 &
pid=$!
until [ "$port" != 0 ] && ready 2>/dev/null; do
  kill -0 "$pid" 2>/dev/null || { cat cds-training.log >&2; echo "the training start failed" >&2; exit 1; }
  sleep 0.5
  if [ "$port" = 0 ]; then
    port=$(sed -n 's/.*Tomcat started on port \([0-9]*\).*/\1/p' cds-training.log | head -n1)
    port=${port:-0}
  fi
done
kill "$pid"
wait "$pid" || true
grep -v '^@lambda-proxy' server.classlist >server.cds.classlist
java -Xshare:dump -XX:SharedClassListFile=server.cds.classlist -XX:SharedArchiveFile="$dir/server.jsa" @"$options" -cp "$dir/$jar" \
  >cds-dump.log 2>&1 || { tail -n 20 cds-dump.log >&2; echo "the archive could not be written" >&2; exit 1; }
