#!/usr/bin/env bash
# Runs benchmarks under every allocator in one run, interleaved (rep by rep, allocator order
# rotated each rep so no allocator always runs first or after a given one), and prints one table
# of medians: speed, peak RSS, hakmem's speed ratio to each allocator, RSS ratio to mimalloc, and
# the geometric mean of the ratios per suite. Writes the medians (TSV, JSON) and a chart (PNG).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<USAGE
usage: $(basename "$0") [--suite S] [--reps N] [--long] [--build-dir DIR] [--allocators a,b,...]
                  [--out DIR] [--callgrind] | --ab [ARGS...]
  --suite S         seed | programs | real | all | none, or a comma list (default all):
                      seed      the seed's random_mixed (1 and 2 threads, mid, large) and cross_thread
                      programs  bench/programs/: tight_loop(_mt), larson, prodcons, thread_churn,
                                false_sharing scratch/thrash, large_churn, string_builder, and
                                the peers' shapes: handoff_* (xmalloc-test), large_buffers
                                (malloc-large), rptest, glibc_simple(_thread),
                                glibc_thread_{1,2}t
                      real      bench/real/real.sh: redis, sqlite, python, xz, lua
                      none      no timed runs (with --callgrind: only that)
  --reps N          repetitions per (allocator, benchmark); medians are reported (default 3: all
                    suites take ~5 minutes on 2 idle cores; --reps 5 for tighter medians)
  --long            10x the operations of seed and programs (not real) and, unless --reps says
                    otherwise, 11 reps (tens of minutes)
  --build-dir DIR   where bin/bench_* and lib/libhakmem.so live (default build/release)
  --allocators LIST subset of: hakmem,glibc,mimalloc,jemalloc,tcmalloc,tbbmalloc (default all; ratios need
                    hakmem, the RSS ratio needs mimalloc)
  --out DIR         results directory: medians.tsv, geomean.tsv, results.json, compare.png, raw/
                    (default: a new temporary directory, printed at the end)
  --callgrind       also: instructions per op of every allocator on random_mixed (valgrind)
  --ab ARGS...      instead, A/B-test telemetry compile flags: runs ab_telemetry.sh ARGS...
USAGE
}

if [[ "${1:-}" == "--ab" ]]; then
  shift
  exec "$(dirname "${BASH_SOURCE[0]}")/ab_telemetry.sh" "$@"
fi

all_allocators=(hakmem glibc mimalloc jemalloc tcmalloc tbbmalloc)
reps="" scale=1 build="$BENCH_ROOT/build/release" only="" suites="seed,programs,real" out="" callgrind=0
while (($#)); do
  case "$1" in
    --suite)
      [[ "${2:-}" =~ ^(seed|programs|real|all|none)(,(seed|programs|real|all|none))*$ ]] ||
        die_usage "--suite needs seed, programs, real, all or none (or a comma list), got '${2:-}'"
      suites=${2//all/seed,programs,real}; shift ;;
    --reps) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || die_usage "--reps needs a positive integer"; reps=$2; shift ;;
    --long) scale=10 ;;
    --build-dir) [[ -n "${2:-}" ]] || die_usage "--build-dir needs a directory"; build=$2; shift ;;
    --allocators)
      [[ "${2:-}" =~ ^(hakmem|glibc|mimalloc|jemalloc|tcmalloc|tbbmalloc)(,(hakmem|glibc|mimalloc|jemalloc|tcmalloc|tbbmalloc))*$ ]] ||
        die_usage "--allocators needs a comma-separated subset of hakmem,glibc,mimalloc,jemalloc,tcmalloc,tbbmalloc"
      only=",$2,"; shift ;;
    --out) [[ -n "${2:-}" ]] || die_usage "--out needs a directory"; out=$2; shift ;;
    --callgrind) callgrind=1 ;;
    -h|--help) usage; exit 0 ;;
    *) die_usage "unknown argument '$1'" ;;
  esac
  shift
done
reps=${reps:-$((scale > 1 ? 11 : 3))}
[[ -d "$build" ]] || die_usage "no build directory $build (cmake --preset release)"
build="$(cd "$build" && pwd)"  # LD_PRELOAD wants a path that works from anywhere
if [[ -z "$out" ]]; then
  out="$(mktemp -d /tmp/hakmem-compare.XXXXXX)"
else
  mkdir -p "$out" || die_usage "cannot create --out directory $out"
fi
out="$(cd "$out" && pwd)"

libdir=/usr/lib/x86_64-linux-gnu
# glibc preloads libc itself: a no-op for most programs, but it makes a program linked against
# another allocator (Debian's redis-server links libjemalloc) use glibc's malloc as the row says.
declare -A lib=(
  [hakmem]="$build/lib/libhakmem.so"
  [glibc]="/lib/x86_64-linux-gnu/libc.so.6"
  [mimalloc]="$libdir/libmimalloc.so.2"
  [jemalloc]="$libdir/libjemalloc.so.2"
  [tcmalloc]="$libdir/libtcmalloc_minimal.so.4"
  [tbbmalloc]="$libdir/libtbbmalloc_proxy.so.2"  # TBB's scalable allocator: its proxy replaces malloc
)
allocators=()
for a in "${all_allocators[@]}"; do
  [[ -z "$only" || "$only" == *",$a,"* ]] || continue
  if [[ ! -f "${lib[$a]}" ]]; then
    echo "warning: $a skipped, ${lib[$a]} not found" >&2
    continue
  fi
  allocators+=("$a")
