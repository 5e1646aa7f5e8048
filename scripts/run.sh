#!/usr/bin/env bash
# Installs missing packages, builds, and starts gpucloud-server with the embedded default configuration
# (SQLite under ./data, the mock backend, http://127.0.0.1:8080). Extra arguments go to the server,
# for example: scripts/run.sh --port 9000
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build.sh
build_dir=${GPUCLOUD_BUILD_DIR:-build}
exec "$build_dir/bin/gpucloud-server" --config config/gpucloud.ini "$@"
