#!/usr/bin/env bash
# 1,000 concurrent keep-alive connections against GET /pricing for 30 s: every request must succeed and p99 must
# stay under 100 ms. Poco's HTTP server occupies one thread per open keep-alive connection, so the benchmark
# configuration raises server.max_threads to 1100 (above the connection count) and server.max_queued to 2048.
# wrk runs with 2 threads after a 5 s warm-up; the process needs a file-descriptor limit above 1,000, which the
# script raises.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CONNECTIONS=${BENCH_HOLD_CONNECTIONS:-1000}
DURATION=${BENCH_HOLD_DURATION:-30}
PATH_UNDER_TEST=${BENCH_HOLD_PATH:-/pricing}
export BENCH_MAX_THREADS=${BENCH_MAX_THREADS:-1100}
export BENCH_MAX_QUEUED=${BENCH_MAX_QUEUED:-2048}

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

bench_init connections
results=$(result_file connections)
config=$BENCH_TMP/server.ini
write_server_config "$config"
start_server "$config"

if ! endpoint_exists "$PATH_UNDER_TEST"; then
	log "GET $PATH_UNDER_TEST is not routed by this build; skipped"
	printf '### %d keep-alive connections\n\nSkipped: GET %s is not routed by this build.\n' "$CONNECTIONS" \
		"$PATH_UNDER_TEST" >"$results"
	cat "$results"
	exit 0
fi

# The warm-up lets the server create its worker threads, so the measured runs see the steady state.
run_wrk "$SERVER_URL$PATH_UNDER_TEST" "$CONNECTIONS" 2 5 >/dev/null
runs=()
for round in $(seq 1 "$BENCH_RUNS"); do
	run=$(run_wrk "$SERVER_URL$PATH_UNDER_TEST" "$CONNECTIONS" 2 "$DURATION")
	runs+=("$run")
	log "round $round: $run"
done

summary=$(python3 - "${runs[@]}" <<'EOF'
import json, statistics, sys
runs = [json.loads(arg) for arg in sys.argv[1:]]
errors = sum(r[k] for r in runs for k in ("errors_connect", "errors_read", "errors_write", "errors_status", "errors_timeout"))
p99 = statistics.median(r["p99_ms"] for r in runs)
print("%.0f %.2f %.2f %.2f %d %d" % (statistics.median(r["rps"] for r in runs), statistics.median(r["p50_ms"] for r in runs),
    p99, max(r["max_ms"] for r in runs), errors, sum(r["requests"] for r in runs)))
EOF
)
read -r rps p50 p99 max errors requests <<<"$summary"
rss=$(rss_kib "$SERVER_PID")
threads=$(awk '/^Threads:/ { print $2 }' "/proc/$SERVER_PID/status")
outcome="$(verdict "$p99" "<" 100) (p99 < 100 ms)"
[ "$errors" -eq 0 ] || outcome="missed ($errors errors)"

{
	echo "### $CONNECTIONS keep-alive connections on GET $PATH_UNDER_TEST"
	echo
	machine_summary
	echo "- wrk: $CONNECTIONS connections, 2 threads, $DURATION s per run, $BENCH_RUNS rounds (medians);" \
		"server.max_threads = $BENCH_MAX_THREADS, server.max_queued = $BENCH_MAX_QUEUED"
	echo
	echo "| Requests | Errors | Req/s | p50 ms | p99 ms | Max ms | Server RSS after | Server threads after | Outcome |"
	echo "|---|---|---|---|---|---|---|---|---|"
	printf '| %d | %d | %s | %s | %s | %s | %d MiB | %d | %s |\n' "$requests" "$errors" "$rps" "$p50" "$p99" "$max" \
		$((rss / 1024)) "$threads" "$outcome"
} >"$results"
cat "$results"
