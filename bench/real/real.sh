#!/usr/bin/env bash
# Real programs for compare.sh --suite real, each under one allocator:
#
#   bench/real/real.sh prepare WORKDIR            generate every input into WORKDIR (deterministic)
#   bench/real/real.sh run NAME WORKDIR PRELOAD   run NAME once with LD_PRELOAD=PRELOAD
#   bench/real/real.sh list                       the names: redis sqlite python xz lua
#
# `run` prints `RESULT bench=NAME ops=... seconds=... ops_per_s=...` (ops: the workload's units,
# seconds: wall time of the measured process) and `MAXRSS_KB=N`: the measured process's peak RSS
# (for redis the server's, read from /proc before it is shut down). LD_PRELOAD applies to the
# measured program only, never to the shell or to redis-benchmark. Exit 1 on any failure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY=/usr/bin/python3  # Debian's python: the one whose version is fixed by the distribution

names=(redis sqlite python xz lua)

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
}
die() { echo "real.sh: error: $1" >&2; exit 1; }

# timed FILE CMD...: runs CMD; its wall seconds (to the ns: /usr/bin/time's %e has 10 ms steps)
# and peak RSS in KiB (/usr/bin/time's %M) go to FILE.
timed() {
  local file=$1 start end rss
  shift
  start=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$file.rss" "$@" || return 1
  end=$(date +%s.%N)
  rss=$(tail -n 1 "$file.rss")
  awk -v s="$start" -v e="$end" -v r="$rss" 'BEGIN { printf "%.4f %s\n", e - s, r }' >"$file"
}

# report NAME OPS TIMEFILE: the two lines compare.sh reads, from /usr/bin/time's output.
report() {
  local name=$1 ops=$2 secs rss
  read -r secs rss <"$3"
  awk -v n="$name" -v o="$ops" -v s="$secs" 'BEGIN {
    if (s <= 0) s = 0.01
    printf "RESULT bench=%s ops=%d seconds=%.4f ops_per_s=%.1f\n", n, o, s, o / s }'
  echo "MAXRSS_KB=$rss"
}

prepare() {
  local dir=$1
  mkdir -p "$dir"
  "$PY" "$here/gen_inputs.py" "$dir"
}

run_sqlite() {  # an in-memory database: the page cache and every statement's memory are malloc's
  local dir=$1 preload=$2
  timed "$dir/sqlite.time" env LD_PRELOAD="$preload" sqlite3 :memory: <"$dir/workload.sql" >"$dir/sqlite.out"
  grep -q '^check|' "$dir/sqlite.out" || die "sqlite: the workload's check query printed nothing"
  report sqlite "$(wc -l <"$dir/workload.sql")" "$dir/sqlite.time"
}

# python3 with every object through malloc: PYTHONMALLOC=malloc, and no other PYTHON* variable
# of the caller's. Not -I or -E: they make python ignore PYTHONMALLOC too, and pymalloc's arenas
# would take every small object (this benchmark measured pymalloc until 2026-12-02).
run_python() {
  local dir=$1 preload=$2 out v stats
  local py_env=(env)
  for v in $(compgen -e); do [[ $v == PYTHON* ]] && py_env+=(-u "$v"); done
  py_env+=(PYTHONMALLOC=malloc)
  # pymalloc's statistics print only while pymalloc allocates
  stats=$("${py_env[@]}" "$PY" -s -c 'import sys; sys._debugmallocstats()' 2>&1) || die "python: $stats"
  if [[ $stats == *"Small block threshold"* ]]; then
    die "python: PYTHONMALLOC=malloc is not in effect (pymalloc would take every small object)"
  fi
  timed "$dir/python.time" "${py_env[@]}" LD_PRELOAD="$preload" "$PY" -s "$here/churn.py" >"$dir/python.out"
  out=$(cat "$dir/python.out")
  [[ "$out" == "churn ok "* ]] || die "python: unexpected output '$out'"
  report python "${out##* }" "$dir/python.time"
}

