# Shared functions of the benchmark scripts; source it, do not run it.
#
# Every process a script starts (the server, nginx, load generators) binds or connects to 127.0.0.1 only, is
# recorded by pid and is stopped by that pid when the script exits. Every wait polls with a deadline.
#
# Environment knobs (all optional):
#   GPUCLOUD_BUILD_DIR  build folder with bin/gpucloud-server and the bench tools (default: <repo>/build)
#   BENCH_SERVER_BIN    server executable to measure (default: <build>/bin/gpucloud-server)
#   BENCH_RUNS          rounds per measurement; results are the median of the rounds (default 3)
#   BENCH_DURATION      seconds of each wrk run (default 10)
#   BENCH_RESULTS_DIR   folder for the Markdown result tables (default: <build>/bench-results)
#   BENCH_ACCESS_LOG    1 writes an access log on both the server and nginx (default 0: neither logs requests)

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
BUILD_DIR=${GPUCLOUD_BUILD_DIR:-$REPO_DIR/build}
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR=$REPO_DIR/$BUILD_DIR ;; esac
SERVER_BIN=${BENCH_SERVER_BIN:-$BUILD_DIR/bin/gpucloud-server}
BENCH_RUNS=${BENCH_RUNS:-3}
BENCH_DURATION=${BENCH_DURATION:-10}
BENCH_RESULTS_DIR=${BENCH_RESULTS_DIR:-$BUILD_DIR/bench-results}
BENCH_ACCESS_LOG=${BENCH_ACCESS_LOG:-0}
# The bucket size the benchmark gives every rate-limit class: the limiter stays active, so its cost is measured,
# but no benchmark comes near the limit (the server accepts at most 100000000 per minute).
BENCH_RATE_LIMIT=100000000

BENCH_PIDS=()
BENCH_TMP=

# Creates the script's temporary folder and arranges for cleanup at exit.
bench_init()
{
	local name=$1
	BENCH_TMP=$(mktemp -d "/tmp/gpucloud-bench-$name.XXXXXX")
	chmod 755 "$BENCH_TMP"
	mkdir -p "$BENCH_RESULTS_DIR"
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
}

bench_cleanup()
{
	local pid
	for pid in "${BENCH_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${BENCH_PIDS[@]}"; do
		wait_for_exit "$pid" 10 || kill -9 "$pid" 2>/dev/null || true
	done
	if [ -n "$BENCH_TMP" ] && [ "${BENCH_KEEP_TMP:-0}" != 1 ]; then
		rm -rf "$BENCH_TMP"
	fi
}

log()
{
	echo "[$(date +%H:%M:%S)] $*" >&2
}

die()
{
	log "error: $*"
	exit 1
}

# wait_for_exit PID SECONDS: returns 0 once PID is gone, 1 when it is still there after SECONDS.
wait_for_exit()
{
	local pid=$1 deadline=$((SECONDS + $2))
	while kill -0 "$pid" 2>/dev/null; do
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.1
	done
	return 0
}

