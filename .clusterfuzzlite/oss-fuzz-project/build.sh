#!/bin/bash -eu
# OSS-Fuzz's entry point: the repository's own build script, the one ClusterFuzzLite runs.
exec bash -eu "$SRC/hakmem-torture/.clusterfuzzlite/build.sh"
