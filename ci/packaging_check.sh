#!/usr/bin/env bash
# ci/packaging_check.sh [--build-dir DIR] [--contents-only] [--expected DIR]: installs hakmem
# as a user would and uses what was installed; prints each check and exits 1 on the first
# failure (the package-contents check reports every difference first).
#
#   1. cmake --install into a scratch prefix and cpack -G DEB (libhakmem0, libhakmem-dev,
#      hakmem-torture): the installed files and each package's (dpkg-deb -c) are exactly the
#      lists in ci/packaging/expected/ (no test library, no decoy); the Depends fields; the
#      SONAME; each tool answers --help. (--contents-only stops here: the decoy test uses it.)
#   2. ci/packaging/consumer/ (a C program on libhakmem.so, a C++ program on libhakmem.a) built
#      with find_package(hakmem CONFIG) and with pkg-config, and run; a version request the
#      package is not compatible with must fail; LD_PRELOAD of the library into ordinary
#      programs (cat, sort) and a short installed hakmem-stress --target=system run.
#   3. dpkg -i of the three (root only), the consumers again against /usr, dpkg -P (-r would
#      leave libhakmem0 as config-files). A trap purges them on any failure, so the machine is
#      left as it was.
#
# --build-dir DIR  an already built release tree (ctest passes its own); default: configure and
#                  build the release preset into build/release
# --expected DIR   the lists to compare with (default ci/packaging/expected)
# Needs cmake, a C and C++ compiler, pkg-config, dpkg-deb, dpkg-shlibdeps (ci/setup.sh).
# Exit status: 0 all checks passed, 1 a check failed, 2 bad arguments.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; }
build="" contents_only=0 expected=$ROOT/ci/packaging/expected
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build=${2:?--build-dir needs a directory}; shift 2 ;;
    --expected) expected=${2:?--expected needs a directory}; shift 2 ;;
    --contents-only) contents_only=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "packaging_check: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
packages=(libhakmem0 libhakmem-dev hakmem-torture)

say() { echo "packaging_check: $*"; }
die() { say "FAILED: $*"; exit 1; }
# check WHAT CMD...: runs CMD quietly; prints "ok" or its output and fails.
check() {
  local what=$1 out
  shift
  if out=$("$@" 2>&1); then say "ok: $what"; else printf '%s\n' "$out" | tail -n 30; die "$what"; fi
}

if [ -z "$build" ]; then
  say "configuring and building the release preset"
  (cd "$ROOT" && cmake --preset release >/dev/null && nice -n 10 cmake --build --preset release -j2) ||
    die "release build"
  build=$ROOT/build/release
fi
build=$(cd "$build" && pwd)
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
[ -n "$version" ] || die "no CMAKE_PROJECT_VERSION in $build/CMakeCache.txt"
arch=$(dpkg --print-architecture)
say "build tree $build, version $version, expected lists $expected"