# Prints a TCP port on 127.0.0.1 that is free right now.
free_port()
{
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for_http URL SECONDS: polls until URL returns any HTTP status.
wait_for_http()
{
	local url=$1 deadline=$((SECONDS + $2))
	until curl -s -o /dev/null --max-time 2 "$url"; do
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.1
	done
}

# Returns 0 when the source tree reads configuration key KEY, so a script adds a key only once its module exists.
source_reads_key()
{
	grep -rqs --include='*.cpp' "\"$1\"" "$REPO_DIR/framework/src" "$REPO_DIR/apps" "$REPO_DIR/providers"
}

# write_server_config FILE [EXTRA_INI]: the benchmark configuration. Rate limits are raised, not disabled;
# EXTRA_INI is appended (backend sections, other keys).
write_server_config()
{
	local file=$1 extra=${2:-}
	local data_dir=${BENCH_DATA_DIR:-$BENCH_TMP/data}
	local access_level=warning
	[ "$BENCH_ACCESS_LOG" = 1 ] && access_level=information
	{
		cat <<-EOF
		[server]
		profile = development
		host = 127.0.0.1
		data_dir = $data_dir
		plugin_dir = $BUILD_DIR/lib/gpucloud/plugins
		min_threads = ${BENCH_MIN_THREADS:-4}
		max_threads = ${BENCH_MAX_THREADS:-256}
		max_queued = ${BENCH_MAX_QUEUED:-1024}
		keep_alive_timeout = 60

		[logging]
		level = information
		file = $BENCH_TMP/server.log
		levels.gpucloud.access = $access_level

		[database]
		driver = sqlite
		path = gpucloud.db
		pool_max = ${BENCH_DB_POOL_MAX:-16}

		[auth]
		jwt_secret = benchmark-secret-that-is-long-enough-for-hs256-0123456789
		EOF
		echo
		echo "[rate_limits]"
		echo "enabled = true"
		local key
		for key in login_per_minute login_account_per_minute auth_per_minute read_per_minute vm_per_minute; do
			if [ "$key" = login_per_minute ] || source_reads_key "$key"; then
				echo "$key = $BENCH_RATE_LIMIT"
			fi
		done
		echo
		printf '%s\n' "$extra"
		if ! printf '%s\n' "$extra" | grep -q '^\[backends\.'; then
			printf '\n[backends.mock]\nplugin = mock\n'
		fi
	} >"$file"
}

# start_server CONFIG: starts gpucloud-server on a free loopback port; sets SERVER_PID, SERVER_PORT, SERVER_URL.
start_server()
{
	local config=$1
	local port_file=$BENCH_TMP/server.port
	rm -f "$port_file"
	[ -x "$SERVER_BIN" ] || die "$SERVER_BIN is missing: build it first (bench/run.sh builds it)"
	"$SERVER_BIN" --config "$config" --port 0 --port-file "$port_file" >>"$BENCH_TMP/server.out" 2>&1 &
	SERVER_PID=$!
	BENCH_PIDS+=("$SERVER_PID")
	local deadline=$((SECONDS + ${BENCH_START_TIMEOUT:-120}))
	until [ -s "$port_file" ]; do
		if ! kill -0 "$SERVER_PID" 2>/dev/null; then
			tail -20 "$BENCH_TMP/server.out" >&2
			die "gpucloud-server exited during start-up"
		fi
		[ $SECONDS -ge $deadline ] && die "gpucloud-server did not start within ${BENCH_START_TIMEOUT:-120} s"
		sleep 0.1
	done
	SERVER_PORT=$(cat "$port_file")
	SERVER_URL=http://127.0.0.1:$SERVER_PORT
	wait_for_http "$SERVER_URL/healthz" 30 || die "gpucloud-server does not respond on $SERVER_URL"
	log "gpucloud-server pid $SERVER_PID listens on $SERVER_URL"
}

stop_server()
{
	[ -n "${SERVER_PID:-}" ] || return 0
	kill "$SERVER_PID" 2>/dev/null || true
	wait_for_exit "$SERVER_PID" 30 || kill -9 "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=
}

# cpu_ticks PID...: prints the CPU time (user + system) that the processes used so far, in clock ticks.
cpu_ticks()
{
	local pid total=0 fields
	for pid in "$@"; do
		# Fields 14 and 15 of /proc/PID/stat; the command name in field 2 may contain spaces, so cut after ')'.
		fields=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null) || continue
		total=$((total + $(echo "$fields" | awk '{ print $12 + $13 }')))
	done
	echo "$total"
}

# Prints the pids of nginx: the master and its workers.
nginx_pids()
{
	echo "$NGINX_PID" $(ps -o pid= --ppid "$NGINX_PID")
}

# Prints the resident set size of PID in KiB (VmRSS of /proc/PID/status).
rss_kib()
{
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# endpoint_exists PATH [CURL_ARGS...]: 0 when the server routes PATH (any status except 404 and 405).
endpoint_exists()
{
	local path=$1
	shift
	local status
	status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@" "$SERVER_URL$path")
	[ "$status" != 404 ] && [ "$status" != 405 ] && [ "$status" != 000 ]
}

# capture_response PATH DIR [CURL_ARGS...]: stores the body of GET PATH in DIR/body and its headers in
# DIR/headers, and fails unless the status is 200.
capture_response()
{
	local path=$1 dir=$2
	shift 2
	mkdir -p "$dir"
	local status
	status=$(curl -s -D "$dir/headers" -o "$dir/body" -w '%{http_code}' --max-time 10 "$@" "$SERVER_URL$path")
	[ "$status" = 200 ] || die "GET $path returned $status: $(head -c 300 "$dir/body")"
}

# start_nginx DIR: serves DIR/body as a static file at every path, with the content type and the extra headers of
# DIR/headers, from a throwaway nginx with its own prefix and configuration. Sets NGINX_PID, NGINX_URL.
start_nginx()
{
	local dir=$1
	local prefix=$BENCH_TMP/nginx
	mkdir -p "$prefix/logs" "$prefix/html"
	cp "$dir/body" "$prefix/html/body"
	chmod -R a+rX "$prefix"

	local content_type extra_headers=
	content_type=$(awk -F': ' 'tolower($1) == "content-type" { sub(/\r$/, "", $2); print $2 }' "$dir/headers")
	# The server's own headers get the same names and lengths of values, so both responses carry about the same
	# bytes. nginx adds Last-Modified and ETag of its own; etag is turned off.
	local name value
	while IFS= read -r line; do
		line=${line%$'\r'}
		name=${line%%:*}
		value=${line#*: }
		case "${name,,}" in
		x-request-id) extra_headers+="        add_header X-Request-Id \$request_id always;"$'\n' ;;
		ratelimit-*|x-total-count|link|cache-control) extra_headers+="        add_header $name \"$value\" always;"$'\n' ;;
		esac
	done <"$dir/headers"

	local access_log="access_log off;"
	[ "$BENCH_ACCESS_LOG" = 1 ] && access_log="access_log $prefix/logs/access.log;"

	local attempt
	for attempt in 1 2 3 4 5; do
		NGINX_PORT=$(free_port)
		cat >"$prefix/nginx.conf" <<-EOF
		worker_processes auto;
		pid $prefix/nginx.pid;
		error_log $prefix/logs/error.log warn;
		events { worker_connections 4096; }
		http {
		    $access_log
		    client_body_temp_path $prefix/client_body;
		    proxy_temp_path $prefix/proxy;
		    fastcgi_temp_path $prefix/fastcgi;
		    uwsgi_temp_path $prefix/uwsgi;
		    scgi_temp_path $prefix/scgi;
		    keepalive_timeout 60s;
		    keepalive_requests 1000000;
		    server_tokens off;
		    etag off;
		    max_ranges 0;
		    # The body is a few hundred bytes: one write with the headers beats sendfile, and the cache saves an
		    # open, fstat and close per request.
		    sendfile off;
		    open_file_cache max=16 inactive=60s;
		    open_file_cache_valid 60s;
		    server {
		        listen 127.0.0.1:$NGINX_PORT;
		        root $prefix/html;
		        location / {
		            default_type "$content_type";
		            try_files /body =404;
		$extra_headers
		        }
		    }
		}
		EOF
		nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/logs/error.log" -g 'daemon off;' \
			>>"$BENCH_TMP/nginx.out" 2>&1 &
		NGINX_PID=$!
		BENCH_PIDS+=("$NGINX_PID")
		NGINX_URL=http://127.0.0.1:$NGINX_PORT
		if wait_for_http "$NGINX_URL/" 10; then
			log "nginx pid $NGINX_PID serves $(stat -c %s "$prefix/html/body") bytes on $NGINX_URL"
			return 0
		fi
		kill "$NGINX_PID" 2>/dev/null || true
		wait_for_exit "$NGINX_PID" 5 || true
	done
	cat "$prefix/logs/error.log" >&2
	die "nginx did not start"
}

