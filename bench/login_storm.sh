#!/usr/bin/env bash
# GET /pricing latency while the server verifies Argon2id passwords at full speed.
#
# Each round runs wrk on /pricing (64 connections, 2 threads, BENCH_DURATION s) twice: alone, then again while
# gpucloud-bench-load sends POST /auth/login with the correct password of 100 seeded users from
# BENCH_LOGIN_CONNECTIONS connections as fast as the server responds. The password hashes use the server's
# default Argon2id cost (2 passes, 64 MiB). Target: /pricing p99 under 50 ms during the storm.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

LOGIN_CONNECTIONS=${BENCH_LOGIN_CONNECTIONS:-16}
LOAD=$BUILD_DIR/bin/gpucloud-bench-load
SEED=$BUILD_DIR/bin/gpucloud-bench-seed

bench_init login-storm
results=$(result_file login_storm)

skip()
{
	log "skipped: $1"
	printf '### Login storm next to GET /pricing\n\nSkipped: %s.\n' "$1" >"$results"
	cat "$results"
	exit 0
}

[ -x "$LOAD" ] && [ -x "$SEED" ] || skip "gpucloud-bench-load or gpucloud-bench-seed is not built"
source_reads_key api_key_prefix || skip "this build has no accounts module"

config=$BENCH_TMP/server.ini
write_server_config "$config"
"$SEED" --database "$BENCH_TMP/data/gpucloud.db" --users 100 --vms-per-user 0 --api-key-users 0 \
	--emails-out "$BENCH_TMP/emails" >"$BENCH_TMP/seed.out"
password=$(awk '$1 == "password" { print $2 }' "$BENCH_TMP/seed.out")
start_server "$config"
endpoint_exists /pricing || skip "this build does not route /pricing"

status=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
	-d "{\"email\": \"$(head -1 "$BENCH_TMP/emails")\", \"password\": \"$password\"}" "$SERVER_URL/auth/login")
[ "$status" = 200 ] || skip "POST /auth/login with a seeded account returned $status"

rows=()
for round in $(seq 1 "$BENCH_RUNS"); do
	alone=$(run_wrk "$SERVER_URL/pricing" 64 2 "$BENCH_DURATION")
	"$LOAD" --port "$SERVER_PORT" --mode login --emails-in "$BENCH_TMP/emails" --password "$password" \
		--connections "$LOGIN_CONNECTIONS" --requests 100000000 --max-seconds $((BENCH_DURATION + 2)) \
		>"$BENCH_TMP/login.out" &
	login_pid=$!
	BENCH_PIDS+=("$login_pid")
	sleep 1
	storm=$(run_wrk "$SERVER_URL/pricing" 64 2 "$BENCH_DURATION")
	wait "$login_pid" || true
	login=$(sed -n 's/^LOAD_JSON //p' "$BENCH_TMP/login.out")
	log "round $round: alone $alone; storm $storm; logins $login"
	rows+=("$(python3 - "$round" "$alone" "$storm" "$login" <<-'EOF'
	import json, sys
	round_, alone, storm, login = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3]), json.loads(sys.argv[4])
	errors = sum(storm[k] for k in ("errors_connect", "errors_read", "errors_write", "errors_status", "errors_timeout"))
	outcome = "met" if storm["p99_ms"] < 50 and errors == 0 else "missed"
	print("| %s | %.0f | %.2f | %.2f | %.0f | %.2f | %.2f | %d | %.1f | %.0f | %.0f | %d (%s) | %s |" % (round_, alone["rps"], alone["p50_ms"],
	    alone["p99_ms"], storm["rps"], storm["p50_ms"], storm["p99_ms"], errors, login["rate"], login["p50_ms"],
	    login["p99_ms"], login["failed"], ", ".join("%s: %s" % kv for kv in login["failed_by_status"].items()) or "-", outcome))
	EOF
	)")
done

{
	echo "### Login storm next to GET /pricing"
	echo
	machine_summary
	echo "- wrk on /pricing: 64 connections, 2 threads, $BENCH_DURATION s, alone and then during the storm, in each round"
	echo "- Storm: gpucloud-bench-load, $LOGIN_CONNECTIONS connections sending POST /auth/login back to back for 100 users;" \
		"Argon2id at the server defaults (auth.argon2_ops = 2, auth.argon2_memory_kib = 65536)"
	echo "- Target: /pricing p99 < 50 ms during the storm"
	echo
	echo "| Round | Alone req/s | Alone p50 ms | Alone p99 ms | Storm req/s | Storm p50 ms | Storm p99 ms | /pricing errors | Logins/s | Login p50 ms | Login p99 ms | Login failures | Outcome |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	printf '%s\n' "${rows[@]}"
} >"$results"
cat "$results"
