#!/usr/bin/env bash
# The main job: set up, build the release preset, run the stress campaign against hakmem and
# print its summary table. Usage: bash ci/main.sh [seconds-per-workload]  (default 10)
case ${1:-} in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0 ;; esac  # the header above
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh
# ccache: paths relative to the checkout, so a fresh clone elsewhere reuses earlier objects.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-8G}"
cmake --preset release >/dev/null
cmake --build --preset release -j2 --target hakmem-stress hakmem_shared
exec bash ci/stress_campaign.sh "${1:-10}"
