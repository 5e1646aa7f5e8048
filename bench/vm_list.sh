#!/usr/bin/env bash
# GET /vms latency for a user with 100,000 VMs: the first page and a deep page (offset 50,000), limit 50.
#
# gpucloud-bench-seed writes the user, an API key and BENCH_LIST_VMS running VMs. gpucloud-bench-load then sends
# BENCH_LIST_REQUESTS requests per page one after the other on one keep-alive connection, so each latency is that
# of a single request on an otherwise idle server. The seeded VMs exist only in the database, so the VM
# reconciler's interval is raised to an hour (its first pass would otherwise mark them all offline while the
# benchmark runs). Target: p50 under 5 ms for both pages.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

VMS=${BENCH_LIST_VMS:-100000}
REQUESTS=${BENCH_LIST_REQUESTS:-200}
LOAD=$BUILD_DIR/bin/gpucloud-bench-load
SEED=$BUILD_DIR/bin/gpucloud-bench-seed

bench_init vm-list
results=$(result_file vm_list)

skip()
{
	log "skipped: $1"
	printf '### GET /vms pages for a user with %d VMs\n\nSkipped: %s.\n' "$VMS" "$1" >"$results"
	cat "$results"
	exit 0
}

[ -x "$LOAD" ] && [ -x "$SEED" ] || skip "gpucloud-bench-load or gpucloud-bench-seed is not built"
source_reads_key api_key_prefix || skip "this build has no accounts module (API keys)"
source_reads_key reconcile_interval_ms || skip "this build has no VM module"

config=$BENCH_TMP/server.ini
write_server_config "$config" $'[vms]\nreconcile_interval_ms = 3600000'
log "seeding one user with $VMS VMs"
"$SEED" --database "$BENCH_TMP/data/gpucloud.db" --users 1 --vms-per-user "$VMS" --vm-status running \
	--api-keys-out "$BENCH_TMP/api_keys" >"$BENCH_TMP/seed.out"
api_key=$(head -1 "$BENCH_TMP/api_keys")
start_server "$config"

total=$(curl -s -D - -o /dev/null -H "Authorization: Bearer $api_key" "$SERVER_URL/vms?limit=1" \
	| awk -F': ' 'tolower($1) == "x-total-count" { gsub(/\r/, "", $2); print $2 }')
[ "$total" = "$VMS" ] || skip "GET /vms reports X-Total-Count '$total', expected $VMS"

deep_offset=$((VMS / 2))
rows=()
for page in "limit=50" "limit=50&offset=$deep_offset"; do
	p50s=() p99s=() failed=0
	"$LOAD" --port "$SERVER_PORT" --mode get --path "/vms?$page" --api-key "$api_key" --requests 20 \
		--connections 1 >/dev/null
	for round in $(seq 1 "$BENCH_RUNS"); do
		report=$("$LOAD" --port "$SERVER_PORT" --mode get --path "/vms?$page" --api-key "$api_key" \
			--requests "$REQUESTS" --connections 1 --max-seconds 120 | sed -n 's/^LOAD_JSON //p')
		log "GET /vms?$page round $round: $report"
		p50s+=("$(json_field "$report" p50_ms)")
		p99s+=("$(json_field "$report" p99_ms)")
		failed=$((failed + $(json_field "$report" failed)))
	done
	p50=$(median "${p50s[@]}")
	outcome="$(verdict "$p50" "<" 5) (p50 < 5 ms)"
	[ "$failed" -eq 0 ] || outcome="missed ($failed failed requests)"
	rows+=("$(printf '| GET /vms?%s | %.2f | %.2f | %s |' "$page" "$p50" "$(median "${p99s[@]}")" "$outcome")")
done

{
	echo "### GET /vms pages for a user with $VMS VMs"
	echo
	machine_summary
	echo "- gpucloud-bench-load: $REQUESTS sequential requests per page on one keep-alive connection, API key auth," \
		"$BENCH_RUNS rounds (medians); the user's VMs are all running"
	echo
	echo "| Request | p50 ms | p99 ms | Outcome |"
	echo "|---|---|---|---|"
	printf '%s\n' "${rows[@]}"
} >"$results"
cat "$results"
