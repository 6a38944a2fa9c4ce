#!/usr/bin/env bash
# The nightly stress run: the campaign under ThreadSanitizer, many minutes per workload.
# Rounds are 1 s, so each workload starts hundreds of generations of threads; the footprint
# creep check compares the first and last thirds of them.
#
# usage: ci/nightly_stress.sh [SECONDS] [more hakmem-stress options...]
#   SECONDS   per workload (default: $NIGHTLY_SECONDS, else 600 = 10 minutes; 12 workloads = 2 h)
#   env PRESET (default tsan), STRESS_THREADS, STRESS_SEED, STRESS_TARGET as for stress_campaign.sh
# The build is the caller's job:
#   cmake --preset tsan && cmake --build build/tsan --target hakmem-stress -j2
case ${1:-} in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0 ;; esac  # the header above
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
seconds=${1:-${NIGHTLY_SECONDS:-600}}
[ $# -gt 0 ] && shift
export PRESET=${PRESET:-tsan}
# Stop at the first race report; the seed is in the output to replay it.
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
exec "$here/stress_campaign.sh" "$seconds" --progress=30 "$@"
