#!/usr/bin/env bash
# Real programs on the allocator under test: runs python3, sqlite3, git, g++ and redis once
# plainly and once under LD_PRELOAD=<lib>, and compares what they compute (never timings).
# Prints one PASS/FAIL/SKIP line per program; exits 1 on any mismatch or crash, 2 on bad usage.
#
#   ci/preload_check.sh [path/to/libhakmem.so]     (default build/release/lib/libhakmem.so)
#
# Any malloc-replacing library works (e.g. libmimalloc.so.2), which is how this script itself
# is checked. Redis listens on a unix socket in the work directory only, without persistence.
# The work_* functions are called indirectly (run_one passes "work_$name" to bash -c by name),
# which shellcheck cannot see: it would call all of their commands unreachable.
# shellcheck disable=SC2317
case ${1:-} in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0 ;; esac  # the header above
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lib="${1:-$root/build/release/lib/libhakmem.so}"
if [[ $# -gt 1 || "$lib" == -* ]]; then
  echo "usage: $0 [path/to/malloc-library.so]" >&2
  exit 2
fi
if [[ ! -f "$lib" ]]; then
  echo "$0: error: $lib does not exist (build it: cmake --build build/release --target hakmem_shared)" >&2
  exit 2
fi
lib="$(cd "$(dirname "$lib")" && pwd)/$(basename "$lib")"

work="$(mktemp -d)"
# PRELOAD_CHECK_KEEP=1 keeps the outputs for a look after a failure.
if [[ "${PRELOAD_CHECK_KEEP:-0}" == 1 ]]; then echo "outputs kept in $work"; else trap 'rm -rf "$work"' EXIT; fi
failures=0

# ---- the workloads: each prints only what it computes, deterministically ---------------------

work_python3() {
  PYTHONMALLOC=malloc PYTHONHASHSEED=0 python3 - <<'PY'
import hashlib, json, random
from concurrent.futures import ThreadPoolExecutor
rng = random.Random(1234)
d = {f"key{i}": [rng.random() for _ in range(i % 17)] for i in range(60000)}
words = ["".join(rng.choice("abcdefghij") for _ in range(rng.randint(1, 40))) for _ in range(50000)]
counts = {}
for w in words:
    counts[w[:3]] = counts.get(w[:3], 0) + 1
text = json.dumps({"d": d, "counts": counts}, sort_keys=True)
back = json.loads(text)
big = " ".join(sorted(words)) * 3
print(len(d), sum(len(v) for v in d.values()), len(counts), back == {"d": d, "counts": counts})
print(hashlib.sha256(text.encode()).hexdigest(), hashlib.sha256(big.encode()).hexdigest())
print(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5])
# Objects made on worker threads and freed on the main thread (cross-thread frees).
def work(seed):
    r = random.Random(seed)
    return {str(i): "x" * r.randint(1, 3000) for i in range(3000)}
with ThreadPoolExecutor(max_workers=4) as pool:
    parts = list(pool.map(work, range(16)))
print(sum(len(v) for p in parts for v in p.values()))
del parts
PY
}

work_sqlite3() {
  sqlite3 :memory: <<'SQL'
CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, grp INTEGER, payload BLOB);
WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 5000)
INSERT INTO t SELECT x, printf('row-%05d', x), x % 37, zeroblob(x % 700) FROM n;
CREATE INDEX t_grp ON t(grp, name);
UPDATE t SET name = upper(name) WHERE grp = 5;
DELETE FROM t WHERE id % 11 = 0;
SELECT count(*), sum(id), sum(length(payload)), max(name) FROM t;
SELECT grp, count(*), group_concat(id) FROM (SELECT * FROM t ORDER BY id) GROUP BY grp ORDER BY grp;
SELECT id, name FROM t WHERE grp IN (3, 5) ORDER BY name DESC LIMIT 2000;
SQL
}

work_git() {
  local repo="$work/repo.$1"
  rm -rf "$repo" && mkdir -p "$repo" && cd "$repo" || return 1
  export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
  export GIT_AUTHOR_NAME=ci GIT_AUTHOR_EMAIL=ci@example.invalid
  export GIT_COMMITTER_NAME=ci GIT_COMMITTER_EMAIL=ci@example.invalid
  git init -q -b main .
  for i in $(seq 1 20); do
    export GIT_AUTHOR_DATE="2024-01-01T00:00:$((10 + i))Z" GIT_COMMITTER_DATE="2024-01-01T00:00:$((10 + i))Z"
    seq "$i" $((i * 500)) >"file$((i % 5)).txt"
    printf 'commit %d\n' "$i" >>log.txt
    git add -A && git commit -q -m "change $i"
  done
  git log --format='%H %an %ad %s' --date=iso-strict
  git diff --stat HEAD~10 HEAD
  git fsck --strict 2>&1 && git count-objects | cut -d' ' -f1
}

