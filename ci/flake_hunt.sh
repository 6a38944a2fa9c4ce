#!/usr/bin/env bash
# ci/flake_hunt.sh [preset...] [-n N] [-R REGEX]: runs every test that depends on real threads,
# timing or fresh seeds N times per preset with a CPU hog beside it, and prints one table of
# per-test failures, each with the replay line its output printed.
#
# Selected: labels stress, interleave, fuzz-regression and preload, and every test whose name
# says fork (-R narrows further). Each repeat gets a fresh INTERLEAVE_SEED, so the checker's
# random and PCT strategies explore new schedules; the stress tool picks and prints its own seed.
# The presets must be built already (cmake --preset P && cmake --build build/P), as by
# ci/test.sh. Default: release asan-ubsan tsan, N = 20. Exit status: 1 if anything failed.
set -u
cd "$(dirname "$0")/.." || exit 2

repeats=20
filter=""
presets=()
while [ $# -gt 0 ]; do
  case "$1" in
    -n) repeats=${2:?-n needs a number}; shift 2 ;;
    -R) filter=${2:?-R needs a regex}; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    -*) echo "flake_hunt: unknown option '$1' (expected -n N, -R REGEX, preset names)" >&2; exit 2 ;;
    *) presets+=("$1"); shift ;;
  esac
done
case "$repeats" in ''|*[!0-9]*|0) echo "flake_hunt: -n wants a positive number, got '$repeats'" >&2; exit 2 ;; esac
[ ${#presets[@]} -eq 0 ] && presets=(release asan-ubsan tsan)
root=${MATRIX_BUILD_ROOT:-build}
logdir=$root/flake-hunt
mkdir -p "$logdir"
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

# The hog: one busy process, so the tests' threads are preempted at arbitrary points.
hog_pid=""
start_hog() { ( while :; do :; done ) & hog_pid=$!; }
stop_hog() { [ -n "$hog_pid" ] && kill "$hog_pid" 2>/dev/null; wait "$hog_pid" 2>/dev/null; hog_pid=""; }
trap stop_hog EXIT INT TERM

# Tests of one preset that the hunt repeats: the labels above, plus fork tests from any label.
select_tests() {
  local dir=$1
  {
    ctest --test-dir "$dir" -N -L '^(stress|interleave|fuzz-regression|preload)$'
    ctest --test-dir "$dir" -N -R 'fork|Fork'
  } | sed -nE 's/^ *Test +#[0-9]+: (.*)$/\1/p' | sort -u |
    { if [ -n "$filter" ]; then grep -E -- "$filter"; else cat; fi; }
}

declare -A runs fails replay
total_fail=0
for p in "${presets[@]}"; do
  dir=$root/$p
  if [ ! -f "$dir/CTestTestfile.cmake" ]; then
    echo "flake_hunt: $dir is not built (run: cmake --preset $p && cmake --build $dir)" >&2
    exit 2
  fi
  mapfile -t tests < <(select_tests "$dir")
  if [ ${#tests[@]} -eq 0 ]; then echo "=== $p: no tests selected"; continue; fi
  regex="^($(printf '%s\n' "${tests[@]}" | sed -E 's/[][().*+?^$|\\{}]/\\&/g' | paste -sd '|'))\$"
  echo "=== $p: ${#tests[@]} tests x $repeats repeats, CPU hog on (logs: $logdir)"
  start_hog
  for ((i = 1; i <= repeats; i++)); do
    seed=$(( (RANDOM << 15 | RANDOM) + i ))
    out=$logdir/$p.$i.log
    INTERLEAVE_SEED=$seed ctest --test-dir "$dir" -R "$regex" -j 2 --timeout 900 \
      --output-on-failure >"$out" 2>&1
    for t in "${tests[@]}"; do runs["$p|$t"]=$(( ${runs["$p|$t"]:-0} + 1 )); done
    # "  12 - name (Failed)" lines of ctest's summary name the failures.
    while IFS= read -r t; do
      [ -z "$t" ] && continue
      fails["$p|$t"]=$(( ${fails["$p|$t"]:-0} + 1 ))
      total_fail=$((total_fail + 1))
      # The test's own replay line: the stress tool's and the checker's both say "replay".
      line=$(awk -v t="$t" '$0 ~ "Test +#[0-9]+: " t " " {on=1} on && /replay|--seed=|seed / {print; exit}' "$out")
      [ -z "${replay["$p|$t"]:-}" ] && replay["$p|$t"]="repeat $i, INTERLEAVE_SEED=$seed: ${line:-(no replay line; see $out)}"
    done < <(sed -nE 's/^[[:space:]]*[0-9]+ - (.*) \([^)]*\)$/\1/p' "$out")
    printf '  repeat %d/%d: %s\n' "$i" "$repeats" "$(grep -E 'tests passed' "$out" || echo 'no summary')"
  done
  stop_hog
done

echo
printf '%-12s %-58s %6s %6s  %s\n' preset test runs failed "first failure's replay"
for p in "${presets[@]}"; do
  for key in "${!runs[@]}"; do
    [[ $key == "$p|"* ]] || continue
    f=${fails[$key]:-0}
    [ "$f" -eq 0 ] && continue
    printf '%-12s %-58s %6s %6s  %s\n' "$p" "${key#*|}" "${runs[$key]}" "$f" "${replay[$key]}"
  done
done
n_tests=${#runs[@]}
echo "flake hunt: ${n_tests} (preset, test) pairs x ${repeats} repeats: ${total_fail} failures"
[ "$total_fail" -eq 0 ]
