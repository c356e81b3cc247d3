#!/usr/bin/env bash
# Builds the bench module and runs benchmarks, each in a fresh JVM (figures: docs/BENCHMARKS.md).
#
#   ./scripts/bench.sh [append|append-sql|roundtrip|sweep|heap|http|route|route-large|tiles|pg|startup|list|tasks|all] [--quick] [--work-dir DIR] [--keep]
#
# With no name, runs all; append-sql is a diagnostic of append; pg needs PostgreSQL (BOSUN_TEST_PG_URL,
# default postgresql://postgres@127.0.0.1:5432/test; it works in a fresh schema it drops afterwards). --quick is a smoke run (under 30 s
# for all, build included, on a quiet machine); its figures are not the benchmarks'. Data dirs go to
# bench/target/bench-data and are removed afterwards unless --keep.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

names=()
opts=()
while [ $# -gt 0 ]; do
  case $1 in
    all) names+=(append append-sql roundtrip sweep heap http route route-large tiles pg startup list tasks) ;;
    --work-dir) opts+=("$1" "${2:?--work-dir needs a directory}"); shift ;;
    -*) opts+=("$1") ;;
    *) names+=("$1") ;;
  esac
  shift
done
[ ${#names[@]} -gt 0 ] || names=(append append-sql roundtrip sweep heap http route route-large tiles pg startup)
# startup measures the bwrap and docker runtimes: the same set-up as the tests (dockerd, test image).
case " ${names[*]} " in *" startup "*) source scripts/sandbox-env.sh ;; esac

# The http benchmark generates load with wrk (a Debian package) when it can: a JVM load generator
# would take the CPU the server needs on a small machine.
command -v wrk >/dev/null 2>&1 || bosun_apt_install wrk || echo "bench: wrk is not available; http uses Java clients" >&2
$MVN -q -DskipTests package -pl bench -am
cp="bench/target/classes:$(cat bench/target/classpath.txt)"
for n in "${names[@]}"; do
  echo "### scripts/bench.sh $n ${opts[*]:-}"
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -DBOSUN_LOG_LEVEL=warn \
    -cp "$cp" dev.bosun.bench.Bench "$n" "${opts[@]}"
done
