#!/usr/bin/env bash
# Runs one exhaustive exploration (interleave-replay --strategy exhaustive) as N shard processes
# at once and merges their counts; or merges the lines shard jobs saved elsewhere (CI matrix).
#
#   ci/exhaustive_shards.sh [--check] REPLAY TEST N [ARGS...]
#   ci/exhaustive_shards.sh --merge FILE...
#
# REPLAY is the interleave-replay binary, TEST a scenario, ARGS extra interleave-replay
# arguments for every shard (e.g. --shard-depth 4). Each shard prints one line
#   exhaustive: E executions, F failures, complete (...) [... shard I/N]
# and this prints their sum: "exhaustive (N shards): E executions, F failures, complete", or
# "not complete" when a shard was stopped or failed.
# --check also runs TEST unsharded and fails unless the shards' executions add up to its count
# (the shards are disjoint and cover the tree).
# --merge sums lines saved in FILEs (one shard's output each).
# Every process runs with address randomisation off (setarch -R, when the system allows it):
# the remote inbox hashes block addresses to ways, so the tree of a scenario that reaches it
# depends on where its memory lies, and shards must agree on the tree to split it.
# Exit status: 0 complete with no failure (and, with --check, counts agree), 1 otherwise,
# 2 on usage errors.
case ${1:-} in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0 ;; esac  # the header above
set -euo pipefail

# merge FILE...: sums the exhaustive lines; prints the total; returns 1 unless all complete.
merge() {
  local total=0 failures=0 shards=0 complete=1 f line e fl
  for f in "$@"; do
    line=$(grep -m1 '^exhaustive: ' "$f" || true)
    if [ -z "$line" ]; then
      echo "exhaustive_shards: $f has no 'exhaustive:' line" >&2
      complete=0
      continue
    fi
    echo "  $line"
    e=$(sed -E 's/^exhaustive: ([0-9]+) executions.*/\1/' <<<"$line")
    fl=$(sed -E 's/^exhaustive: [0-9]+ executions, ([0-9]+) failure.*/\1/' <<<"$line")
    total=$((total + e))
    failures=$((failures + fl))
    shards=$((shards + 1))
    grep -q ' failures\{0,1\}, complete ' <<<"$line" || complete=0
  done
  if [ "$complete" = 1 ] && [ "$failures" = 0 ]; then
    echo "exhaustive ($shards shards): $total executions, $failures failures, complete"
  else
    echo "exhaustive ($shards shards): $total executions, $failures failures, not complete"
  fi
  merged_total=$total
  [ "$complete" = 1 ] && [ "$failures" = 0 ]
}

if [ "${1:-}" = --merge ]; then
  shift
  [ $# -ge 1 ] || { echo "usage: $0 --merge FILE..." >&2; exit 2; }
  merge "$@" || exit 1
  exit 0
fi

check=0
if [ "${1:-}" = --check ]; then check=1; shift; fi
[ $# -ge 3 ] || { echo "usage: $0 [--check] REPLAY TEST N [ARGS...] | --merge FILE..." >&2; exit 2; }
replay=$1 test=$2 n=$3
shift 3
case $n in '' | *[!0-9]* | 0) echo "exhaustive_shards: N must be a positive number" >&2; exit 2 ;; esac

norand=()
if setarch "$(uname -m)" -R true 2>/dev/null; then
  norand=(setarch "$(uname -m)" -R)
else
  echo "exhaustive_shards: setarch -R refused: address-dependent trees may differ between shards" >&2
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
pids=()
for ((i = 0; i < n; i++)); do
  "${norand[@]}" "$replay" --test "$test" --explore --strategy exhaustive --shard "$i/$n" "$@" >"$dir/shard.$i" 2>&1 &
  pids+=("$!")
done
for pid in "${pids[@]}"; do wait "$pid" || true; done  # a shard's status shows in its line
files=()
for ((i = 0; i < n; i++)); do files+=("$dir/shard.$i"); done
status=0
merge "${files[@]}" || status=1
if [ "$check" = 1 ]; then
  # The reference run gets the same arguments except the quirks that only act on shards.
  "${norand[@]}" "$replay" --test "$test" --explore --strategy exhaustive "$@" >"$dir/whole" 2>&1 || true
  whole=$(sed -nE 's/^exhaustive: ([0-9]+) executions, 0 failures, complete.*/\1/p' "$dir/whole")
  if [ -z "$whole" ]; then
    echo "exhaustive_shards: the unsharded run did not complete:" >&2
    cat "$dir/whole" >&2
    status=1
  elif [ "$whole" != "$merged_total" ]; then
    echo "exhaustive_shards: shards add up to $merged_total executions, the unsharded run has $whole" >&2
    status=1
  else
    echo "exhaustive_shards: shards add up to the unsharded count ($whole)"
  fi
fi
exit "$status"