work_gxx() {
  local dir="$work/gxx.$1"
  mkdir -p "$dir"
  cat >"$dir/prog.cpp" <<'CPP'
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>
int main() {
  std::map<std::string, std::vector<int>> m;
  for (int i = 0; i < 200000; ++i) m["k" + std::to_string(i % 997)].push_back(i);
  std::vector<std::unique_ptr<std::string>> v;
  for (int i = 0; i < 100000; ++i) v.push_back(std::make_unique<std::string>(i % 300, 'x'));
  std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a->size() < b->size(); });
  long sum = 0;
  for (auto& [k, vals] : m) sum += static_cast<long>(vals.size()) * static_cast<long>(k.size());
  std::printf("%zu %ld %zu\n", m.size(), sum, v.back()->size());
}
CPP
  g++ -std=c++17 -O2 -Wall -o "$dir/prog" "$dir/prog.cpp" && "$dir/prog"
}

# redis: server, checks with redis-cli and a short redis-benchmark, over a unix socket in $work.
# Not TCP: a random port in the ephemeral range (32768-60999) can be some connection's local port,
# so the server failed to bind ("Address already in use") and redis-benchmark, connecting to the
# port, hit TCP self-connect and spun until the 300 s timeout (seen in a fresh-clone gate).
work_redis() {
  local pid i cli sock="$work/redis.$1.sock"
  redis-server --port 0 --unixsocket "$sock" --save '' --appendonly no --daemonize no \
    --dir "$work" --logfile "$work/redis.$1.log" &
  pid=$!
  trap 'kill "$pid" 2>/dev/null' EXIT
  trap 'exit 1' TERM  # a timeout still stops the server (through the EXIT trap)
  cli=(redis-cli -s "$sock")
  for ((i = 0; i < 100; i++)); do
    [[ "$("${cli[@]}" ping 2>/dev/null)" == PONG ]] && break
    sleep 0.1
  done
  if [[ "$("${cli[@]}" ping 2>/dev/null)" != PONG ]]; then  # a clear failure now, not a hang later
    echo "redis-server did not answer PING in 10 s; its log:"
    tail -n 5 "$work/redis.$1.log"
    return 1
  fi
  "${cli[@]}" set greeting hello
  "${cli[@]}" get greeting
  "${cli[@]}" set big "$(head -c 100000 /dev/zero | tr '\0' 'z')" >/dev/null
  "${cli[@]}" strlen big
  for i in $(seq 1 50); do "${cli[@]}" rpush list "item-$i" >/dev/null; done
  "${cli[@]}" lrange list 10 14
  "${cli[@]}" incrby counter 41 && "${cli[@]}" incr counter
  # Timings vary run to run: keep the test names, drop the numbers.
  redis-benchmark -s "$sock" -q -n 20000 -c 10 -t set,get,incr,lpush,lpop,hset 2>&1 |
    tr '\r' '\n' | sed -n 's/^\([A-Z_]*\).*requests per second.*/\1: ok/p'
  "${cli[@]}" get greeting
  "${cli[@]}" del big list
  "${cli[@]}" shutdown nosave >/dev/null 2>&1
  wait "$pid"
  echo "redis-server exit $?"
  trap - EXIT
}

# ---- the comparison ---------------------------------------------------------------------------

# run_one NAME MODE: runs work_NAME, plain or preloaded, output and exit status to files.
run_one() {
  local name="$1" mode="$2" preload=""
  [[ "$mode" == preload ]] && preload="$lib"
  (cd "$work" && LD_PRELOAD="$preload" timeout 300 bash -c "$(declare -f "work_$name"); work=$work; work_$name $mode") \
    >"$work/$name.$mode.out" 2>"$work/$name.$mode.err"
  echo "exit $?" >>"$work/$name.$mode.out"
}

check() {
  local name="$1" tool="$2"
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP $tool (not installed)"
    return
  fi
  run_one "$name" plain
  run_one "$name" preload
  local why=""
  if ! cmp -s "$work/$name.plain.out" "$work/$name.preload.out"; then
    why="output differs"
  elif grep -qE 'ld\.so|hakmem:' "$work/$name.preload.err"; then
    why="preload diagnostics on stderr"
  elif [[ "$(tail -n1 "$work/$name.plain.out")" != "exit 0" ]]; then
    why="fails even without the preload"
  fi
  if [[ -z "$why" ]]; then
    echo "PASS $tool ($(wc -l <"$work/$name.plain.out") lines identical)"
    return
  fi
  echo "FAIL $tool: $why"
  diff -u "$work/$name.plain.out" "$work/$name.preload.out" | head -n 20 | sed 's/^/    /'
  tail -n 5 "$work/$name.preload.err" | sed 's/^/    stderr: /'
  failures=$((failures + 1))
}

# The library must really load, or every comparison below would trivially pass.
if ! LD_PRELOAD="$lib" bash -c 'grep -qF "$0" /proc/$$/maps' "$lib" 2>"$work/load.err"; then
  echo "FAIL load: $lib is not mapped under LD_PRELOAD"
  sed 's/^/    /' "$work/load.err"
  exit 1
fi
echo "preload_check: LD_PRELOAD=$lib"

check python3 python3
check sqlite3 sqlite3
check git git
check gxx g++
check redis redis-server

exit $((failures > 0))
