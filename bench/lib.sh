# shellcheck shell=bash
# Shell helpers shared by compare.sh and ab_telemetry.sh (sourced, not run).

# The repository root, whatever the caller's working directory.
# shellcheck disable=SC2034  # used by the scripts that source this file
BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

die_usage() {  # message: print it and the caller's usage(), exit 2
  echo "$(basename "$0"): error: $1" >&2
  usage >&2
  exit 2
}

# median FILE: the median of the numbers in FILE, one per line (mean of the middle two if even).
median() {
  sort -g "$1" | awk '{v[NR] = $1} END {
    if (NR == 0) { print "nan"; exit }
    if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# spread_pct FILE: (max - min) / median of the numbers in FILE, as a percentage (noise gauge).
spread_pct() {
  local m
  m="$(median "$1")"
  sort -g "$1" | awk -v m="$m" 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.0f%%\n", (hi - lo) / m * 100 }'
}

# run_bench OUT_FILE PRELOAD BINARY ARGS...: runs one benchmark, appends its ops/s to OUT_FILE.
# Returns non-zero (and keeps the output in OUT_FILE.log) when the run fails or prints no result.
run_bench() {
  local out="$1" preload="$2"
  shift 2
  local log
  log="$(LD_PRELOAD="$preload" timeout 300 "$@" 2>&1)"
  local rc=$?
  local ops
  ops="$(sed -n 's/^RESULT .*ops_per_s=\([0-9.]*\).*/\1/p' <<<"$log")"
  if ((rc != 0)) || [[ -z "$ops" ]]; then
    { echo "--- exit $rc: LD_PRELOAD=$preload $*"; tail -n 20 <<<"$log"; } >>"$out.log"
    return 1
  fi
  echo "$ops" >>"$out"
}

# ensure_bench_binaries BUILD_DIR: builds the benchmark targets if they are missing.
ensure_bench_binaries() {
  local dir="$1"
  if [[ ! -x "$dir/bin/bench_random_mixed" || ! -x "$dir/bin/bench_cross_thread" ]]; then
    echo "building benchmarks in $dir" >&2
    cmake --build "$dir" --target bench_random_mixed bench_cross_thread -j2 >&2
  fi
}

# run_measured OUT_FILE PRELOAD BINARY ARGS...: like run_bench, but appends "ops_per_s maxrss_kb"
# to OUT_FILE. The peak RSS is the command's own `MAXRSS_KB=N` line when it prints one (the real
# programs: e.g. redis reports its server), else /usr/bin/time's %M of the command.
run_measured() {
  local out="$1" preload="$2"
  shift 2
  local log rc ops rss
  log="$(LD_PRELOAD="$preload" timeout 300 /usr/bin/time -f 'TIME_MAXRSS_KB=%M' "$@" 2>&1)"
  rc=$?
  ops="$(sed -n 's/^RESULT .*ops_per_s=\([0-9.]*\).*/\1/p' <<<"$log" | tail -n 1)"
  rss="$(sed -n 's/^MAXRSS_KB=\([0-9]*\)$/\1/p' <<<"$log" | tail -n 1)"
  [[ -n "$rss" ]] || rss="$(sed -n 's/^TIME_MAXRSS_KB=\([0-9]*\)$/\1/p' <<<"$log" | tail -n 1)"
  if ((rc != 0)) || [[ -z "$ops" || -z "$rss" ]]; then
    { echo "--- exit $rc: LD_PRELOAD=$preload $*"; tail -n 20 <<<"$log"; } >>"$out.log"
    return 1
  fi
  echo "$ops $rss" >>"$out"
}
