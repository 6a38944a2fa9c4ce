#!/usr/bin/env bash
# A/B of telemetry compile flags, at a resolution the seed never had. Per row (a flag, ALL nine
# against none, or the DECOY build): build libhakmem.so with every flag OFF and with the row's
# flag(s) ON, then
#   1. activity (Phase 29's lesson): the ON build runs once with HAKMEM_STATS_DUMP=1; fewer than
#      1 counter update per 1000 ops makes the row NO-OP, whatever the timings say;
#   2. exact cost: both builds under callgrind on a short run (ops / --cg-scale; callgrind is
#      ~50x slower), instructions per op and the delta per function;
#   3. wall time: interleaved OFF/ON pairs, median ratio with a bootstrap 95% interval and a
#      GO / NO-GO / NEUTRAL / INCONCLUSIVE verdict against +/- --threshold (bench/ab_stats.py);
#   4. optionally (--layouts K) every build in K code layouts, pairs spread over them, so a
#      delta smaller than what layout alone does is called so.
# Writes RAW/ (every run), ab.json, ab.md (the table, also printed) and ab.png into --out.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

def="$BENCH_ROOT/allocator/include/hakmem/telemetry_flags.def"
mapfile -t all_flags < <(sed -n 's/^HAKMEM_TELEMETRY_FLAG(\([A-Z0-9_]*\),.*/\1/p' "$def")
# Layouts: extra compiler flags | extra linker flags. L0 is the normal build; the others move
# code (function alignment, loop alignment, function order via sections sorted by name).
layout_specs=(
  "|"
  "-falign-functions=64|"
  "-ffunction-sections|-Wl,--sort-section=name"
  "-falign-functions=32 -falign-loops=32|"
)
decoy_cxx="-fstack-protector-all"  # DECOY: no counter, but a canary check in every function

usage() {
  cat <<USAGE
usage: $(basename "$0") [options]
  --flags LIST     rows, comma-separated (default all): a flag, ALL (all nine ON against none,
                   the seed's cumulative row) or DECOY ($decoy_cxx, must cost Ir);
                   FLAG@VAR=VAL sets an environment variable for that row only;
                   'all' = the nine flags, 'seed' = the nine flags and ALL (e.g. seed,DECOY).
                   Flags: ${all_flags[*]}
  --bench CMD      benchmark in --bin-dir with its arguments
                   (default "bench_random_mixed --ops 20000000 --seed 42", the seed's benchmark)
  --env VAR=VAL    environment for every run (repeatable)
  --pairs N        OFF/ON pairs per row (default: as many as --budget allows, at least 5)
  --budget S       seconds of wall-clock pairs per row when --pairs is not given (default 60)
  --threshold P    verdict threshold in percent (default 0.5, the seed's)
  --cg-scale N     the callgrind run does --ops / N (default 10)
  --cache-sim      callgrind also simulates caches (D1/LL misses per op; ~2x slower)
  --layouts K      build every side in K code layouts (1..${#layout_specs[@]}, default 1)
  --out DIR        outputs (default build/ab/out): ab.md, ab.json, ab.png, raw/
  --build-root DIR library builds (default build/ab)
  --bin-dir DIR    benchmark binaries (default build/release/bin)
  --jobs N         build parallelism (default 2)
  --reps N         the old name of --pairs
USAGE
}

rows_arg=all bench="bench_random_mixed --ops 20000000 --seed 42" envs=() pairs="" budget=60
threshold=0.5 cg_scale=10 cache_sim=0 nlayouts=1 jobs=2
out="$BENCH_ROOT/build/ab/out" root="$BENCH_ROOT/build/ab" bindir="$BENCH_ROOT/build/release/bin"
posint='^[1-9][0-9]*$'
while (($#)); do
  case "$1" in
    --flags) [[ -n "${2:-}" ]] || die_usage "--flags needs a list"; rows_arg=$2; shift ;;
    --bench) [[ -n "${2:-}" ]] || die_usage "--bench needs a command"; bench=$2; shift ;;
    --env) [[ "${2:-}" =~ ^[A-Za-z_][A-Za-z0-9_]*=.*$ ]] || die_usage "--env needs VAR=VALUE"; envs+=("$2"); shift ;;
    --pairs|--reps) [[ "${2:-}" =~ $posint ]] || die_usage "$1 needs a positive integer"; pairs=$2; shift ;;
    --budget) [[ "${2:-}" =~ $posint ]] || die_usage "--budget needs seconds"; budget=$2; shift ;;
    --threshold) [[ "${2:-}" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die_usage "--threshold needs a percentage"; threshold=$2; shift ;;
    --cg-scale) [[ "${2:-}" =~ $posint ]] || die_usage "--cg-scale needs a positive integer"; cg_scale=$2; shift ;;
    --cache-sim) cache_sim=1 ;;
    --layouts)
      if ! [[ "${2:-}" =~ $posint ]] || ((${2} > ${#layout_specs[@]})); then
        die_usage "--layouts needs 1..${#layout_specs[@]}"
      fi
      nlayouts=$2; shift ;;
    --out) [[ -n "${2:-}" ]] || die_usage "--out needs a directory"; out=$2; shift ;;
    --build-root) [[ -n "${2:-}" ]] || die_usage "--build-root needs a directory"; root=$2; shift ;;
    --bin-dir) [[ -n "${2:-}" ]] || die_usage "--bin-dir needs a directory"; bindir=$2; shift ;;
    --jobs) [[ "${2:-}" =~ $posint ]] || die_usage "--jobs needs a positive integer"; jobs=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die_usage "unknown argument '$1'" ;;
  esac
  shift
