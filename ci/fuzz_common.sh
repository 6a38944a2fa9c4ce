# shellcheck shell=bash
# Shared helpers of ci/fuzz_campaign.sh and ci/coverage.sh (sourced, not run).
# shellcheck disable=SC2034  # ROOT, FUZZ_TARGETS and JOBS_BUILD are for the scripts that source this
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FUZZ_TARGETS=(spill remote api ops diff threads spill_race)
JOBS_BUILD=${JOBS_BUILD:-2}

# ensure_build DIR PRESET [cmake args...]: configure DIR once (from PRESET), build nothing yet.
ensure_build() {
  local dir=$1 preset=$2; shift 2
  if [ ! -f "$dir/build.ninja" ]; then
    cmake -S "$ROOT" -B "$dir" --preset "$preset" "$@" >"$dir.configure.log" 2>&1 ||
      { cat "$dir.configure.log"; return 1; }
  fi
}

# build_targets DIR target...: builds only the named targets (2 jobs: shared machines).
build_targets() {
  local dir=$1; shift
  ninja -C "$dir" -j"$JOBS_BUILD" "$@" >"$dir.build.log" 2>&1 || { tail -50 "$dir.build.log"; return 1; }
}

# The last "cov: N ft: M corp: C/B" that libFuzzer printed in LOG, as "cov=N ft=M corp=C".
libfuzzer_coverage() {
  grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$1" | tail -1 |
    awk '{printf "cov=%s ft=%s corp=%s", $2, $4, $6}'
}
