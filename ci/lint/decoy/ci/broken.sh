#!/usr/bin/env bash
# Decoy for ci/lint.sh: an unquoted expansion shellcheck must report (SC2086).
dir=$1
rm -rf $dir/build