run_xz() {  # compress, then decompress and compare: the round trip checks itself
  local dir=$1 preload=$2 bytes
  timed "$dir/xz.time" env LD_PRELOAD="$preload" xz -6 -T1 -c "$dir/corpus.txt" >"$dir/corpus.xz"
  xz -dc "$dir/corpus.xz" | cmp -s - "$dir/corpus.txt" || die "xz: round trip differs"
  bytes=$(wc -c <"$dir/corpus.txt")
  report xz "$((bytes / 1024))" "$dir/xz.time"  # ops: KiB compressed
}

run_lua() {
  local dir=$1 preload=$2 out
  timed "$dir/lua.time" env LD_PRELOAD="$preload" lua5.4 "$here/tables.lua" >"$dir/lua.out"
  out=$(cat "$dir/lua.out")
  [[ "$out" == "tables ok "* ]] || die "lua: unexpected output '$out'"
  report lua "${out##* }" "$dir/lua.time"
}

# redis: server on a unix socket in DIR (no port to collide with), preloaded; a fixed
# redis-benchmark workload (not preloaded) against it; peak RSS of the server from /proc.
readonly redis_requests=200000 redis_tests=set,get,incr,lpush,lpop,sadd,hset,zadd
run_redis() {
  local dir=$1 preload=$2 sock="$1/redis.sock" pid start end rss i
  rm -f "$sock"
  env LD_PRELOAD="$preload" redis-server --port 0 --unixsocket "$sock" --save '' --appendonly no \
    --daemonize no --dir "$dir" --logfile "$dir/redis.log" &
  pid=$!
  # shellcheck disable=SC2064  # the pid is fixed now
  trap "kill $pid 2>/dev/null" EXIT
  trap 'exit 1' TERM  # a timeout still stops the server (through the EXIT trap)
  for ((i = 0; i < 100; i++)); do
    [[ "$(redis-cli -s "$sock" ping 2>/dev/null)" == PONG ]] && break
    sleep 0.05
  done
  ((i < 100)) || die "redis: the server did not answer on $sock (see $dir/redis.log)"
  start=$(date +%s.%N)
  redis-benchmark -s "$sock" -n "$redis_requests" -c 20 -P 16 -r 200000 -d 256 -q -t "$redis_tests" \
    >"$dir/redis.out" 2>&1 || die "redis: redis-benchmark failed"
  end=$(date +%s.%N)
  [[ "$(redis-cli -s "$sock" dbsize)" -gt 1000 ]] || die "redis: the benchmark left no keys"
  rss=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
  redis-cli -s "$sock" shutdown nosave >/dev/null 2>&1 || true
  wait "$pid" || die "redis: the server exited with status $?"
  trap - EXIT
  awk -v s="$start" -v e="$end" -v r="$rss" 'BEGIN { printf "%.4f %s\n", e - s, r }' >"$dir/redis.time"
  report redis "$((redis_requests * $(tr , "\n" <<<"$redis_tests" | wc -l)))" "$dir/redis.time"  # per test
}

case "${1:-}" in
  list) echo "${names[*]}" ;;
  prepare) [[ $# -eq 2 ]] || { usage >&2; exit 2; }; prepare "$2" ;;
  run)
    [[ $# -eq 4 ]] || { echo "real.sh: error: run needs NAME WORKDIR PRELOAD" >&2; usage >&2; exit 2; }
    [[ " ${names[*]} " == *" $2 "* ]] || { echo "real.sh: error: unknown program '$2'" >&2; usage >&2; exit 2; }
    [[ -d "$3" ]] || die "no work directory $3 (run prepare first)"
    "run_$2" "$3" "$4"
    ;;
  -h|--help) usage ;;
  *) echo "real.sh: error: expected list, prepare or run" >&2; usage >&2; exit 2 ;;
esac
