#!/usr/bin/env bash
# ci/matrix.sh [preset...]: configure + build each preset (default: release asan-ubsan tsan),
# run ctest per preset per label, print ONE table (preset x label: passed, failed, time) and
# exit non-zero on any failure. Build and test times per preset are printed too.
#
# Environment: MATRIX_JOBS (default 2), MATRIX_LABELS (default below), MATRIX_CMAKE_ARGS
# (extra configure arguments, e.g. -DHAKMEM_PARTS="properties;sanitizers"), MATRIX_BUILD_ROOT
# (build in ROOT/<preset> instead of the preset's build/<preset>), MATRIX_SKIP_LABELS (labels
# left out of the "other" column too; default exhaustive_nightly, which the nightly workflow
# runs as shards).
# Sanitizer runtime options are exported here (same as the test presets: halt on the first
# error), so the tests halt whether or not ctest is run through a preset.
case ${1:-} in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0 ;; esac  # the header above
set -u
cd "$(dirname "$0")/.." || exit 2

presets=("$@")
[ ${#presets[@]} -eq 0 ] && presets=(release asan-ubsan tsan)
jobs=${MATRIX_JOBS:-2}
read -r -a labels <<<"${MATRIX_LABELS:-unit stress property interleave exhaustive equivalence fuzz-regression sanitizer packaging}"
read -r -a skipped <<<"${MATRIX_SKIP_LABELS-exhaustive_nightly}"
columns=("${labels[@]}" other)
root=${MATRIX_BUILD_ROOT:-build}
logdir=$root/matrix-logs
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
mkdir -p "$logdir"

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", b - a }'; }

rows=()          # "preset|label|passed|failed|seconds|note"
times=()         # "preset|configure+build s|tests s"
total_pass=0
total_fail=0
t_all=$(now)

for p in "${presets[@]}"; do
  t0=$(now)
  log="$logdir/$p.build.log"
  echo "=== $p: configure + build (log: $log)"
  dir=$root/$p
  # shellcheck disable=SC2086  # MATRIX_CMAKE_ARGS is a list of arguments: split on purpose
  if ! { cmake --preset "$p" -B "$dir" ${MATRIX_CMAKE_ARGS:-} && cmake --build "$dir" -j "$jobs"; } >"$log" 2>&1; then
    tail -n 30 "$log"
    rows+=("$p|(build)|0|1|$(secs "$t0" "$(now)")|build failed")
    total_fail=$((total_fail + 1))
    times+=("$p|$(secs "$t0" "$(now)")|-")
    continue
  fi
  tb=$(now)
  for l in "${columns[@]}"; do
    tl=$(now)
    out="$logdir/$p.$l.log"
    if [ "$l" = other ]; then  # every test with none of the listed labels
      sel=(-LE "^($(IFS='|'; echo "${labels[*]}" "${skipped[*]}" | tr ' ' '|' | sed 's/|$//'))\$")
    else
      sel=(-L "^${l}\$")
    fi
    ctest --test-dir "$dir" "${sel[@]}" --no-tests=ignore --timeout 900 --output-on-failure -j "$jobs" >"$out" 2>&1
    rc=$?
    dt=$(secs "$tl" "$(now)")
    # An empty selection prints no summary line (and exits 0 with --no-tests=ignore): e.g. the
    # sanitizer canaries in release, or preload/bench tests in sanitizer builds.
    if grep -q "No tests were found" "$out" ||
       { [ "$rc" -eq 0 ] && ! grep -qE "tests passed|tests failed" "$out"; }; then
      rows+=("$p|$l|-|-|$dt|no tests")
      continue
    fi
    # "NN% tests passed, F tests failed out of T"
    line=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$out" | tail -n 1)
    failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
    total=$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$line")
    if [ -z "$line" ]; then failed=1; total=1; fi
    [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
    passed=$((total - failed))
    note=""
    if [ "$failed" -ne 0 ]; then
      note=$(grep -E "^\s+[0-9]+ - " "$out" | sed -E 's/^\s+[0-9]+ - //' | head -n 3 | tr '\n' ' ')
      echo "--- $p / $l: $failed failed (log: $out)"
      grep -E "^\s+[0-9]+ - " "$out" | head -n 20
    fi
    rows+=("$p|$l|$passed|$failed|$dt|$note")
    total_pass=$((total_pass + passed))
    total_fail=$((total_fail + failed))
  done
  times+=("$p|$(secs "$t0" "$tb")|$(secs "$tb" "$(now)")")
done

echo
printf '%-12s %-16s %7s %7s %8s  %s\n' preset label passed failed time notes
printf '%-12s %-16s %7s %7s %8s  %s\n' ------------ ---------------- ------- ------- -------- -----
for r in "${rows[@]}"; do
  IFS='|' read -r p l ps fl dt note <<<"$r"
  printf '%-12s %-16s %7s %7s %7ss  %s\n' "$p" "$l" "$ps" "$fl" "$dt" "$note"
done
echo
printf '%-12s %18s %10s\n' preset "configure+build" tests
for t in "${times[@]}"; do
  IFS='|' read -r p b s <<<"$t"
  printf '%-12s %17ss %9ss\n' "$p" "$b" "$s"
done
echo "total time: $(secs "$t_all" "$(now)")s"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
