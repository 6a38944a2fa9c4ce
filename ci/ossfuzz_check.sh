#!/usr/bin/env bash
# Proves .clusterfuzzlite/build.sh the way OSS-Fuzz and ClusterFuzzLite run it, without Docker:
# for each sanitizer (address, then undefined) it lays out $SRC as their image does ($SRC/build.sh
# and the checkout in $SRC/hakmem-torture; $SRC/build.sh is ClusterFuzzLite's copy of
# .clusterfuzzlite/build.sh for address, the OSS-Fuzz project's .clusterfuzzlite/oss-fuzz-project/
# build.sh, which runs it, for undefined), runs $SRC/build.sh in a clean environment with only the
# build contract set (clang, OSS-Fuzz's flags plus -fsanitize=fuzzer-no-link,
# LIB_FUZZING_ENGINE=-fsanitize=fuzzer, a temporary $OUT and $WORK), checks that every
# fuzz/<name>_fuzzer.cpp produced <name>_fuzzer with its seed corpus zip (as many inputs as
# fuzz/corpus/<name>/), .dict and .options, then runs each fuzzer with its .options for RUNS
# executions over its unpacked seed corpus. Exit 0 only when all of that held.
#
#   ci/ossfuzz_check.sh [-n RUNS] [-s address|undefined] [-k]    (RUNS default 4000; -k keeps
#                                                                the temporary tree)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
runs=4000 sanitizers=(address undefined) keep=0
while (($#)); do
  case $1 in
    -n) runs=$2; shift 2 ;;
    -s) sanitizers=("$2"); shift 2 ;;
    -k) keep=1; shift ;;
    -h|--help) sed -n 2,15p "$0"; exit 0 ;;
    *) echo "ossfuzz_check: unknown argument $1" >&2; exit 2 ;;
  esac
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ossfuzz-check.XXXXXX")
if ((keep)); then echo "ossfuzz_check: keeping $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi

# OSS-Fuzz's compile flags (base-builder's environment for libFuzzer builds).
base_flags="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
ubsan_checks=array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unreachable,vla-bound,vptr
declare -A entry=(
  [address]=.clusterfuzzlite/build.sh
  [undefined]=.clusterfuzzlite/oss-fuzz-project/build.sh
)
declare -A san_flags=(
  [address]="-fsanitize=address -fsanitize-address-use-after-scope"
  [undefined]="-fsanitize=$ubsan_checks,unsigned-integer-overflow -fno-sanitize-recover=$ubsan_checks"
)
# Runtime options as ClusterFuzz's (and ci/fuzz_campaign.sh's): halt on the first report.
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:allocator_may_return_null=1:symbolize=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:silence_unsigned_overflow=1

expected=()
for f in "$ROOT"/fuzz/*_fuzzer.cpp; do expected+=("$(basename "$f" .cpp)"); done

# libFuzzer flags from the [libfuzzer] section of an .options file ("key = value" lines).
options_flags() {
  [ -f "$1" ] || return 0
  awk '/^\[/ { s = ($0 == "[libfuzzer]") ; next }
       s && /=/ && !/^[#;]/ { split($0, kv, "="); gsub(/ /, "", kv[1]); gsub(/ /, "", kv[2]);
                              printf "-%s=%s\n", kv[1], kv[2] }' "$1"
}

failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
for san in "${sanitizers[@]}"; do
  [ -n "${san_flags[$san]:-}" ] || { echo "ossfuzz_check: sanitizer must be address or undefined" >&2; exit 2; }
  d=$tmp/$san
  mkdir -p "$d/src" "$d/work" "$d/out" "$d/corpus"
  ln -s "$ROOT" "$d/src/hakmem-torture"
  cp "$ROOT/${entry[$san]}" "$d/src/build.sh"
  flags="$base_flags ${san_flags[$san]} -fsanitize=fuzzer-no-link"
  echo "== $san: \$SRC/build.sh = ${entry[$san]} (log: $d/build.log)"
  t0=$(date +%s)
  # Only the contract (plus PATH, HOME and ccache's settings): build.sh must need nothing else.
  if ! (cd "$d/src/hakmem-torture" &&
        env -i PATH="$PATH" HOME="${HOME:-/root}" ${CCACHE_DIR:+CCACHE_DIR="$CCACHE_DIR"} \
          CCACHE_BASEDIR="$ROOT" CCACHE_NOHASHDIR=true HAKMEM_BUILD_JOBS="${JOBS:-2}" \
          SRC="$d/src" WORK="$d/work" OUT="$d/out" SANITIZER="$san" FUZZING_ENGINE=libfuzzer \
          ARCHITECTURE=x86_64 CC=clang CXX=clang++ CFLAGS="$flags" CXXFLAGS="$flags" \
          LIB_FUZZING_ENGINE=-fsanitize=fuzzer \
          bash -eu "$d/src/build.sh") >"$d/build.log" 2>&1; then
    tail -n 30 "$d/build.log"
    fail "$san: build.sh failed"
    continue
  fi
  echo "   built in $(( $(date +%s) - t0 ))s: $(tail -n 1 "$d/build.log")"
  for t in "${expected[@]}"; do
    name=${t%_fuzzer}
    bin=$d/out/$t
    [ -x "$bin" ] || { fail "$san/$t: no executable in \$OUT"; continue; }
    [ -f "$d/out/$t.dict" ] || fail "$san/$t: no $t.dict in \$OUT"
    [ -f "$d/out/$t.options" ] || fail "$san/$t: no $t.options in \$OUT"
    [ -f "$d/out/${t}_seed_corpus.zip" ] || { fail "$san/$t: no ${t}_seed_corpus.zip in \$OUT"; continue; }
    corpus=$d/corpus/$t
    mkdir -p "$corpus"
    python3 -m zipfile -e "$d/out/${t}_seed_corpus.zip" "$corpus"
    have=$(find "$corpus" -type f | wc -l)
    want=$(find "$ROOT/fuzz/corpus/$name" -type f | wc -l)
    [ "$have" -eq "$want" ] || fail "$san/$t: seed corpus zip has $have inputs, fuzz/corpus/$name has $want"
    mapfile -t opts < <(options_flags "$d/out/$t.options")
    log=$d/$t.log
    t1=$(date +%s)
    if "$bin" "${opts[@]}" -dict="$d/out/$t.dict" -runs="$runs" -seed=1 -artifact_prefix="$d/$t-" \
         "$corpus" >"$log" 2>&1 && grep -q '^Done [0-9]* runs' "$log"; then
      printf '   %-20s %s, %s inputs in the seed corpus, %ss, %s\n' "$t" \
        "$(grep -o '^Done [0-9]* runs' "$log" | tail -n 1)" "$want" "$(( $(date +%s) - t1 ))" \
        "$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1)"
    else
      grep -m 3 -E 'FUZZ FAILURE|ERROR|runtime error' "$log" | sed 's/^/      /' || true
      fail "$san/$t: fuzzing over the seed corpus failed (log: $log)"
    fi
  done
done
total=$(( ${#sanitizers[@]} * ${#expected[@]} ))
if ((failures)); then
  echo "ossfuzz_check: $failures failure(s) (${#expected[@]} targets x ${#sanitizers[@]} sanitizers)"
  ((keep)) || echo "ossfuzz_check: rerun with -k to keep the logs"
  exit 1
fi
echo "ossfuzz_check: $total fuzzer builds passed (${#expected[@]} targets x ${#sanitizers[@]} sanitizers, $runs runs each)"
