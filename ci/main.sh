#!/usr/bin/env bash
# The main job: set up, build the release preset, run the stress campaign against hakmem and
# print its summary table. Usage: bash ci/main.sh [seconds-per-workload]  (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j2
exec bash ci/stress_campaign.sh "${1:-10}"
