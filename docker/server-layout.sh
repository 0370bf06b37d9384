#!/usr/bin/env bash
# Run by the build (`./mvnw package`, after the jar is repackaged): lays the server out in target/server the way the
# Docker image runs it, so that `java -jar` on a fresh clone starts as fast as the image does:
#   target/server/psychcode-fhir-server.jar   the application, with its libraries in target/server/lib
#   target/server/server.jsa                  a class-data sharing archive of the classes it loads until ready
#   target/server/jvm.options                 docker/jvm.options and the archive, as a java @argument file
# Run it with: java @target/server/jvm.options -jar target/server/psychcode-fhir-server.jar
# The fat jar (target/psychcode-fhir-server-*.jar) without the archive needed a quarter to a half more CPU to be ready
# (README, Performance). Usage: docker/server-layout.sh JAR TARGET_DIR; -Dpsychcode.server-layout.skip=true skips it.
# Writing the archive takes one training start of the server (docker/cds-archive.sh); where it fails the layout
# stays usable without it and the build goes on with a warning.
set -euo pipefail
jar=$1
out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$out"
java -Djarmode=tools -jar "$jar" extract --destination "$out" >/dev/null
mv "$out"/psychcode-fhir-server-*.jar "$out/psychcode-fhir-server.jar"
out=$(cd "$out" && pwd)
cp "$root/docker/jvm.options" "$out/jvm.options"
if "$root/docker/cds-archive.sh" "$out" psychcode-fhir-server.jar "$out/jvm.options" >"$out/cds-archive.log" 2>&1; then
  printf '%s\n' "# the class-data sharing archive written for this layout by docker/server-layout.sh" \
    "-XX:SharedArchiveFile=$out/server.jsa" >>"$out/jvm.options"
  echo "server layout in $out (with a class-data sharing archive): java @$out/jvm.options -jar $out/psychcode-fhir-server.jar"
else
  echo "WARNING: the class-data sharing archive could not be written (see $out/cds-archive.log); the server in $out starts without it"
fi
