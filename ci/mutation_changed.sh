#!/usr/bin/env bash
# Mutation testing of a change: only the mutants on core-header lines that `git diff REF`
# touches (ci/mutation/run_mutants.py --changed-since REF), in the mutation preset's build.
#
#   ci/mutation_changed.sh [REF] [run_mutants.py options...]    (REF default: origin/main, else main)
#
# Configures and builds the `mutation` preset's unit tests first (nice, -j2), then runs the
# selected mutants. Exit status: the runner's (0 when it ran; the survivors are in its output).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case ${1:-} in
  -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
ref=${1:-}
if [ -z "$ref" ]; then
  ref=main
  git -C "$ROOT" rev-parse -q --verify origin/main >/dev/null && ref=origin/main
else
  shift
fi
cd "$ROOT"
nice -n 10 cmake --preset mutation >/dev/null
nice -n 10 cmake --build build/mutation --target hakmem_unit_tests hakmem_c_api_tests -j2
exec /usr/bin/python3 ci/mutation/run_mutants.py --build-dir build/mutation --changed-since "$ref" "$@"
