#!/usr/bin/env bash
# VM creation and destruction rate with the mock backend.
#
# BENCH_VM_USERS users with an API key each (gpucloud-bench-seed, default 100) create BENCH_VM_COUNT VMs with
# POST /vms at BENCH_VM_RATE requests per second (open loop, gpucloud-bench-load, 32 connections, a fresh
# Idempotency-Key per request, the users in turn), spread over BENCH_VM_NODES mock nodes with 256 GPUs each. The
# script then counts VM statuses in the server's database until every created VM is running. Next it destroys
# them all with DELETE /vms/{id} at the same rate and counts until every one is destroyed. Targets: at least 500 creates per second accepted with p99 under 20 ms, every VM reaching running; the
# same for destroy. Each round repeats both phases on the same server.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

RATE=${BENCH_VM_RATE:-500}
COUNT=${BENCH_VM_COUNT:-5000}
NODE_COUNT=${BENCH_VM_NODES:-24}
CONNECTIONS=${BENCH_VM_CONNECTIONS:-32}
USERS=${BENCH_VM_USERS:-100}
SETTLE_TIMEOUT=${BENCH_VM_SETTLE_TIMEOUT:-300}
LOAD=$BUILD_DIR/bin/gpucloud-bench-load
SEED=$BUILD_DIR/bin/gpucloud-bench-seed

bench_init vm-lifecycle
results=$(result_file vm_lifecycle)

skip()
{
	log "skipped: $1"
	printf '### VM create and destroy rate\n\nSkipped: %s.\n' "$1" >"$results"
	cat "$results"
	exit 0
}

[ -x "$LOAD" ] && [ -x "$SEED" ] || skip "gpucloud-bench-load or gpucloud-bench-seed is not built"
source_reads_key api_key_prefix || skip "this build has no accounts module (API keys)"

nodes=()
mock_ini=$'[backends.mock]\nplugin = mock'
for i in $(seq -w 1 "$NODE_COUNT"); do
	nodes+=("n$i")
	# 256 GPUs per node (the mock's maximum), with 32 cores, 64 GB of RAM and 1000 GB of disk per GPU.
	mock_ini+=$'\n'"node.n$i.cpu_cores = 8192"$'\n'"node.n$i.ram_mb = 16777216"
	mock_ini+=$'\n'"node.n$i.storage_total_gb = 256000"$'\n'"node.n$i.storage_free_gb = 256000"
	mock_ini+=$'\n'"node.n$i.gpus = 4090:256"
done
node_list=$(IFS=,; echo "${nodes[*]}")
mock_ini+=$'\n'"nodes = $node_list"

config=$BENCH_TMP/server.ini
write_server_config "$config" "$mock_ini"
"$SEED" --database "$BENCH_TMP/data/gpucloud.db" --users "$USERS" --vms-per-user 0 --api-key-users "$USERS" \
	--api-keys-out "$BENCH_TMP/api_keys" >"$BENCH_TMP/seed.out"
api_key=$(head -1 "$BENCH_TMP/api_keys")
start_server "$config"
endpoint_exists /vms -H "Authorization: Bearer $api_key" || skip "this build does not route /vms"


# vm_count STATUS: prints how many VMs of this round have STATUS, read from the server's SQLite database (WAL mode
# lets this reader run next to the server).
vm_count()
{
	sqlite3 -readonly "$BENCH_TMP/data/gpucloud.db" \
		"PRAGMA busy_timeout = 5000; SELECT COUNT(*) FROM vms WHERE status = '$1' AND instance_label = 'bench-$round';" \
		| tail -1
}

# wait_for_count STATUS EXPECTED: polls until vm_count STATUS equals EXPECTED; prints the seconds it took.
wait_for_count()
{
	local status=$1 expected=$2 deadline=$((SECONDS + SETTLE_TIMEOUT)) count
	local begin
	begin=$(date +%s.%N)
	while :; do
		count=$(vm_count "$status")
		[ "$count" = "$expected" ] && break
		if [ $SECONDS -ge $deadline ]; then
			log "after $SETTLE_TIMEOUT s, $count VMs are $status, expected $expected"
			echo timeout
			return 0
		fi
		sleep 0.2
	done
	python3 -c 'import sys, time; print("%.1f" % (time.time() - float(sys.argv[1])))' "$begin"
}

