#!/usr/bin/env bash
# Source-based coverage of the allocator per fuzz target: builds the targets with clang
# -fprofile-instr-generate -fcoverage-mapping (no sanitizer, plain replay main), replays each
# target's committed corpus and regressions, merges the profiles and prints llvm-cov's report
# restricted to allocator/ files: which allocator lines and functions each target reaches.
#
#   ci/coverage.sh [-t TARGET|all] [-B BUILD_DIR] [--html DIR]   (default build/fuzz-coverage)
set -euo pipefail
source "$(dirname "$0")/fuzz_common.sh"

target=all build="$ROOT/build/fuzz-coverage" html=""
while (($#)); do
  case $1 in
    -t) target=$2; shift 2 ;;
    -B) build=$2; shift 2 ;;
    --html) html=$2; shift 2 ;;
    -h|--help) sed -n 2,7p "$0"; exit 0 ;;
    *) echo "coverage: unknown argument $1" >&2; exit 2 ;;
  esac
done
targets=("${FUZZ_TARGETS[@]}")
[ "$target" = all ] || targets=("$target")
profdata=$(command -v llvm-profdata-14 || command -v llvm-profdata)
cov=$(command -v llvm-cov-14 || command -v llvm-cov)

ensure_build "$build" clang-release -DHAKMEM_FUZZ_COVERAGE=ON -DHAKMEM_BUILD_BENCH=OFF
build_targets "$build" "${targets[@]/%/_fuzzer}"
mkdir -p "$build/profiles"
printf '%-10s %s\n' target "allocator/ coverage (regions, functions, lines)"
for t in "${targets[@]}"; do
  bin="$build/bin/${t}_fuzzer"
  rm -f "$build/profiles/$t".*.profraw "$build/profiles/$t.replay.log"
  # One process per input: a failing input (abort: no profile) costs only its own coverage.
  failed=0
  for f in "$ROOT/fuzz/corpus/$t"/* "$ROOT/fuzz/regressions/$t"/*; do
    [ -f "$f" ] || continue
    LLVM_PROFILE_FILE="$build/profiles/$t.%p.profraw" "$bin" "$f" >>"$build/profiles/$t.replay.log" 2>&1 ||
      { failed=$((failed + 1)); echo "$t: FAILING input $f: $(grep -m1 'FUZZ FAILURE' "$build/profiles/$t.replay.log" || true)"; }
  done
  "$profdata" merge -sparse "$build/profiles/$t".*.profraw -o "$build/profiles/$t.profdata"
  "$cov" report "$bin" -instr-profile="$build/profiles/$t.profdata" "$ROOT/allocator/" >"$build/profiles/$t.report.txt"
  # TOTAL row: regions, missed, cover%, functions, missed, exec%, lines, missed, cover%, ...
  awk -v t="$t" -v f="$failed" '/^TOTAL/ {printf "%-10s regions %s  functions %s  lines %s (%s of %s lines missed)%s\n", t, $4, $7, $10, $9, $8, f ? "  [" f " inputs FAILED]" : ""}' \
    "$build/profiles/$t.report.txt"
  if [ -n "$html" ]; then
    "$cov" show "$bin" -instr-profile="$build/profiles/$t.profdata" -format=html -output-dir="$html/$t" "$ROOT/allocator/"
  fi
done
echo "per-file reports: $build/profiles/<target>.report.txt"
