#!/usr/bin/env bash
# The stress campaign: every hakmem-stress workload against hakmem, N seconds each, ending with
# the summary table (workload, target, threads, seconds, ops, ops/s, violations, status).
# Exit status: 0 when no workload found a violation, 1 otherwise, 2 when the tool is missing.
#
# usage: ci/stress_campaign.sh [SECONDS] [more hakmem-stress options...]
#   SECONDS                 per workload (default: $STRESS_SECONDS, else 10)
#   env PRESET              build preset whose binary to run (default release)
#   env STRESS_THREADS      threads per workload (default 4)
#   env STRESS_SEED         seed to replay (default: random, printed)
#   env STRESS_TARGET       hakmem (default) or system (then LD_PRELOAD picks the allocator)
# The build is the caller's job:
#   cmake --preset release && cmake --build build/release --target hakmem-stress -j2
case ${1:-} in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0 ;; esac  # the header above
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
preset=${PRESET:-release}
seconds=${1:-${STRESS_SECONDS:-10}}
[ $# -gt 0 ] && shift
bin=$root/build/$preset/bin/hakmem-stress
if [ ! -x "$bin" ]; then
  echo "stress_campaign: $bin not found; build it first:" >&2
  echo "  cmake --preset $preset && cmake --build build/$preset --target hakmem-stress -j2" >&2
  exit 2
fi
args=(--workload=all --target="${STRESS_TARGET:-hakmem}" --seconds="$seconds" --threads="${STRESS_THREADS:-4}")
[ -n "${STRESS_SEED:-}" ] && args+=(--seed="$STRESS_SEED")
echo "stress_campaign: $bin ${args[*]} $*"
exec "$bin" "${args[@]}" "$@"
