#!/usr/bin/env bash
# Fuzz campaign: fuzz one target (or all) for N minutes from the committed corpus, merge what
# was found back into fuzz/corpus/<target> (set-cover merge), minimise every crash into
# fuzz/regressions/<target>/ and print the coverage before and after.
#
#   ci/fuzz_campaign.sh [-t TARGET|all] [-m MINUTES] [-j JOBS] [-B BUILD_DIR] [-s SEED]
#   ci/fuzz_campaign.sh --seeded-bug [-r REPEATS] [-m MINUTES]   time to find the seeded bug
#   ci/fuzz_campaign.sh --prune [-t TARGET|all]                 only re-minimise the corpora
#
# BUILD_DIR defaults to build/fuzz (the `fuzz` preset: clang, libFuzzer, ASan+UBSan). Exit 1
# when a target crashed (its minimised input is then in fuzz/regressions/<target>/).
set -euo pipefail
source "$(dirname "$0")/fuzz_common.sh"

target=all minutes=5 jobs=1 build="$ROOT/build/fuzz" mode=campaign repeats=5
seed=${FUZZ_SEED:-$(( $(date +%s) % 1000000 ))}
while (($#)); do
  case $1 in
    -t) target=$2; shift 2 ;;
    -m) minutes=$2; shift 2 ;;
    -j) jobs=$2; shift 2 ;;
    -B) build=$2; shift 2 ;;
    -s) seed=$2; shift 2 ;;
    -r) repeats=$2; shift 2 ;;
    --seeded-bug) mode=seeded; shift ;;
    --prune) mode=prune; shift ;;
    -h|--help) sed -n 2,13p "$0"; exit 0 ;;
    *) echo "fuzz_campaign: unknown argument $1" >&2; exit 2 ;;
  esac
done
targets=("${FUZZ_TARGETS[@]}")
[ "$target" = all ] || targets=("$target")
work=${FUZZ_WORK:-$ROOT/build/fuzz-work}
mkdir -p "$work"
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

ensure_build "$build" fuzz
echo "fuzz_campaign: mode=$mode targets=${targets[*]} minutes=$minutes jobs=$jobs seed=$seed build=$build"

# Set-cover merge of DIRS... into the committed corpus of target T (replacing it).
merge_corpus() {
  local t=$1 bin=$2; shift 2
  local merged="$work/$t.merged"
  rm -rf "$merged" && mkdir -p "$merged"
  "$bin" -merge=1 -set_cover_merge=1 "$merged" "$ROOT/fuzz/corpus/$t" "$@" >"$work/$t.merge.log" 2>&1 ||
    { tail -20 "$work/$t.merge.log"; return 1; }
  rm -rf "$ROOT/fuzz/corpus/$t" && mv "$merged" "$ROOT/fuzz/corpus/$t"
  echo "  $t: corpus $(find "$ROOT/fuzz/corpus/$t" -mindepth 1 -maxdepth 1 | wc -l) files, $(du -sb "$ROOT/fuzz/corpus/$t" | cut -f1) bytes"
}

# Minimise every crash of target T into fuzz/regressions/T/.
save_crashes() {
  local t=$1 bin=$2 found=0
  for c in "$work/$t.artifacts"/crash-* "$work/$t.artifacts"/timeout-* "$work/$t.artifacts"/oom-*; do
    [ -f "$c" ] || continue
    found=1
    local out
    out="$ROOT/fuzz/regressions/$t/$(basename "$c")"
    "$bin" -minimize_crash=1 -runs=20000 -exact_artifact_path="$out.min" "$c" >"$work/$t.minimize.log" 2>&1 || true
    if [ -f "$out.min" ] && mv "$out.min" "$out"; then :; else cp "$c" "$out"; fi
    echo "  $t: CRASH saved as fuzz/regressions/$t/$(basename "$c") ($(stat -c %s "$out") bytes); replay: $bin $out"
    grep -m1 -E 'FUZZ FAILURE|ERROR: ' "$work/$t.log" | sed 's/^/    /' || true
  done
  return $found
}

