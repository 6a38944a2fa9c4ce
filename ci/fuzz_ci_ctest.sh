#!/usr/bin/env bash
# Configure, build and test one CMake preset with a chosen compiler, writing ctest's JUnit XML
# (what the per-push CI matrix runs; works the same locally).
#
#   ci/fuzz_ci_ctest.sh PRESET gcc|clang [JUNIT_FILE]
# e.g. ci/fuzz_ci_ctest.sh asan-ubsan gcc build/junit.xml
case ${1:-} in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0 ;; esac  # the header above
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
preset=${1:?preset (release, clang-release, asan-ubsan, tsan, fuzz, ...)} compiler=${2:-default}
junit=${3:-$ROOT/build/junit-$preset-$compiler.xml}
dir="$ROOT/build/ci-$preset-$compiler"
args=(--preset "$preset" -B "$dir")
case $compiler in
  gcc) args+=(-DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++) ;;
  clang) args+=(-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++) ;;
  default) ;;
  *) echo "fuzz_ci_ctest: compiler must be gcc, clang or default" >&2; exit 2 ;;
esac
echo "ci: preset $preset, compiler $compiler, build dir $dir"
cmake -S "$ROOT" "${args[@]}"
cmake --build "$dir" -j"${JOBS:-2}"
mkdir -p "$(dirname "$junit")"
cd "$dir"
# The test presets' environments (sanitizer options) apply only through --preset; set them here.
case $preset in
  asan-ubsan|fuzz) export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ;;
  tsan) export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 ;;
esac
ctest --output-on-failure --no-tests=error --timeout 600 -j"${JOBS:-2}" --output-junit "$junit"
