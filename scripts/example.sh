#!/usr/bin/env bash
# Builds Bosun and runs the embedded example: a session with the echo worker, end to end.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
$MVN -q -DskipTests package -pl examples -am
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "examples/target/classes:$(cat examples/target/classpath.txt)" \
  dev.bosun.examples.EmbeddedExample "$@"
