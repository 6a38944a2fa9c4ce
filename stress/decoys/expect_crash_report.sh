#!/bin/sh
# usage: expect_crash_report.sh DECOY.so COMMAND...
#
# Runs COMMAND (hakmem-stress against a decoy that crashes in free) and passes only if the
# process died of SIGSEGV *and* the tool's crash reporter printed the line that says where:
# the fault address, the thread and its step, the workload and the replay command.
set -u
decoy=$1
shift
out=$(mktemp)
trap 'rm -f "$out"' EXIT
LD_PRELOAD="$decoy" "$@" >"$out" 2>&1
rc=$?
want='CRASH \[SIGSEGV\] at address 0x40 in thread [0-9]+ at its step [0-9]+ \| workload=[a-z-]+ target=system seed=[0-9]+ \(replay: hakmem-stress --workload='
if [ "$rc" -eq 139 ] && grep -qE "$want" "$out"; then
  grep -m1 -E "$want" "$out"
  echo "crash reported: exit $rc"
  exit 0
fi
tail -n 20 "$out"
echo "CRASH NOT REPORTED: exit status $rc (want 139, SIGSEGV) and a line matching: $want"
exit 1
