#!/usr/bin/env bash
# The seed's A/B method for telemetry compile flags. For each flag: build libhakmem.so with every
# flag OFF (baseline) and with that one flag ON, run the benchmark under both, interleaved, and
# report the medians, the change and the seed's verdict (GO >= +0.5%, NO-GO <= -0.5%, else
# NEUTRAL). Phase 29's lesson is applied first: the ON build runs once with HAKMEM_STATS_DUMP=1,
# the flag's counter updates per operation are shown (upd/op), and a flag whose counters barely
# move (< 1 per 1000 ops) gets NO-OP, since its A/B would measure nothing.
# The flag names come from telemetry_flags.def, the one list.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

def="$BENCH_ROOT/allocator/include/hakmem/telemetry_flags.def"
mapfile -t all_flags < <(sed -n 's/^HAKMEM_TELEMETRY_FLAG(\([A-Z0-9_]*\),.*/\1/p' "$def")

usage() {
  cat <<USAGE
usage: $(basename "$0") [--flags A,B,...|all] [--reps N] [--bench "NAME ARGS"] [--env VAR=VALUE]...
  --flags LIST   flags to test (default all): ${all_flags[*]}
  --reps N       interleaved repetitions per build, median reported (default 9)
  --bench CMD    benchmark in build/release/bin with its arguments
                 (default "bench_random_mixed --ops 20000000 --seed 42", the seed's benchmark)
  --env VAR=VAL  environment for the benchmark runs, e.g. HAKMEM_POOL_V2_ENABLED=1 (repeatable)
Builds go to build/ab/off and build/ab/<FLAG> (only the hakmem_shared target, -j2).
USAGE
}

((${#all_flags[@]})) || { echo "no HAKMEM_TELEMETRY_FLAG lines in $def" >&2; exit 1; }
flags=("${all_flags[@]}") reps=9 bench="bench_random_mixed --ops 20000000 --seed 42" envs=()
while (($#)); do
  case "$1" in
    --flags)
      [[ -n "${2:-}" ]] || die_usage "--flags needs a list"
      if [[ "$2" != all ]]; then
        IFS=, read -ra flags <<<"$2"
        for f in "${flags[@]}"; do
          [[ " ${all_flags[*]} " == *" $f "* ]] || die_usage "unknown flag '$f'"
        done
      fi
      shift ;;
    --reps) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || die_usage "--reps needs a positive integer"; reps=$2; shift ;;
    --bench) [[ -n "${2:-}" ]] || die_usage "--bench needs a command"; bench=$2; shift ;;
    --env) [[ "${2:-}" =~ ^[A-Za-z_][A-Za-z0-9_]*=.*$ ]] || die_usage "--env needs VAR=VALUE"; envs+=("$2"); shift ;;
    -h|--help) usage; exit 0 ;;
    *) die_usage "unknown argument '$1'" ;;
  esac
  shift
done

release="$BENCH_ROOT/build/release"
ensure_bench_binaries "$release" || exit 1
read -ra bench_cmd <<<"$bench"
bench_cmd[0]="$release/bin/${bench_cmd[0]}"
[[ -x "${bench_cmd[0]}" ]] || die_usage "no benchmark ${bench_cmd[0]}"

# build_lib DIR FLAG_ON: configures DIR with every flag OFF except FLAG_ON, builds the library.
build_lib() {
  local dir="$1" on="$2" defs=() f
  for f in "${all_flags[@]}"; do
    defs+=("-DHAKMEM_${f}_COMPILED=$([[ "$f" == "$on" ]] && echo ON || echo OFF)")
  done
  echo "building $dir" >&2
  { cmake --preset release -B "$dir" -DHAKMEM_BUILD_BENCH=OFF "${defs[@]}" &&
    cmake --build "$dir" --target hakmem_shared -j2; } >"$dir.build.log" 2>&1 ||
    { echo "build of $dir failed, see $dir.build.log" >&2; exit 1; }
}

# with_env CMD...: runs CMD (a function or program) in a subshell with the --env variables.
with_env() (
  for e in "${envs[@]}"; do export "${e?}"; done
  "$@"
)

# activity LIB FLAG: "COUNT OPS", the sum of FLAG's counters in the exit dump of one benchmark
# run and the run's operation count.
activity() {
  HAKMEM_STATS_DUMP=1 LD_PRELOAD="$1" with_env "${bench_cmd[@]}" 2>&1 |
    awk -v fam="$2" '/^hakmem stats: / && $3 == fam { s += $NF }
                     /^RESULT / { for (i = 1; i <= NF; i++) if ($i ~ /^ops=/) ops = substr($i, 5) }
                     END { print s + 0, ops + 0 }'
}

mkdir -p "$BENCH_ROOT/build/ab"
base="$BENCH_ROOT/build/ab/off"
build_lib "$base" ""
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "ab_telemetry: $(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null) reps=$reps bench: $bench ${envs[*]}"
printf '%-28s %8s %14s %14s %8s %7s  %s\n' flag "upd/op" "OFF ops/s" "ON ops/s" delta spread verdict
status=0
for f in "${flags[@]}"; do
  dir="$BENCH_ROOT/build/ab/$f"
  build_lib "$dir" "$f"
  read -r count ops < <(activity "$dir/lib/libhakmem.so" "$f")
  rm -f "$work/off" "$work/on"
  for ((r = 0; r < reps; r++)); do  # alternate which build runs first
    for side in $( ((r % 2)) && echo "on off" || echo "off on"); do
      lib="$base/lib/libhakmem.so"; [[ $side == on ]] && lib="$dir/lib/libhakmem.so"
      with_env run_bench "$work/$side" "$lib" "${bench_cmd[@]}" || status=1
    done
  done
  off=$(median "$work/off") on=$(median "$work/on")
  # The larger (max - min) / median of the two sides: a delta well inside it is noise.
  spread=$(printf '%s\n' "$(spread_pct "$work/off")" "$(spread_pct "$work/on")" | sort -g | tail -n1)
  # The seed's formula: improvement of the compiled-out baseline over compiled-in.
  delta=$(awk -v a="$off" -v b="$on" 'BEGIN { printf "%+.2f%%", (a - b) / b * 100 }')
  verdict=$(awk -v a="$off" -v b="$on" 'BEGIN { d = (a - b) / b * 100
    print (d >= 0.5 ? "GO (keep compiled-out)" : d <= -0.5 ? "NO-GO" : "NEUTRAL") }')
  # Fewer counter updates than 1 per 1000 operations cannot move ops/s: the path is not hot here.
  active=$(awk -v c="$count" -v o="$ops" 'BEGIN { printf "%.3g", o ? c / o : 0 }')
  if ((count * 1000 < ops)); then
    verdict="NO-OP: $count counter updates in $ops ops, the A/B measures nothing"
  fi
  printf '%-28s %8s %14s %14s %8s %7s  %s\n' "$f" "$active" "$off" "$on" "$delta" "$spread" "$verdict"
done
[[ -s "$work/off.log" || -s "$work/on.log" ]] && cat "$work"/*.log
exit $status
