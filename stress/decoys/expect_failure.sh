#!/bin/sh
# usage: expect_failure.sh TEXT DECOY.so COMMAND...
#
# A fuzz target or property test in system mode (HAKMEM_FUZZ_TARGET=system,
# HAKMEM_PROPERTY_TARGET=system) against a decoy malloc loaded with LD_PRELOAD: caught for the
# right reason only when COMMAND exits 1 (an input or property failed; not a crash or a usage
# error) and its output contains TEXT, the check the decoy's defect breaks. As
# expect_violation.sh: exits 1 when caught (ctest WILL_FAIL: Passed), 0 otherwise.
set -u
text=$1
decoy=$2
shift 2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
LD_PRELOAD="$decoy" "$@" >"$out" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && grep -qF "$text" "$out"; then
  grep -m1 -F "$text" "$out"
  echo "decoy caught: $(basename "$decoy") -> $text, exit 1"
  exit 1
fi
tail -n 20 "$out"
echo "DECOY NOT CAUGHT (for the right reason): $(basename "$decoy") exit status $rc, no \"$text\""
exit 0