rows=()
for round in $(seq 1 "$BENCH_RUNS"); do
	printf '%s\n' "{\"node\": \"{{node}}\", \"gpu_type\": \"4090\", \"gpu_count\": 1, \"storage_gb\": 50," \
		"\"template_vmid\": 100, \"auth_method\": \"password\", \"password\": \"benchmark-password-123\"," \
		"\"instance_label\": \"bench-$round\"}" >"$BENCH_TMP/create.json"
	log "round $round: creating $COUNT VMs at $RATE/s"
	create=$("$LOAD" --port "$SERVER_PORT" --mode create --api-keys-in "$BENCH_TMP/api_keys" \
		--body-file "$BENCH_TMP/create.json" \
		--nodes "$node_list" --ids-out "$BENCH_TMP/ids" --requests "$COUNT" --rate "$RATE" \
		--connections "$CONNECTIONS" --max-seconds $((COUNT / RATE + 60)) | sed -n 's/^LOAD_JSON //p')
	log "create: $create"
	created=$(wc -l <"$BENCH_TMP/ids")
	running_after=$(wait_for_count running "$created")
	log "all $created running $running_after s after the last create was accepted"

	log "round $round: destroying $created VMs at $RATE/s"
	destroy=$("$LOAD" --port "$SERVER_PORT" --mode destroy --ids-in "$BENCH_TMP/ids" \
		--rate "$RATE" --connections "$CONNECTIONS" --max-seconds $((COUNT / RATE + 60)) | sed -n 's/^LOAD_JSON //p')
	log "destroy: $destroy"
	gone_after=$(wait_for_count destroyed "$created")
	log "all destroyed $gone_after s after the last destroy was accepted"

	rows+=("$(python3 - "$round" "$create" "$running_after" "$destroy" "$gone_after" "$RATE" <<-'EOF'
	import json, sys
	round_, create, running_after, destroy, gone_after, rate = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4]), sys.argv[5], float(sys.argv[6])
	def outcome(report, settled):
	    ok = report["rate"] >= 490 and report["p99_ms"] < 20 and report["failed"] == 0 and settled != "timeout"
	    return "met" if ok else "missed"
	for name, report, settled, state in (("create", create, running_after, "running"), ("destroy", destroy, gone_after, "destroyed")):
	    print("| %s | %s | %d | %d | %d | %.0f | %.2f | %.2f | %.2f | %s | %s |" % (round_, name, report["sent"], report["succeeded"],
	        report["failed"], report["rate"], report["p50_ms"], report["p99_ms"], report["max_ms"],
	        settled if settled == "timeout" else settled + " s", outcome(report, settled)))
	EOF
	)")
done

{
	echo "### VM create and destroy rate (mock backend)"
	echo
	machine_summary
	echo "- gpucloud-bench-load: $COUNT requests per phase at $RATE/s (open loop), $CONNECTIONS keep-alive connections," \
		"$USERS users with an API key each, used in turn, $NODE_COUNT mock nodes with 256 GPUs each, 1 GPU per VM"
	echo "- \"Settled after\": time from the last accepted request until the database shows every created VM running" \
		"(create) or destroyed (destroy), polled every 0.2 s"
	echo "- Target: >= 500/s accepted (the run counts as met at >= 490/s, because pacing starts the clock at the" \
		"first request), p99 < 20 ms, no failures, every VM settles"
	echo
	echo "| Round | Phase | Sent | Accepted | Failed | Accepted/s | p50 ms | p99 ms | Max ms | Settled after | Outcome |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|"
	printf '%s\n' "${rows[@]}"
} >"$results"
cat "$results"
