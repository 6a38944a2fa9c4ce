#!/usr/bin/env bash
# ci/blackbox.sh [-n RUNS] [-s SECONDS] [--waive-known] [ALLOCATOR...]: hakmem-stress
# --target=system against Debian's allocators under LD_PRELOAD, RUNS runs each (fresh seeds),
# and one table of what each allocator was reported for. ALLOCATOR: glibc jemalloc tcmalloc
# mimalloc (default: all four).
#
# Every report is either a real deviation of that allocator (listed, with the package version,
# in stress/known_deviations.txt and stress/README.md) or a bug of the suite. --waive-known
# waives the listed checks for an allocator whose installed version matches the list: they are
# then printed as WAIVED and counted apart, and anything else still fails the run.
# Exit status: 0 when no run has an unwaived report, 1 otherwise, 2 on bad arguments.
set -u
cd "$(dirname "$0")/.." || exit 2

runs=20
seconds=1
waive_known=false
allocators=()
while [ $# -gt 0 ]; do
  case "$1" in
    -n) runs=${2:?-n needs a number}; shift 2 ;;
    -s) seconds=${2:?-s needs seconds}; shift 2 ;;
    --waive-known) waive_known=true; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    glibc|jemalloc|tcmalloc|mimalloc) allocators+=("$1"); shift ;;
    *) echo "blackbox: unknown argument '$1' (expected -n N, -s S, --waive-known, glibc|jemalloc|tcmalloc|mimalloc)" >&2; exit 2 ;;
  esac
done
case "$runs" in ''|*[!0-9]*|0) echo "blackbox: -n wants a positive number, got '$runs'" >&2; exit 2 ;; esac
[ ${#allocators[@]} -eq 0 ] && allocators=(glibc jemalloc tcmalloc mimalloc)

stress=${STRESS_BIN:-build/release/bin/hakmem-stress}
[ -x "$stress" ] || { echo "blackbox: $stress not built (cmake --preset release && cmake --build build/release --target hakmem-stress)" >&2; exit 2; }
libdir=/usr/lib/x86_64-linux-gnu
declare -A lib=([glibc]="" [jemalloc]=$libdir/libjemalloc.so.2 [tcmalloc]=$libdir/libtcmalloc_minimal.so.4
                [mimalloc]=$libdir/libmimalloc.so.2)
declare -A pkg=([glibc]=libc6 [jemalloc]=libjemalloc2 [tcmalloc]=libtcmalloc-minimal4 [mimalloc]=libmimalloc2.0)
logdir=build/blackbox
mkdir -p "$logdir"

# The tags stress/known_deviations.txt lists for this allocator at this package version.
known_tags() {
  awk -v a="$1" -v v="$2" '!/^#/ && NF >= 4 && $1 == a && $3 == v { print $4 }' stress/known_deviations.txt |
    sort -u | paste -sd,
}

printf '%-9s %-16s %5s %7s %7s  %s\n' allocator version runs failed crashed "reports by check (WAIVED ones apart)"
bad=0
for a in "${allocators[@]}"; do
  version=$(dpkg-query -W -f='${Version}' "${pkg[$a]}" 2>/dev/null || echo "?")
  if [ -n "${lib[$a]}" ] && [ ! -f "${lib[$a]}" ]; then
    echo "blackbox: ${lib[$a]} missing (bash ci/setup.sh installs ${pkg[$a]})" >&2; exit 2
  fi
  waive=()
  if $waive_known; then
    tags=$(known_tags "$a" "$version")
    [ -n "$tags" ] && waive=(--waive="$tags")
  fi
  failed=0 crashed=0
  for ((i = 1; i <= runs; i++)); do
    out=$logdir/$a.$i.log
    LD_PRELOAD=${lib[$a]} timeout 600 "$stress" --target=system --seconds="$seconds" --progress=0 \
      --keep-going "${waive[@]}" >"$out" 2>&1
    rc=$?
    [ "$rc" -ne 0 ] && failed=$((failed + 1))
    [ "$rc" -gt 2 ] && crashed=$((crashed + 1))
  done
  reports=$(cat "$logdir/$a".*.log | sed -nE 's/^(VIOLATION|WAIVED \(--waive; not a failure\)) \[([a-z0-9-]+)\].*/\1 \2/p' |
    sed -E 's/^WAIVED.* /WAIVED:/; s/^VIOLATION //' | sort | uniq -c | awk '{printf "%s%s x%d", (NR>1?", ":""), $2, $1}')
  printf '%-9s %-16s %5d %7d %7d  %s\n' "$a" "$version" "$runs" "$failed" "$crashed" "${reports:-none}"
  [ "$failed" -ne 0 ] && bad=1
done
echo "logs: $logdir/<allocator>.<run>.log (each names its seed and replay command)"
exit $bad