done

((${#all_flags[@]})) || { echo "no HAKMEM_TELEMETRY_FLAG lines in $def" >&2; exit 1; }
rows=()
IFS=, read -ra items <<<"$rows_arg"
for r in "${items[@]}"; do
  case "$r" in
    all) rows+=("${all_flags[@]}") ;;
    seed) rows+=("${all_flags[@]}" ALL) ;;
    *) rows+=("$r") ;;
  esac
done
for r in "${rows[@]}"; do
  f=${r%%@*}
  [[ " ${all_flags[*]} ALL DECOY " == *" $f "* ]] || die_usage "unknown flag '$f'"
  if [[ "$r" == *@* ]]; then
    IFS=@ read -ra kv <<<"${r#*@}"
    for e in "${kv[@]}"; do [[ "$e" =~ ^[A-Za-z_][A-Za-z0-9_]*=.*$ ]] || die_usage "bad VAR=VAL '$e' in '$r'"; done
  fi
done
if ! command -v valgrind >/dev/null || ! command -v callgrind_annotate >/dev/null; then
  echo "valgrind is missing (ci/setup.sh installs it)" >&2; exit 1
fi
py=""
for p in python3 /usr/bin/python3; do
  if "$p" -c 'import matplotlib' 2>/dev/null; then py=$p; break; fi
done
[[ -n "$py" ]] || { echo "no python3 with matplotlib (ci/setup.sh installs python3-matplotlib)" >&2; exit 1; }
stats="$(dirname "${BASH_SOURCE[0]}")/ab_stats.py"

