#!/usr/bin/env bash
# Runs Bosun's whole test suite: every module, every test. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/sandbox-env.sh

# The PostgreSQL tests use the database of BOSUN_TEST_PG_URL (default the local cluster, user
# postgres, database test). If a Debian cluster is installed but stopped, start it; without one the
# tests skip with the reason (and fail with CI=true).
if [ -z "${BOSUN_TEST_PG_URL:-}" ] && command -v pg_lsclusters >/dev/null 2>&1; then
  if ! pg_lsclusters -h 2>/dev/null | awk '$4 == "online" {found=1} END {exit !found}'; then
    for v in $(ls /etc/postgresql 2>/dev/null); do
      echo "test: starting PostgreSQL $v/main for the PostgreSQL store's tests" >&2
      pg_ctlcluster --skip-systemctl-redirect "$v" main start 2>&1 | sed 's/^/test: /' >&2 || true
    done
  fi
  if command -v psql >/dev/null 2>&1 && ! psql -h 127.0.0.1 -U postgres -d test -Atc 'select 1' >/dev/null 2>&1; then
    # The database the tests use; harmless if it exists or cannot be made (the tests then say why).
    psql -h 127.0.0.1 -U postgres -d postgres -Atc 'CREATE DATABASE test' >/dev/null 2>&1 || true
  fi
fi
exec $MVN verify "$@"
