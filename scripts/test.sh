#!/usr/bin/env bash
# Runs Bosun's whole test suite: every module, every test. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/sandbox-env.sh
exec $MVN verify "$@"