[[ -d "$bindir" ]] || die_usage "no directory $bindir (cmake --preset release)"
bindir="$(cd "$bindir" && pwd)"
mkdir -p "$root" "$out" && root="$(cd "$root" && pwd)" && out="$(cd "$out" && pwd)" || exit 1
read -ra bench_cmd <<<"$bench"
bench_cmd[0]="$bindir/${bench_cmd[0]}"
[[ -x "${bench_cmd[0]}" ]] || die_usage "no benchmark ${bench_cmd[0]}"
# The callgrind run: the same command with --ops divided by --cg-scale.
cg_cmd=("${bench_cmd[@]}")
for ((i = 1; i < ${#cg_cmd[@]}; i++)); do
  if [[ "${cg_cmd[i]}" == --ops && $((i + 1)) -lt ${#cg_cmd[@]} ]]; then
    cg_cmd[i + 1]=$((cg_cmd[i + 1] / cg_scale > 1000 ? cg_cmd[i + 1] / cg_scale : 1000))
  elif [[ "${cg_cmd[i]}" == --ops=* ]]; then
    n=${cg_cmd[i]#--ops=}; cg_cmd[i]="--ops=$((n / cg_scale > 1000 ? n / cg_scale : 1000))"
  fi
done

# build_lib DIR ON LAYOUT [EXTRA_CXXFLAGS]: DIR's libhakmem.so with flag ON (ALL: every flag,
# "": none) in layout LAYOUT. Only the hakmem_shared target; an up-to-date build is a no-op.
build_lib() {
  local dir="$1" on="$2" lay="${layout_specs[$3]}" extra="${4:-}" defs=() f v
  for f in "${all_flags[@]}"; do
    v=OFF; [[ "$f" == "$on" || "$on" == ALL ]] && v=ON
    defs+=("-DHAKMEM_${f}_COMPILED=$v")
  done
  echo "building $dir" >&2
  mkdir -p "$(dirname "$dir")"
  { (cd "$BENCH_ROOT" && cmake --preset release -B "$dir" -DHAKMEM_BUILD_BENCH=OFF "${defs[@]}" \
      "-DCMAKE_CXX_FLAGS=${lay%%|*} $extra" "-DCMAKE_SHARED_LINKER_FLAGS=${lay#*|}") &&
    cmake --build "$dir" --target hakmem_shared -j"$jobs"; } >"$dir.build.log" 2>&1 ||
    { echo "build of $dir failed, see $dir.build.log" >&2; exit 1; }
}
lib_of() {  # lib_of FLAG|off LAYOUT
  if (($2 == 0)); then echo "$root/$1/lib/libhakmem.so"; else echo "$root/L$2/$1/lib/libhakmem.so"; fi
}

# in_env ENVS CMD...: runs CMD with the global --env and the row's VAR=VAL list (@-separated).
in_env() (
  local e
  for e in "${envs[@]}"; do export "${e?}"; done
  if [[ -n "$1" ]]; then
    IFS=@ read -ra kv <<<"$1"
    for e in "${kv[@]}"; do export "${e?}"; done
  fi
  shift
  "$@"
)

# activity LIB ROWENV FLAG: "COUNT OPS", FLAG's counter updates (ALL: every family) in the exit
# dump of one benchmark run, and the run's operation count.
activity() {
  HAKMEM_STATS_DUMP=1 LD_PRELOAD="$1" in_env "$2" "${bench_cmd[@]}" 2>&1 |
    awk -v fam="$3" '/^hakmem stats: / && $3 != "telemetry" && (fam == "ALL" || $3 == fam) { s += $NF }
                     /^RESULT / { for (i = 1; i <= NF; i++) if ($i ~ /^ops=/) ops = substr($i, 5) }
                     END { print s + 0, ops + 0 }'
}

# callgrind LIB ROWENV OUT: OUT.txt (callgrind_annotate, self cost of every function) and
# OUT.ops (operations of the short run).
callgrind() {
  local opts=(--tool=callgrind "--callgrind-out-file=$3.cg")
  ((cache_sim)) && opts+=(--cache-sim=yes)
  LD_PRELOAD="$1" in_env "$2" valgrind "${opts[@]}" "${cg_cmd[@]}" >"$3.log" 2>&1 ||
    { echo "callgrind run failed, see $3.log" >&2; return 1; }
  sed -n 's/^RESULT .* ops=\([0-9]*\) .*/\1/p' "$3.log" >"$3.ops"
  callgrind_annotate --inclusive=no --show-percs=no --threshold=100 --auto=no "$3.cg" >"$3.txt" &&
    rm -f "$3.cg"
}

raw="$out/raw"
rm -rf "$raw" && mkdir -p "$raw/cg" || exit 1
load() { cut -d' ' -f1-3 /proc/loadavg; }
{
  printf 'bench\t%s\n' "$bench"
  printf 'cg_bench\t%s\n' "${cg_cmd[*]#"$bindir"/}"
  printf 'env\t%s\n' "${envs[*]}"
  printf 'threshold\t%s\n' "$threshold"
  printf 'commit\t%s\n' "$(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null)"
  printf 'cores\t%s\n' "$(nproc)"
  printf 'load_start\t%s\n' "$(load)"
  printf 'date\t%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)"
  printf 'pairs\t%s\n' "${pairs:-budget ${budget}s}"
} >"$raw/meta.tsv"
for ((l = 0; l < nlayouts; l++)); do
  printf '%s\t%s\t%s\n' "$l" "${layout_specs[l]%%|*}" "${layout_specs[l]#*|}"
done >"$raw/layouts.tsv"

# Builds: OFF and every row's ON side, in every layout.
declare -A built=()
for ((l = 0; l < nlayouts; l++)); do
  for f in off "${rows[@]%%@*}"; do
    [[ -n "${built[$f.$l]:-}" ]] && continue
    lib="$(lib_of "$f" "$l")"
    case "$f" in
      off) build_lib "${lib%/lib/*}" "" "$l" ;;
      DECOY) build_lib "${lib%/lib/*}" "" "$l" "$decoy_cxx" ;;
      *) build_lib "${lib%/lib/*}" "$f" "$l" ;;
    esac
    built[$f.$l]=1
  done
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "ab_telemetry: $(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null) bench: $bench ${envs[*]}" \
  "callgrind: ${cg_cmd[*]#"$bindir"/} threshold=$threshold% layouts=$nlayouts load=$(load)" >&2
status=0
declare -A cg_off=()  # the OFF build's callgrind run, once per row environment
for i in "${!rows[@]}"; do
  r=${rows[i]} f=${rows[i]%%@*} renv=""
  [[ "$r" == *@* ]] && renv=${r#*@}
  id="r$i" on0="$(lib_of "$f" 0)" off0="$(lib_of off 0)"
  if [[ "$f" == DECOY ]]; then
    count=0 ops=0
  else
    read -r count ops < <(activity "$on0" "$renv" "$f")
  fi
  echo "== $r: $count counter updates in $ops ops; callgrind" >&2
  if [[ -z "${cg_off[_$renv]:-}" ]]; then
    callgrind "$off0" "$renv" "$raw/cg/off$i" || status=1
    cg_off[_$renv]="$raw/cg/off$i"
  fi
  for x in txt ops; do cp "${cg_off[_$renv]}.$x" "$raw/cg/$id.off.$x" 2>/dev/null; done
  mv "$raw/cg/$id.off.ops" "$raw/cg/$id.ops" 2>/dev/null
  callgrind "$on0" "$renv" "$raw/cg/$id.on" || status=1
  rm -f "$raw/cg/$id.on.ops"
  printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$f" "$renv" "$count" "$ops" >>"$raw/rows.tsv"

  # Wall-clock pairs: layout cycles fastest, the order within a pair alternates per cycle.
  n=0 start=$SECONDS
  while :; do
    if [[ -n "$pairs" ]]; then ((n < pairs)) || break
    elif ((n >= 2000)) || ((n >= 5 * nlayouts && SECONDS - start >= budget)); then break
    fi
    l=$((n % nlayouts)) order="off-on"
    if (((n / nlayouts) % 2)); then order="on-off"; fi
    declare -A v=()
    ok=1
    for side in ${order/-/ }; do
      lib="$(lib_of off "$l")"; [[ $side == on ]] && lib="$(lib_of "$f" "$l")"
      rm -f "$work/$side"
      in_env "$renv" run_bench "$work/$side" "$lib" "${bench_cmd[@]}" || { ok=0 status=1; }
      v[$side]="$(cat "$work/$side" 2>/dev/null)"
    done
    ((ok)) && printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$l" "$n" "$order" "${v[off]}" "${v[on]}" >>"$raw/pairs.tsv"
    n=$((n + 1))
  done
  echo "   $n pairs in $((SECONDS - start)) s" >&2
done
printf 'load_end\t%s\n' "$(load)" >>"$raw/meta.tsv"

"$py" "$stats" analyze "$raw" "$out/ab.json" &&
  "$py" "$stats" report "$out/ab.md" "$out/ab.png" "$out/ab.json" || status=1
echo "outputs: $out/ab.md $out/ab.json $out/ab.png (every run: $out/raw)" >&2
[[ -s "$work/off.log" || -s "$work/on.log" ]] && cat "$work"/*.log
exit $status
