#!/bin/sh
# usage: expect_violation.sh TAG DECOY.so|- COMMAND...
#
# Runs COMMAND (hakmem-stress --target=system ...) with LD_PRELOAD=DECOY.so (or, for "-", as is:
# the defect is then in COMMAND itself, e.g. hakmem-stress --leak-every) and decides whether
# the suite caught the decoy *for the right reason*: the command must exit 1 (violations found;
# not a crash, a signal, a usage error or a hang) and print "VIOLATION [TAG]", the check the
# decoy's defect breaks. Anything else means the decoy got away, or failed in a way that
# proves nothing.
#
# ctest registers decoy tests as WILL_FAIL, so the exit status is inverted: this script exits 1
# when the decoy was caught (ctest: Passed) and 0 when it was not (ctest: Failed).
set -u
tag=$1
decoy=$2
shift 2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
start=$(date +%s.%N)
if [ "$decoy" = "-" ]; then
  name="the run"
  "$@" >"$out" 2>&1
else
  name=$(basename "$decoy")
  LD_PRELOAD="$decoy" "$@" >"$out" 2>&1
fi
rc=$?
secs=$(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo "?")
if [ "$rc" -eq 1 ] && grep -qF "VIOLATION [$tag]" "$out"; then
  grep -m1 -F "VIOLATION [$tag]" "$out"
  echo "decoy caught: $name -> [$tag], exit 1, ${secs}s"
  exit 1
fi
tail -n 30 "$out"
if [ "$rc" -eq 1 ]; then
  echo "DECOY NOT CAUGHT FOR THE RIGHT REASON: $name exited 1 but never reported [$tag]"
elif [ "$rc" -eq 0 ]; then
  echo "DECOY NOT CAUGHT: $name passed every check"
else
  echo "DECOY RUN BROKE: $name exit status $rc (crash/signal/usage), which proves nothing"
fi
exit 0
