#!/usr/bin/env bash
# One shard of the nightly TSan soak: one workload, one seed (what the nightly workflow's
# stress-soak matrix runs on each runner; the same command locally):
#
#   ci/nightly_shard.sh WORKLOAD SEED [SECONDS [more hakmem-stress options...]]
#   (SECONDS default $NIGHTLY_SECONDS, else 900)
#
# Runs ci/nightly_stress.sh (tsan preset unless PRESET is set) with --workload=WORKLOAD and
# STRESS_SEED=SEED, output to build/soak/WORKLOAD-SEED.log. On failure it writes
# build/soak/replay-WORKLOAD-SEED.txt: hakmem-stress's own replay lines when it printed some,
# the command that reruns this shard, and the first sanitizer report lines. Exit status is the
# soak's. The build is the caller's job:
#   cmake --preset tsan && cmake --build build/tsan --target hakmem-stress -j2
case ${1:-} in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0 ;; esac  # the header above
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
workload=${1:?workload (hakmem-stress --list)} seed=${2:?seed}
seconds=${3:-${NIGHTLY_SECONDS:-900}}
shift $(($# < 3 ? $# : 3))
out=$root/build/soak
mkdir -p "$out"
log=$out/$workload-$seed.log
STRESS_SEED=$seed bash "$root/ci/nightly_stress.sh" "$seconds" --workload="$workload" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then
  replay=$out/replay-$workload-$seed.txt
  {
    echo "nightly soak shard failed: workload=$workload seed=$seed seconds=$seconds preset=${PRESET:-tsan} exit=$rc"
    grep -oE 'replay: hakmem-stress [^)]*' "$log" | sort -u || true
    echo "rerun the shard: PRESET=${PRESET:-tsan} ci/nightly_shard.sh $workload $seed $seconds $*"
    grep -m 5 -E '^(WARNING: ThreadSanitizer|SUMMARY: |ERROR: )' "$log" || true
  } >"$replay"
  echo "--- replay line (also in $replay):"
  cat "$replay"
fi
exit "$rc"