campaign() {
  local t=$1 bin="$build/bin/${1}_fuzzer" rc=0
  build_targets "$build" "${t}_fuzzer"
  rm -rf "$work/$t.new" "$work/$t.artifacts" && mkdir -p "$work/$t.new" "$work/$t.artifacts"
  local before; before=$("$bin" -runs=0 "$ROOT/fuzz/corpus/$t" 2>&1 | grep -oE 'cov: [0-9]+ ft: [0-9]+' | tail -1)
  local opts=(-use_value_profile=1 -max_total_time=$((minutes * 60)) -seed="$seed" -print_final_stats=1
              -artifact_prefix="$work/$t.artifacts/" -dict="$ROOT/fuzz/$t.dict")
  [ -f "$ROOT/fuzz/$t.dict" ] || opts=("${opts[@]:0:${#opts[@]}-1}")
  ((jobs > 1)) && opts+=(-fork="$jobs")
  echo "== $t: fuzzing ${minutes} min (seed $seed, before: $before)"
  "$bin" "${opts[@]}" "$work/$t.new" "$ROOT/fuzz/corpus/$t" "$ROOT/fuzz/regressions/$t" >"$work/$t.log" 2>&1 || rc=$?
  echo "  $t: exit $rc, $(grep -E 'stat::average_exec_per_sec' "$work/$t.log" | awk '{print $2}') exec/s, after: $(libfuzzer_coverage "$work/$t.log")"
  merge_corpus "$t" "$bin" "$work/$t.new"
  save_crashes "$t" "$bin" || return 1
}

prune() {
  local t=$1 bin="$build/bin/${1}_fuzzer"
  build_targets "$build" "${t}_fuzzer"
  merge_corpus "$t" "$bin"
}

# The seeded bugs: `remote` against a list that drops every third push, and `spill_race` (the
# spill stack under the interleaving checker) against a stack without its ABA tag. Each repeat
# fuzzes from an empty corpus with its own seed until the bug is found; prints the times.
seeded_one() {
  local name=$1 what=$2 bin="$build/bin/$1_seeded_fuzzer" times=() missed=0
  build_targets "$build" "$1_seeded_fuzzer"
  for ((i = 0; i < repeats; i++)); do
    local s=$((seed + i)) dir="$work/seeded.$name.$i"
    rm -rf "$dir" && mkdir -p "$dir/corpus"
    local t0; t0=$(date +%s%N)
    if "$bin" -seed="$s" -max_total_time=$((minutes * 60)) -artifact_prefix="$dir/" "$dir/corpus" >"$dir/log" 2>&1; then
      echo "  $name seed $s: NOT found within $minutes min"; missed=$((missed + 1))
    else
      local ms=$(( ($(date +%s%N) - t0) / 1000000 )) dt
      dt=$((ms / 1000)).$(printf %03d $((ms % 1000)))
      times+=("$dt")
      echo "  $name seed $s: found after ${dt}s, $(grep -oE '^#[0-9]+' "$dir/log" | tail -1 | tr -d '#') execs: $(grep -m1 'FUZZ FAILURE' "$dir/log")"
    fi
  done
  echo "seeded bug '$what': found in $(( repeats - missed ))/$repeats runs; times (s): ${times[*]:-none}"
  ((missed == 0))
}
seeded() {
  local rc=0
  seeded_one remote "remote list drops every 3rd push" || rc=1
  seeded_one spill_race "spill stack pop without the ABA tag" || rc=1
  return $rc
}

status=0
case $mode in
  seeded) seeded || status=1 ;;
  prune) for t in "${targets[@]}"; do prune "$t"; done ;;
  campaign) for t in "${targets[@]}"; do campaign "$t" || status=1; done ;;
esac
exit $status