tmp=$(mktemp -d)
installed=0
cleanup() {
  if [ "$installed" = 1 ]; then
    say "removing the packages (dpkg -P ${packages[*]})"
    run_dpkg -P "${packages[@]}" >/dev/null || say "WARNING: dpkg -P failed, remove by hand: dpkg -P ${packages[*]}"
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# expected_files PKG...: the listed files (relative to the prefix) of the packages, sorted.
expected_files() {
  local p
  for p in "$@"; do
    [ -f "$expected/$p.txt" ] || die "no list $expected/$p.txt"
    sed -e 's/#.*//' -e '/^[[:space:]]*$/d' -e "s/@VERSION@/$version/g" "$expected/$p.txt"
  done | sort
}
# compare WHAT EXPECTED ACTUAL: prints every missing and unexpected file; returns 1 on any.
compare() {
  local what=$1 missing unexpected
  missing=$(comm -23 <(printf '%s\n' "$2") <(printf '%s\n' "$3"))
  unexpected=$(comm -13 <(printf '%s\n' "$2") <(printf '%s\n' "$3"))
  [ -z "$missing" ] && [ -z "$unexpected" ] && { say "ok: $what: $(wc -l <<<"$3") files as listed"; return 0; }
  local f
  for f in $missing; do say "$what: missing: $f"; done
  for f in $unexpected; do say "$what: unexpected: $f"; done
  return 1
}
# run_dpkg ARGS...: dpkg, waiting (up to 5 minutes) while another dpkg or apt holds its lock.
run_dpkg() {
  local i out
  for i in $(seq 60); do
    if out=$(dpkg "$@" 2>&1); then printf '%s\n' "$out"; return 0; fi
    grep -q 'lock' <<<"$out" || { printf '%s\n' "$out" >&2; return 1; }
    [ "$i" = 1 ] && say "dpkg is locked by another process, waiting"
    sleep 5
  done
  printf '%s\n' "$out" >&2
  return 1
}

consumer=$ROOT/ci/packaging/consumer
# in_env [-u VAR]... [VAR=VALUE]... -- CMD...: CMD (a program or one of the functions below) with
# that environment; check runs it in a subshell, so nothing leaks.
in_env() {
  while [ "$1" != -- ]; do
    case $1 in -u) unset "$2"; shift 2 ;; *) export "${1?}"; shift ;; esac
  done
  shift
  "$@"
}
# The checks' bodies.
configure_finds() {  # configure_finds DIR CMAKE-ARGS...: the consumer found hakmem in DIR
  local dir=$1 out
  shift
  out=$(cmake -S "$consumer" -G Ninja "$@" 2>&1) || { printf '%s\n' "$out"; return 1; }
  printf '%s\n' "$out"
  grep -q "consumer: hakmem $version from $dir\$" <<<"$out"
}
configure_refused() {  # ... and refused for its version, not for anything else
  local out
  out=$(cmake -S "$consumer" -G Ninja "$@" 2>&1) && { printf '%s\n' "$out"; return 1; }
  printf '%s\n' "$out"
  grep -q "hakmemConfig.cmake, version: $version" <<<"$out"
}
# pkg-config's output is a list of flags: split on purpose, as a user's command line does.
# shellcheck disable=SC2046
pc_build_c() { cc "$consumer/consumer.c" $(pkg-config --cflags --libs hakmem) -o "$1"; }
# shellcheck disable=SC2046
pc_build_cpp() {  # libhakmem.a by its path: -lhakmem would pick libhakmem.so
  c++ -std=c++17 "$consumer/consumer.cpp" $(pkg-config --cflags hakmem) \
    "$(pkg-config --variable=libdir hakmem)/libhakmem.a" -pthread -o "$1"
}
loads_from() {  # by the real path: with a merged /usr, ld.so may say /lib for /usr/lib
  local line
  line=$(ldd "$1" | grep 'libhakmem\.so\.0 => ') || { ldd "$1"; return 1; }
  echo "$line"
  line=${line#*=> }
  [ "$(realpath "${line%% (*}")" = "$(realpath "$2/libhakmem.so.0")" ]
}
no_libhakmem() { ! ldd "$1" | grep libhakmem; }
preloaded_into_cat() { env LD_PRELOAD="$1" cat /proc/self/maps | grep 'libhakmem\.so'; }
preloaded_sort() { cmp <(seq 200000 -1 1 | env LD_PRELOAD="$1" sort -n) <(seq 200000 -1 1 | sort -n); }
has_usage() { "$1" --help | grep -q '^usage: '; }
soname_is() { objdump -p "$1" | grep -E "SONAME +$2\$"; }
on_path_is() { [ "$(command -v "$1")" = "$2" ]; }
not_known() {  # not even config-files state: dpkg has never heard of them
  ! dpkg-query -W "$@" 2>/dev/null && [ ! -e /usr/lib/libhakmem.so.0 ]
}

# consumers WHERE PREFIX_PATH LIBDIR: builds and runs both consumers with find_package and with
# pkg-config. PREFIX_PATH empty: the default search (the packages in /usr).
consumers() {
  local where=$1 prefix_path=$2 libdir=$3 out=$tmp/consumer-$1 exe
  local -a cm_args=() env_run=(in_env -u LD_LIBRARY_PATH -u PKG_CONFIG_PATH)
  if [ -n "$prefix_path" ]; then
    cm_args=(-DCMAKE_PREFIX_PATH="$prefix_path")
    env_run+=(LD_LIBRARY_PATH="$libdir" PKG_CONFIG_PATH="$libdir/pkgconfig")
  fi
  env_run+=(--)
  mkdir -p "$out"
  check "$where: find_package(hakmem 0.1 CONFIG) finds $libdir/cmake/hakmem" \
    "${env_run[@]}" configure_finds "$libdir/cmake/hakmem" -B "$out/cmake" "${cm_args[@]}"
  check "$where: find_package build of consumer_c (hakmem::hakmem) and consumer_cpp (hakmem::hakmem_static)" \
    cmake --build "$out/cmake"
  check "$where: find_package(hakmem 0.2) is refused (SameMinorVersion)" \
    "${env_run[@]}" configure_refused -B "$out/cmake-0.2" "${cm_args[@]}" -DHAKMEM_WANT_VERSION=0.2
  check "$where: pkg-config build of consumer.c: cc consumer.c \$(pkg-config --cflags --libs hakmem)" \
    "${env_run[@]}" pc_build_c "$out/pc_consumer_c"
  check "$where: pkg-config build of consumer.cpp on libhakmem.a" \
    "${env_run[@]}" pc_build_cpp "$out/pc_consumer_cpp"
  cp "$out/cmake/consumer_c" "$out/cmake/consumer_cpp" "$out/"
  for exe in consumer_c pc_consumer_c; do
    check "$where: $exe loads $libdir/libhakmem.so.0" "${env_run[@]}" loads_from "$out/$exe" "$libdir"
  done
  for exe in consumer_cpp pc_consumer_cpp; do
    check "$where: $exe has libhakmem.a linked in (no libhakmem.so in ldd)" no_libhakmem "$out/$exe"
  done
  for exe in consumer_c consumer_cpp pc_consumer_c pc_consumer_cpp; do
    check "$where: run $exe" "${env_run[@]}" "$out/$exe"
  done
}

# preload_checks WHERE LIB: ordinary programs under LD_PRELOAD=LIB.
preload_checks() {
  check "$1: LD_PRELOAD=$2 cat /proc/self/maps: hakmem is mapped into cat" preloaded_into_cat "$2"
  check "$1: LD_PRELOAD=$2 sort: 200000 numbers, same output as without" preloaded_sort "$2"
}

# ---- 1. what is installed: a scratch prefix and the Debian packages --------------------------
prefix=$tmp/prefix
check "cmake --install $build --prefix <scratch>" cmake --install "$build" --prefix "$prefix"
bad=0
compare "scratch install" "$(expected_files "${packages[@]}")" \
  "$(cd "$prefix" && find . ! -type d | sed 's|^\./||' | sort)" || bad=1
for tool in hakmem-stress interleave-replay hakmem-equivalence; do
  check "$tool --help exits 0 with a usage" has_usage "$prefix/bin/$tool"
done
check "libhakmem.so.0 is the SONAME" soname_is "$prefix/lib/libhakmem.so.$version" 'libhakmem\.so\.0'

check "cpack -G DEB (into the scratch directory)" cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/deb"
debs=()
for p in "${packages[@]}"; do
  deb=$tmp/deb/${p}_${version}_$arch.deb
  debs+=("$deb")
  [ -f "$deb" ] || { say "$p: no $deb (cpack made: $(cd "$tmp/deb" && echo ./*.deb))"; bad=1; continue; }
  compare "$p.deb" "$(expected_files "$p" | sed 's|^|./usr/|')" \
    "$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' | sort)" || bad=1
  depends=$(dpkg-deb -f "$deb" Depends)
  case $p in
    libhakmem-dev) want="libhakmem0 (= $version)" ;;
    *) want="libc6" ;;  # from dpkg-shlibdeps
  esac
  if grep -qF "$want" <<<"$depends"; then say "ok: $p.deb Depends: $depends"
  else say "$p.deb: Depends '$depends' lacks '$want'"; bad=1; fi
