#!/usr/bin/env bash
# For each endpoint: GET it once with curl and hand the body and the response headers to a throwaway nginx. Then
# run wrk (keep-alive, 64 connections, 2 threads, BENCH_DURATION seconds) against the server and against nginx,
# one after the other, BENCH_RUNS times.
# The ratio is computed per round, from the server and nginx runs of the same round, and the table shows medians.
# An endpoint the server does not route yet is reported as skipped.
#
# Endpoints: /healthz (reference only), /pricing (target 0.6 of nginx), /search (0.5), and GET /vms/{id} with an
# API key (0.4), which needs the accounts and VM modules and the gpucloud-bench-seed tool.
set -euo pipefail
# Five rounds by default: the ratio of two sequential runs is noisy on a shared machine.
BENCH_RUNS=${BENCH_RUNS:-5}
source "$(dirname "$0")/lib.sh"

CONNECTIONS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-2}

bench_init http
results=$(result_file http_throughput)
raw=$BENCH_RESULTS_DIR/http_throughput.raw.jsonl
: >"$raw"

config=$BENCH_TMP/server.ini
write_server_config "$config"
auth_args=()
if [ -x "$BUILD_DIR/bin/gpucloud-bench-seed" ] && source_reads_key api_key_prefix; then
	"$BUILD_DIR/bin/gpucloud-bench-seed" --database "$BENCH_TMP/data/gpucloud.db" --users 1 --vms-per-user 0 \
		--api-keys-out "$BENCH_TMP/api_keys" >"$BENCH_TMP/seed.out"
	auth_args=(-H "Authorization: Bearer $(head -1 "$BENCH_TMP/api_keys")")
fi
start_server "$config"

# Creates one VM through the API for the GET /vms/{id} benchmark and prints its id once it is running.
create_vm_for_reads()
{
	local body status id deadline
	body=$(curl -s --max-time 10 "${auth_args[@]}" -H 'Content-Type: application/json' \
		-d '{"node": "vm01", "gpu_type": "4090", "gpu_count": 1, "storage_gb": 50, "template_vmid": 100, "auth_method": "password", "password": "benchmark-password-123"}' \
		"$SERVER_URL/vms")
	id=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1]).get("id", ""))' "$body" 2>/dev/null || true)
	[ -n "$id" ] || die "POST /vms failed: $body"
	deadline=$((SECONDS + 60))
	while :; do
		status=$(curl -s --max-time 10 "${auth_args[@]}" "$SERVER_URL/vms/$id" \
			| python3 -c 'import json, sys; print(json.load(sys.stdin).get("status", ""))')
		[ "$status" = running ] && break
		[ $SECONDS -ge $deadline ] && die "VM $id is still '$status' after 60 s"
		sleep 0.2
	done
	echo "$id"
}

# cpu_per_request TICKS_BEFORE TICKS_AFTER WRK_JSON: prints the CPU microseconds per request of that run.
cpu_per_request()
{
	python3 -c 'import json, os, sys
ticks = int(sys.argv[2]) - int(sys.argv[1])
print("%.1f" % (ticks * 1e6 / os.sysconf("SC_CLK_TCK") / max(1, json.loads(sys.argv[3])["requests"])))' "$1" "$2" "$3"
}

