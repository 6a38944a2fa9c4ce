#!/usr/bin/env bash
# Proves the mutation tooling leaves the release build alone: builds libhakmem.so with the
# release preset from scratch (no ccache) twice, from git REF's tree and from this checkout's
# working tree, in fresh directories, and compares the two files byte for byte.
#
#   ci/mutation/release_identical.sh [REF]      (default: where this branch left main)
#
# Exit status: 0 identical, 1 different, 2 a build failed.
set -euo pipefail
case ${1:-} in
  -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ref=${1:-$(git -C "$ROOT" merge-base HEAD main)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/ref-src" "$tmp/cur-src"
git -C "$ROOT" archive "$ref" | tar -x -C "$tmp/ref-src"
# The working tree as it is (tracked and untracked files, build/ and ignored files left out).
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do
    if [ -e "$f" ]; then cp --parents -- "$f" "$tmp/cur-src"; fi  # not a deleted file
  done)
for side in ref cur; do
  if ! { CCACHE_DISABLE=1 nice -n 10 cmake -S "$tmp/$side-src" -B "$tmp/$side-build" --preset release &&
         CCACHE_DISABLE=1 nice -n 10 cmake --build "$tmp/$side-build" --target hakmem_shared -j2; } \
       >"$tmp/$side.log" 2>&1; then
    echo "release_identical: the $side build failed:"; tail -20 "$tmp/$side.log"; exit 2
  fi
done
sha256sum "$tmp/ref-build/lib/libhakmem.so" "$tmp/cur-build/lib/libhakmem.so" | sed "s|$tmp/||"
if cmp "$tmp/ref-build/lib/libhakmem.so" "$tmp/cur-build/lib/libhakmem.so"; then
  echo "release_identical: libhakmem.so of $ref and of this tree are byte-for-byte identical"
else
  echo "release_identical: libhakmem.so DIFFERS between $ref and this tree"; exit 1
fi
