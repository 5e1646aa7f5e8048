#!/usr/bin/env bash
# Resident set size (VmRSS of /proc/<pid>/status) of an idle server: right after start on an empty database
# (target under 40 MB), and on a database with 100,000 VMs and 10,000 users made by gpucloud-bench-seed (target
# under 150 MB). Each value is the largest RSS seen over BENCH_SETTLE seconds after start, so the first passes
# of the background services (inventory refresh, health checks, meter) are included. RSS is reported in MiB and
# compared with the target in MB (10^6 bytes).
#
# The seeded VMs exist only in the database, not in the mock backend, so the VM reconciler's interval is raised
# to an hour: otherwise its first pass would mark all of them offline, and the benchmark would measure that
# write burst instead of an idle server.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SETTLE=${BENCH_SETTLE:-15}
SCALE_USERS=${BENCH_SCALE_USERS:-10000}
SCALE_VMS=${BENCH_SCALE_VMS:-100000}

bench_init memory
results=$(result_file memory)
rows=()

# idle_rss CONFIG: starts the server, samples its RSS every 0.5 s for SETTLE seconds, stops it, prints the
# largest sample in KiB.
idle_rss()
{
	start_server "$1"
	local largest=0 sample deadline=$((SECONDS + SETTLE))
	while [ $SECONDS -lt $deadline ]; do
		sample=$(rss_kib "$SERVER_PID")
		[ "$sample" -gt "$largest" ] && largest=$sample
		sleep 0.5
	done
	stop_server
	echo "$largest"
}

# add_row NAME KIB LIMIT_MB
add_row()
{
	local mb
	mb=$(python3 -c 'import sys; print("%.1f" % (int(sys.argv[1]) * 1024 / 1e6))' "$2")
	rows+=("$(printf '| %s | %.1f MiB | %s MB | %s |' "$1" "$(python3 -c "print($2 / 1024)")" "$mb" \
		"$(verdict "$mb" "<" "$3") (target < $3 MB)")")
}

extra_ini=
if source_reads_key reconcile_interval_ms; then
	extra_ini=$'[vms]\nreconcile_interval_ms = 3600000'
fi

config=$BENCH_TMP/empty.ini
BENCH_DATA_DIR=$BENCH_TMP/empty write_server_config "$config" "$extra_ini"
idle=()
for round in $(seq 1 "$BENCH_RUNS"); do
	rm -rf "$BENCH_TMP/empty"
	idle+=("$(idle_rss "$config")")
	log "empty database, round $round: ${idle[-1]} KiB"
done
add_row "Idle after start, empty database" "$(median "${idle[@]}" | cut -d. -f1)" 40

seed=$BUILD_DIR/bin/gpucloud-bench-seed
if [ -x "$seed" ] && source_reads_key api_key_prefix && source_reads_key reconcile_interval_ms; then
	mkdir -p "$BENCH_TMP/scale"
	log "seeding $SCALE_USERS users and $SCALE_VMS VMs"
	seed_started=$SECONDS
	"$seed" --database "$BENCH_TMP/scale/gpucloud.db" --users "$SCALE_USERS" \
		--vms-per-user $((SCALE_VMS / SCALE_USERS)) --vm-status mixed >"$BENCH_TMP/seed.out"
	log "seeded in $((SECONDS - seed_started)) s ($(du -m "$BENCH_TMP/scale/gpucloud.db" | cut -f1) MB database)"
	config=$BENCH_TMP/scale.ini
	BENCH_DATA_DIR=$BENCH_TMP/scale write_server_config "$config" "$extra_ini"
	scale=()
	for round in $(seq 1 "$BENCH_RUNS"); do
		scale+=("$(idle_rss "$config")")
		log "scale database, round $round: ${scale[-1]} KiB"
	done
	add_row "Idle after start, $SCALE_USERS users and $SCALE_VMS VMs" "$(median "${scale[@]}" | cut -d. -f1)" 150
else
	rows+=("| Idle after start, $SCALE_USERS users and $SCALE_VMS VMs | skipped: accounts, VMs or gpucloud-bench-seed missing | | |")
fi

{
	echo "### Memory"
	echo
	machine_summary
	echo "- Largest VmRSS over the first $SETTLE s after start, median of $BENCH_RUNS starts"
	echo
	echo "| Case | VmRSS | VmRSS in MB | Outcome |"
	echo "|---|---|---|---|"
	printf '%s\n' "${rows[@]}"
} >"$results"
cat "$results"