# measure NAME PATH TARGET [CURL_AND_WRK_ARGS...]: one table row.
measure()
{
	local name=$1 path=$2 target=$3
	shift 3
	if ! endpoint_exists "$path" "$@"; then
		log "$name: GET $path is not routed by this build; skipped"
		echo "| $name | GET $path | skipped: not routed by this build | | | | | | | | | | |" >>"$results.rows"
		return 0
	fi

	local capture=$BENCH_TMP/capture-$name
	capture_response "$path" "$capture" "$@"
	start_nginx "$capture"

	log "$name: warm-up"
	run_wrk "$SERVER_URL$path" "$CONNECTIONS" "$THREADS" 2 "$@" >/dev/null
	run_wrk "$NGINX_URL$path" "$CONNECTIONS" "$THREADS" 2 >/dev/null

	local round server nginx before
	local server_rps=() server_p50=() server_p99=() nginx_rps=() nginx_p50=() nginx_p99=() ratios=() errors=0
	local server_cpu=() nginx_cpu=() cpu_ratios=()
	for round in $(seq 1 "$BENCH_RUNS"); do
		before=$(cpu_ticks "$SERVER_PID")
		server=$(run_wrk "$SERVER_URL$path" "$CONNECTIONS" "$THREADS" "$BENCH_DURATION" "$@")
		server_cpu+=("$(cpu_per_request "$before" "$(cpu_ticks "$SERVER_PID")" "$server")")
		before=$(cpu_ticks $(nginx_pids))
		nginx=$(run_wrk "$NGINX_URL$path" "$CONNECTIONS" "$THREADS" "$BENCH_DURATION")
		nginx_cpu+=("$(cpu_per_request "$before" "$(cpu_ticks $(nginx_pids))" "$nginx")")
		echo "{\"endpoint\": \"$name\", \"round\": $round, \"server\": $server, \"nginx\": $nginx," \
			"\"server_cpu_us\": ${server_cpu[-1]}, \"nginx_cpu_us\": ${nginx_cpu[-1]}}" >>"$raw"
		server_rps+=("$(json_field "$server" rps)")
		server_p50+=("$(json_field "$server" p50_ms)")
		server_p99+=("$(json_field "$server" p99_ms)")
		nginx_rps+=("$(json_field "$nginx" rps)")
		nginx_p50+=("$(json_field "$nginx" p50_ms)")
		nginx_p99+=("$(json_field "$nginx" p99_ms)")
		ratios+=("$(ratio "${server_rps[-1]}" "${nginx_rps[-1]}")")
		cpu_ratios+=("$(ratio "${nginx_cpu[-1]}" "${server_cpu[-1]}")")
		errors=$((errors + $(json_field "$server" errors_status) + $(json_field "$server" errors_read)
			+ $(json_field "$server" errors_connect) + $(json_field "$server" errors_timeout)))
		log "$name round $round: server ${server_rps[-1]} req/s (${server_cpu[-1]} CPU us/req)," \
			"nginx ${nginx_rps[-1]} req/s (${nginx_cpu[-1]} CPU us/req), ratio ${ratios[-1]}"
	done
	stop_nginx

	local median_ratio outcome=reference
	median_ratio=$(median "${ratios[@]}")
	if [ "$target" != - ]; then
		outcome="$(verdict "$median_ratio" ">=" "$target") (target >= $target)"
	fi
	printf '| %s | GET %s | %.0f | %.2f | %.2f | %.0f | %.2f | %.2f | %.2f | %.1f | %.1f | %.2f | %s, %d errors |\n' \
		"$name" "$path" "$(median "${server_rps[@]}")" "$(median "${server_p50[@]}")" "$(median "${server_p99[@]}")" \
		"$(median "${nginx_rps[@]}")" "$(median "${nginx_p50[@]}")" "$(median "${nginx_p99[@]}")" \
		"$median_ratio" "$(median "${server_cpu[@]}")" "$(median "${nginx_cpu[@]}")" "$(median "${cpu_ratios[@]}")" \
		"$outcome" "$errors" >>"$results.rows"
}

: >"$results.rows"
measure healthz /healthz -
measure pricing /pricing 0.6
measure search /search 0.5
if [ ${#auth_args[@]} -gt 0 ] && endpoint_exists /vms "${auth_args[@]}"; then
	vm_id=$(create_vm_for_reads)
	measure vm_get "/vms/$vm_id" 0.4 "${auth_args[@]}"
else
	echo "| vm_get | GET /vms/{id} | skipped: accounts, VMs or gpucloud-bench-seed missing | | | | | | | | | | |" >>"$results.rows"
fi

{
	echo "### HTTP throughput against nginx"
	echo
	machine_summary
	echo "- wrk: $CONNECTIONS keep-alive connections, $THREADS threads, ${BENCH_DURATION} s per run, $BENCH_RUNS rounds;" \
		"medians of the rounds; the ratio is server/nginx requests per second within each round"
	echo
	echo "- CPU us/req: CPU time (user + system, from /proc/PID/stat) that the server or nginx (master and workers)" \
		"used during the run, divided by the requests; the CPU ratio is nginx/server, so 1.0 means as efficient as nginx." \
		"It depends much less on what else runs on the machine than requests per second do."
	echo
	echo "| Benchmark | Request | Server req/s | Server p50 ms | Server p99 ms | nginx req/s | nginx p50 ms | nginx p99 ms | Ratio | Server CPU us/req | nginx CPU us/req | CPU ratio | Outcome |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	cat "$results.rows"
} >"$results"
rm -f "$results.rows"
cat "$results"
