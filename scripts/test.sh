#!/usr/bin/env bash
# Installs missing packages, builds, and runs every test with CTest. Extra arguments go to ctest,
# for example: scripts/test.sh -L unit
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build.sh
build_dir=${GPUCLOUD_BUILD_DIR:-build}
cd "$build_dir"
ctest --output-on-failure -j"${GPUCLOUD_JOBS:-2}" "$@"
