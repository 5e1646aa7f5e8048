#!/usr/bin/env bash
# Runs every benchmark: installs the packages (scripts/setup.sh for the build, bench/setup.sh for wrk and nginx),
# builds the server, the mock plugin and the bench tools in Release mode, then runs each benchmark script in turn.
# The Markdown tables land in <build>/bench-results/, one file per script, and are printed as they finish.
#
# Usage: bench/run.sh [SCRIPT...]   e.g. bench/run.sh http_throughput memory
# Environment: see bench/lib.sh (BENCH_RUNS, BENCH_DURATION, GPUCLOUD_BUILD_DIR, ...).
set -euo pipefail
cd "$(dirname "$0")/.."

all=(http_throughput connections login_storm vm_lifecycle vm_list memory meter)
selected=("$@")
if [ ${#selected[@]} -eq 0 ]; then
	for name in "${all[@]}"; do
		[ -f "bench/$name.sh" ] && selected+=("$name")
	done
fi

bash scripts/setup.sh
bash bench/setup.sh

build_dir=${GPUCLOUD_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
targets=(gpucloud-server gpucloud_plugin_mock)
for tool in gpucloud-bench-seed gpucloud-bench-load meter_exactness_bench; do
	if cmake --build "$build_dir" --target help | grep -q "^\.\.\. $tool\$"; then
		targets+=("$tool")
	fi
done
cmake --build "$build_dir" -j"${GPUCLOUD_JOBS:-2}" --target "${targets[@]}"

failed=()
for name in "${selected[@]}"; do
	script=bench/$name.sh
	[ -f "$script" ] || { echo "bench/run.sh: no benchmark named '$name' ($script)" >&2; exit 2; }
	echo "== $name"
	if ! bash "$script"; then
		failed+=("$name")
	fi
done

if [ ${#failed[@]} -gt 0 ]; then
	echo "Benchmarks that failed to run: ${failed[*]}" >&2
	exit 1
fi
