#!/usr/bin/env bash
# Runs every benchmark under every allocator in one run, interleaved (rep by rep, allocator order
# rotated each rep so no allocator always runs first or after a given one), and prints one table
# of medians with the ratio to hakmem. Default run: well under 2 minutes on 2 cores.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<USAGE
usage: $(basename "$0") [--reps N] [--long] [--build-dir DIR] [--allocators a,b,...] [--ab [ARGS...]]
  --reps N          repetitions per (allocator, benchmark); the median is reported (default 5)
  --long            10x the operations and, unless --reps says otherwise, 11 reps (minutes)
  --build-dir DIR   where bin/bench_* and lib/libhakmem.so live (default build/release)
  --allocators LIST subset of: hakmem,glibc,mimalloc,jemalloc,tcmalloc (default all)
  --ab ARGS...      instead, A/B-test telemetry compile flags: runs ab_telemetry.sh ARGS...
USAGE
}

if [[ "${1:-}" == "--ab" ]]; then
  shift
  exec "$(dirname "${BASH_SOURCE[0]}")/ab_telemetry.sh" "$@"
fi

reps="" scale=1 build="$BENCH_ROOT/build/release" only=""
while (($#)); do
  case "$1" in
    --reps) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || die_usage "--reps needs a positive integer"; reps=$2; shift ;;
    --long) scale=10 ;;
    --build-dir) [[ -n "${2:-}" ]] || die_usage "--build-dir needs a directory"; build=$2; shift ;;
    --allocators)
      [[ "${2:-}" =~ ^(hakmem|glibc|mimalloc|jemalloc|tcmalloc)(,(hakmem|glibc|mimalloc|jemalloc|tcmalloc))*$ ]] ||
        die_usage "--allocators needs a comma-separated subset of hakmem,glibc,mimalloc,jemalloc,tcmalloc"
      only=",$2,"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die_usage "unknown argument '$1'" ;;
  esac
  shift
done
reps=${reps:-$((scale > 1 ? 11 : 5))}
[[ -d "$build" ]] || die_usage "no build directory $build (cmake --preset release)"
build="$(cd "$build" && pwd)"  # LD_PRELOAD wants a path that works from anywhere

libdir=/usr/lib/x86_64-linux-gnu
declare -A lib=(
  [hakmem]="$build/lib/libhakmem.so"
  [glibc]=""
  [mimalloc]="$libdir/libmimalloc.so.2"
  [jemalloc]="$libdir/libjemalloc.so.2"
  [tcmalloc]="$libdir/libtcmalloc_minimal.so.4"
)
allocators=()
for a in hakmem glibc mimalloc jemalloc tcmalloc; do
  [[ -z "$only" || "$only" == *",$a,"* ]] || continue
  if [[ -n "${lib[$a]}" && ! -f "${lib[$a]}" ]]; then
    echo "warning: $a skipped, ${lib[$a]} not found" >&2
    continue
  fi
  allocators+=("$a")
done
((${#allocators[@]})) || die_usage "no allocator left to run"

ensure_bench_binaries "$build" || exit 1
rm_ops=$((10000000 * scale)) mid_ops=$((2000000 * scale)) large_ops=$((40000 * scale))
ct_ops=$((1000000 * scale))
declare -A cmd=(
  [random_mixed]="$build/bin/bench_random_mixed --ops $rm_ops --seed 42"
  [random_mixed_2t]="$build/bin/bench_random_mixed --ops $rm_ops --threads 2 --seed 42"
  # mid-size requests: hakmem's pool classes (1025..32768 B) instead of its tiny classes
  [random_mid]="$build/bin/bench_random_mixed --ops $mid_ops --slots 1024 --min-size 1025 --max-size 32768 --seed 42"
  # large requests (32 KiB .. 128 KiB): hakmem maps each one from the OS
  [random_large]="$build/bin/bench_random_mixed --ops $large_ops --slots 256 --min-size 32769 --max-size 131072 --seed 42"
  [cross_thread]="$build/bin/bench_cross_thread --ops $ct_ops --seed 42"
)
benches=(random_mixed random_mixed_2t random_mid random_large cross_thread)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "compare: $(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null) reps=$reps cores=$(nproc)" \
  "load=$(cut -d' ' -f1-3 /proc/loadavg)"
for b in "${benches[@]}"; do echo "  $b: ${cmd[$b]#"$build"/bin/}"; done

failed=0
n=${#allocators[@]}
for ((r = 0; r < reps; r++)); do
  for b in "${benches[@]}"; do
    for ((i = 0; i < n; i++)); do
      a=${allocators[$(((i + r) % n))]}
      # shellcheck disable=SC2086  # cmd holds a binary and its arguments
      run_bench "$work/$a.$b" "${lib[$a]}" ${cmd[$b]} || failed=1
    done
  done
  echo "  rep $((r + 1))/$reps done" >&2
done

declare -A med spread
for a in "${allocators[@]}"; do
  for b in "${benches[@]}"; do
    med[$a.$b]="$( [[ -s "$work/$a.$b" ]] && median "$work/$a.$b" || echo FAIL)"
    spread[$a.$b]="$( [[ -s "$work/$a.$b" ]] && spread_pct "$work/$a.$b" || echo -)"
  done
done

printf '\n%-10s %-16s %16s %10s %8s\n' allocator benchmark "ops/s (median)" "vs hakmem" spread
for b in "${benches[@]}"; do
  for a in "${allocators[@]}"; do
    v=${med[$a.$b]} base=${med[hakmem.$b]:-}
    ratio=n/a
    if [[ "$v" != FAIL && -n "$base" && "$base" != FAIL ]]; then
      ratio=$(awk -v v="$v" -v h="$base" 'BEGIN { printf "%.2fx", v / h }')
    fi
    printf '%-10s %-16s %16s %10s %8s\n' "$a" "$b" "$v" "$ratio" "${spread[$a.$b]}"
  done
done
echo "(vs hakmem = allocator ops/s / hakmem ops/s, above 1.00x is faster than hakmem;"
echo " spread = (max - min) / median over the reps; load at the end: $(cut -d' ' -f1-3 /proc/loadavg))"

if ((failed)); then
  echo; echo "FAILED RUNS:"
  cat "$work"/*.log
  exit 1
fi
