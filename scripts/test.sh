#!/usr/bin/env bash
# Runs Bosun's whole test suite: every module, every test. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/sandbox-env.sh
source scripts/browser-env.sh

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
# Installs a Debian package whose install would start a daemon (prometheus, systemd) with policy-rc.d
# forbidding that for the install's span; only as root, only with apt-get.
install_without_daemons() {
  local pkg=$1 why=$2 policy=/usr/sbin/policy-rc.d had_policy=0
  command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ] || return 0
  echo "test: installing $pkg from Debian's packages for $why" >&2
  [ -e "$policy" ] && had_policy=1
  if [ "$had_policy" = 0 ]; then printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; fi
  bosun_apt_install "$pkg" || echo "test: could not install $pkg" >&2
  if [ "$had_policy" = 0 ]; then rm -f "$policy"; fi
}
# promtool checks deploy/prometheus/alerts.yml in DeployMetricsTest; systemd-analyze checks
# deploy/systemd/bosun.service in DeployFilesTest. Without them those checks skip, or fail with CI=true.
command -v promtool >/dev/null 2>&1 || install_without_daemons prometheus "the alert rules' check (promtool)"
[ -x /usr/bin/systemd-analyze ] || install_without_daemons systemd "the unit's check (systemd-analyze)"
$MVN verify "$@"

# The Python SDK's tests, against a real server started from the jar the build just made. Debian's
# Python with its pytest, setuptools, wheel, pip and venv (no Python package index is needed).
py_missing=()
for pkg in python3-pytest python3-setuptools python3-wheel python3-pip python3-venv; do
  dpkg -s "$pkg" >/dev/null 2>&1 || py_missing+=("$pkg")
done
if [ ${#py_missing[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "test: installing ${py_missing[*]} from Debian's packages for the Python SDK's tests" >&2
  bosun_apt_install "${py_missing[@]}" || echo "test: could not install ${py_missing[*]}" >&2
fi
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
rc=0
(cd clients/python && "$PY" -m pytest -q -p no:cacheprovider tests) || rc=$?
if [ "$rc" = 5 ]; then echo "test: the Python SDK's suite collected no test" >&2; exit 1; fi
exit "$rc"