done
[ "$bad" = 0 ] || die "the installed files or the packages differ from $expected/*.txt (listed above)"
if [ "$contents_only" = 1 ]; then say "all checks passed (contents only)"; exit 0; fi

# ---- 2. the scratch prefix in use -----------------------------------------------------------
consumers prefix "$prefix" "$prefix/lib"
preload_checks prefix "$prefix/lib/libhakmem.so.0"
check "installed hakmem-stress --target=system under LD_PRELOAD of the installed library (3 workloads, 1 s each)" \
  env LD_PRELOAD="$prefix/lib/libhakmem.so.0" "$prefix/bin/hakmem-stress" --target=system \
  --workload=random-mixed,remote-free,realloc-chain --threads=2 --seconds=1 --progress=0

# ---- 3. the packages installed --------------------------------------------------------------
[ "$(id -u)" = 0 ] || die "dpkg -i needs root (CI runs as root); rerun as root, or with --contents-only"
# One packaging check at a time on this machine: the packages are machine-wide. (/tmp: a
# container may have no /run/lock.)
exec 9>/tmp/hakmem-packaging-check.lock
flock -w 900 9 || die "another packaging check held /tmp/hakmem-packaging-check.lock for 15 minutes"
for p in "${packages[@]}"; do
  if dpkg-query -W "$p" >/dev/null 2>&1; then
    die "$p is known to dpkg already (installed, or its config left); this check would purge it (dpkg -P ${packages[*]} first)"
  fi
done
installed=1
check "dpkg -i ${packages[*]}" run_dpkg -i "${debs[@]}"
consumers usr "" /usr/lib
preload_checks usr libhakmem.so.0
check "hakmem-stress on PATH is /usr/bin/hakmem-stress" on_path_is hakmem-stress /usr/bin/hakmem-stress
# -P, not -r: libhakmem0's ldconfig postrm would keep it in dpkg's list as config-files (rc).
check "dpkg -P ${packages[*]}" run_dpkg -P "${packages[@]}"
installed=0
check "the packages are gone (dpkg-query knows none of them, no /usr/lib/libhakmem.so.0)" not_known "${packages[@]}"
say "all checks passed"
