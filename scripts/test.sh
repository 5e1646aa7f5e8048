#!/usr/bin/env bash
# Installs missing packages, builds, starts a throwaway PostgreSQL for the tests that need one, and runs every
# test with CTest. Extra arguments go to ctest, for example: scripts/test.sh -L unit
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash scripts/build.sh
build_dir=${GPUCLOUD_BUILD_DIR:-build}

pg_dir=$(mktemp -d /tmp/gpucloud-pg.XXXXXX)
pg_port=${GPUCLOUD_TEST_PG_PORT:-$((40000 + RANDOM % 20000))}
trap 'bash "$root/scripts/postgres.sh" stop "$pg_dir"' EXIT
GPUCLOUD_TEST_POSTGRES=$(bash "$root/scripts/postgres.sh" start "$pg_dir" "$pg_port")
export GPUCLOUD_TEST_POSTGRES

cd "$build_dir"
ctest --output-on-failure -j"${GPUCLOUD_JOBS:-2}" "$@"