done
((${#allocators[@]})) || die_usage "no allocator left to run"

# ---- the benchmarks: suite, name, command ---------------------------------------------------
declare -A cmd suite_of
benches=()
add() {  # add SUITE NAME COMMAND...: one benchmark, in table order
  suite_of[$2]=$1
  cmd[$2]="${*:3}"
  benches+=("$2")
}
bin="$build/bin"
real="$BENCH_ROOT/bench/real/real.sh"
inputs="$out/raw/inputs"
if [[ ",$suites," == *,seed,* ]]; then
  add seed random_mixed "$bin/bench_random_mixed --ops $((10000000 * scale)) --seed 42"
  add seed random_mixed_2t "$bin/bench_random_mixed --ops $((10000000 * scale)) --threads 2 --seed 42"
  # mid-size requests: hakmem's pool classes (1025..32768 B) instead of its tiny classes
  add seed random_mid "$bin/bench_random_mixed --ops $((2000000 * scale)) --slots 1024 --min-size 1025 --max-size 32768 --seed 42"
  # large requests (32 KiB .. 128 KiB): hakmem maps each one from the OS
  add seed random_large "$bin/bench_random_mixed --ops $((40000 * scale)) --slots 256 --min-size 32769 --max-size 131072 --seed 42"
  add seed cross_thread "$bin/bench_cross_thread --ops $((1000000 * scale)) --seed 42"
fi
if [[ ",$suites," == *,programs,* ]]; then
  add programs tight_loop "$bin/bench_tight_loop --ops $((30000000 * scale))"
  add programs tight_loop_mt "$bin/bench_tight_loop_mt --ops $((60000000 * scale)) --threads 2"
  add programs larson "$bin/bench_larson --ops $((20000000 * scale)) --generations $((50 * scale))"
  add programs prodcons "$bin/bench_prodcons --ops $((3000000 * scale))"
  add programs thread_churn "$bin/bench_thread_churn --ops $((6000000 * scale))"
  add programs false_sharing_scratch "$bin/bench_false_sharing --mode scratch --ops $((3000000 * scale))"
  add programs false_sharing_thrash "$bin/bench_false_sharing --mode thrash --ops $((3000000 * scale))"
  add programs large_churn "$bin/bench_large_churn --ops $((6000 * scale))"
  add programs string_builder "$bin/bench_string_builder --ops $((1000000 * scale))"
  # Shapes of the peers' suites. Batch hand-off (xmalloc-test): 1 and 2 producer/consumer pairs,
  # batches of 100, 1000 and 10,000 blocks of 8..512 B, every free remote.
  for pairs in 1 2; do
    for batch in 100 1000 10000; do
      add programs "handoff_${pairs}p_b${batch}" "$bin/bench_prodcons --ops $((3000000 * scale)) --producers $pairs --consumers $pairs --batch $batch --ring $((batch >= 10000 ? 16 : 64)) --min-size 16 --max-size 512"
    done
  done
  add programs handoff_mid "$bin/bench_prodcons --ops $((500000 * scale)) --batch 1000 --ring 16 --min-size 1024 --max-size 16384"
  # malloc-large: 20 live value-initialised buffers of 5..25 MiB, each op replaces one.
  add programs large_buffers "$bin/bench_large_buffers --ops $((200 * scale))"
  # rptest: phases of 1..4 threads churning 16 B..8 KiB blocks, 20% of the frees remote.
  add programs rptest "$bin/bench_rptest --ops $((4000000 * scale))"
  # glibc's bench-malloc-simple (main thread and a second thread) and bench-malloc-thread.
  add programs glibc_simple "$bin/bench_glibc_simple --ops $((40000000 * scale))"
  add programs glibc_simple_thread "$bin/bench_glibc_simple --ops $((40000000 * scale)) --thread 1"
  add programs glibc_thread_1t "$bin/bench_glibc_thread --ops $((10000000 * scale))"
  add programs glibc_thread_2t "$bin/bench_glibc_thread --ops $((10000000 * scale)) --threads 2"
fi
if [[ ",$suites," == *,real,* ]]; then
  for p in $("$real" list); do add real "$p" "$real run $p $inputs"; done
fi

ensure_programs() {  # builds whatever binary a chosen benchmark needs and is missing
  local targets=() b exe
  for b in "${benches[@]}"; do
    exe=${cmd[$b]%% *}
    [[ "$exe" == "$bin"/* && ! -x "$exe" ]] && targets+=("${exe#"$bin"/}")
  done
  [[ $callgrind == 1 && ! -x "$bin/bench_random_mixed" ]] && targets+=(bench_random_mixed)
  ((${#targets[@]})) || return 0
  echo "building ${targets[*]} in $build" >&2
  cmake --build "$build" --target "${targets[@]}" -j2 >&2
}
ensure_programs || exit 1

# run_one BENCH ALLOCATOR FILE: one run; a real program gets the preload as an argument (real.sh
# applies it to the measured program only), a benchmark binary runs under it.
run_one() {
  local b=$1 a=$2 file=$3
  # shellcheck disable=SC2086  # cmd holds a program and its arguments
  if [[ ${suite_of[$b]} == real ]]; then
    run_measured "$file" "" ${cmd[$b]} "${lib[$a]}"
  else
    run_measured "$file" "${lib[$a]}" ${cmd[$b]}
  fi
}

# ---- timed runs -------------------------------------------------------------------------------
failed=0
mkdir -p "$out/raw"
rm -f "$out"/raw/*.runs "$out"/raw/*.log
echo "compare: $(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null) reps=$reps cores=$(nproc)" \
  "load=$(cut -d' ' -f1-3 /proc/loadavg) suites=$suites"
for b in "${benches[@]}"; do echo "  ${suite_of[$b]}/$b: ${cmd[$b]//"$BENCH_ROOT"\//}"; done
if [[ ",$suites," == *,real,* ]]; then
  "$real" prepare "$inputs" || { echo "compare: generating the real programs' inputs failed" >&2; exit 1; }
fi
n=${#allocators[@]}
if ((${#benches[@]})); then
  start=$SECONDS
  for ((r = 0; r < reps; r++)); do
    for b in "${benches[@]}"; do
      for ((i = 0; i < n; i++)); do
        a=${allocators[$(((i + r) % n))]}
        run_one "$b" "$a" "$out/raw/$a.$b.runs" || failed=1
      done
    done
    echo "  rep $((r + 1))/$reps done ($((SECONDS - start)) s)" >&2
  done
  # One row per run for the report: suite, benchmark, allocator, ops/s, peak RSS.
  for b in "${benches[@]}"; do
    for a in "${allocators[@]}"; do
      [[ -s "$out/raw/$a.$b.runs" ]] || continue
      while read -r ops rss; do
        printf '%s\t%s\t%s\t%s\t%s\n' "${suite_of[$b]}" "$b" "$a" "$ops" "$rss"
      done <"$out/raw/$a.$b.runs"
    done
  done >"$out/raw/runs.tsv"
  /usr/bin/python3 "$BENCH_ROOT/bench/compare_report.py" "$out" "${allocators[*]}" "${benches[*]}" || failed=1
fi

# ---- instructions per op (callgrind) ----------------------------------------------------------
# callgrind_ir FILE: the total instructions (Ir) of a callgrind output file.
callgrind_ir() { sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$1" | head -n 1; }

# Ir/op = (Ir(2N ops) - Ir(N ops)) / N: program start-up, allocator initialisation, thread and
# working-set setup and teardown are in both runs and cancel; what is left is the per-op loop,
# i.e. malloc + free + the benchmark's own ~20 instructions per op (RNG, slot, touch), the same
# for every allocator.
run_callgrind() {
  local ops=$((200000 * scale)) a k ir
  local -A total
  echo
  echo "instructions per op on random_mixed (valgrind --tool=callgrind, single thread, seed 42):"
  echo "  Ir/op = (Ir of a --ops $((2 * ops)) run - Ir of a --ops $ops run) / $ops; start-up and setup cancel,"
  echo "  the benchmark loop's own instructions (~20/op, equal for all) stay in"
  for a in "${allocators[@]}"; do
    for k in 1 2; do
      LD_PRELOAD="${lib[$a]}" valgrind --tool=callgrind --callgrind-out-file="$out/raw/callgrind.$a.$k" \
        "$bin/bench_random_mixed" --ops $((k * ops)) --seed 42 >"$out/raw/callgrind.$a.$k.txt" 2>&1 || {
        echo "  $a: callgrind run failed (see $out/raw/callgrind.$a.$k.txt)"; failed=1; continue 2; }
      total[$k]=$(callgrind_ir "$out/raw/callgrind.$a.$k")
    done
    ir=$(awk -v a="${total[1]}" -v b="${total[2]}" -v n="$ops" 'BEGIN { printf "%.1f", (b - a) / n }')
    printf '  %-10s %10s Ir/op\n' "$a" "$ir"
    printf '%s\t%s\n' "$a" "$ir" >>"$out/callgrind.tsv"
  done
}
if ((callgrind)); then
  command -v valgrind >/dev/null || { echo "compare: valgrind not found (ci/setup.sh installs it)" >&2; exit 1; }
  rm -f "$out/callgrind.tsv"
  printf 'allocator\tir_per_op\n' >"$out/callgrind.tsv"
  run_callgrind
fi

echo
if ((${#benches[@]})); then
  echo "results: $out (medians.tsv, geomean.tsv, results.json, compare.png; raw/ has every run)"
else
  echo "results: $out"
fi
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
if ((failed)); then
  echo; echo "FAILED RUNS:"
  cat "$out"/raw/*.log 2>/dev/null
  exit 1
fi