stop_nginx()
{
	[ -n "${NGINX_PID:-}" ] || return 0
	kill "$NGINX_PID" 2>/dev/null || true
	wait_for_exit "$NGINX_PID" 10 || kill -9 "$NGINX_PID" 2>/dev/null || true
	NGINX_PID=
}

# run_wrk URL CONNECTIONS THREADS DURATION [WRK_ARGS...]: runs wrk with the reporting script and prints one JSON
# line: requests, rps, p50_ms, p90_ms, p99_ms, max_ms and the error counts. wrk itself is bounded by its duration;
# `timeout` ends it if it hangs past that.
run_wrk()
{
	local url=$1 connections=$2 threads=$3 duration=$4
	shift 4
	local output
	output=$(timeout --kill-after=10 $((duration + 60)) \
		wrk -t"$threads" -c"$connections" -d"${duration}s" --timeout 10s -s "${BENCH_WRK_SCRIPT:-$BENCH_DIR/lua/report.lua}" \
		"$@" "$url" 2>&1) || true
	local line
	line=$(printf '%s\n' "$output" | sed -n 's/^WRK_JSON //p' | tail -1)
	if [ -z "$line" ]; then
		printf '%s\n' "$output" >&2
		die "wrk produced no summary for $url"
	fi
	printf '%s\n' "$line"
}

# json_field JSON FIELD: prints one field of a JSON object.
json_field()
{
	python3 -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"
}

# median VALUES...: prints the median (the mean of the two middle values for an even count).
median()
{
	python3 -c 'import statistics, sys; print("%.3f" % statistics.median(float(v) for v in sys.argv[1:]))' "$@"
}

# ratio NUMERATOR DENOMINATOR: prints NUMERATOR / DENOMINATOR with two decimals.
ratio()
{
	python3 -c 'import sys; print("%.2f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"
}

# verdict VALUE OP LIMIT: prints "met" or "missed" for VALUE OP LIMIT (OP is >= or <).
verdict()
{
	python3 -c '
import sys
value, op, limit = float(sys.argv[1]), sys.argv[2], float(sys.argv[3])
print("met" if (value >= limit if op == ">=" else value < limit) else "missed")' "$1" "$2" "$3"
}

# result_file NAME: prints the path of the Markdown file of one script's results; each script rewrites its own file.
result_file()
{
	echo "$BENCH_RESULTS_DIR/$1.md"
}

# Prints the facts that each result needs next to it: commit, date and machine.
machine_summary()
{
	local commit cpu memory
	commit=$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)
	if ! git -C "$REPO_DIR" diff --quiet HEAD 2>/dev/null; then
		commit="$commit (with uncommitted changes)"
	fi
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	memory=$(free -h | awk '/^Mem:/ { print $2 " total, " $7 " available" }')
	echo "- Date: $(date -u +%Y-%m-%dT%H:%M:%SZ); commit $commit"
	echo "- Machine: $(nproc) CPUs ($cpu), memory $memory; load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
}
