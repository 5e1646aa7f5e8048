#!/usr/bin/env bash
# Installs missing packages, then configures and builds gpucloud in ./build (or $GPUCLOUD_BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
build_dir=${GPUCLOUD_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="${GPUCLOUD_BUILD_TYPE:-RelWithDebInfo}"
cmake --build "$build_dir" -j"${GPUCLOUD_JOBS:-2}"
