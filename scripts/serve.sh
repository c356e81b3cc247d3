#!/usr/bin/env bash
# Builds Bosun (if needed) and runs the server on its embedded defaults:
# SQLite in ./bosun-data, the process runtime, an `echo` profile, http://127.0.0.1:7700.
# Extra arguments go to `bosun serve` (see --help); BOSUN_* environment variables configure it too.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
jar=bosun-server/target/bosun.jar
if [ ! -f "$jar" ] || [ -n "$(find . -path ./bosun-data -prune -o \( -name '*.java' -o -name 'pom.xml' -o -name '*.sql' -o -name '*.sh' -o -name '*.json' \) -newer "$jar" -print -quit)" ]; then
  echo "bosun: building (first run takes a minute)..." >&2
  $MVN -q -DskipTests package -pl bosun-server -am
fi
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$jar" serve "$@"
