#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL cluster for the tests, listening on 127.0.0.1 only.
#   scripts/postgres.sh start DIR PORT   prints the libpq connection string on standard output
#   scripts/postgres.sh stop DIR
# initdb refuses to run as root, so as root the cluster runs as the `postgres` system user.
set -euo pipefail

command=${1:?usage: postgres.sh start DIR PORT | stop DIR}
dir=${2:?missing cluster folder}
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ]; then
	echo "postgres.sh: no PostgreSQL server found under /usr/lib/postgresql; run scripts/setup.sh" >&2
	exit 1
fi

as_owner=()
if [ "$(id -u)" -eq 0 ]; then
	as_owner=(runuser -u postgres --)
fi

case "$command" in
start)
	port=${3:?missing port}
	rm -rf "$dir"
	mkdir -p "$dir"
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres:postgres "$dir"
	fi
	"${as_owner[@]}" "$pg_bin/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C.UTF-8 \
		--auth-local=trust --auth-host=scram-sha-256 --no-sync >"$dir/initdb.log" 2>&1
	"${as_owner[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200" \
		start >/dev/null
	"${as_owner[@]}" "$pg_bin/psql" -h "$dir" -p "$port" -U postgres -v ON_ERROR_STOP=1 -q \
		-c "CREATE ROLE gpucloud LOGIN PASSWORD 'gpucloud-test'" \
		-c "CREATE DATABASE gpucloud_test OWNER gpucloud" >/dev/null
	echo "host=127.0.0.1 port=$port dbname=gpucloud_test user=gpucloud password=gpucloud-test"
	;;
stop)
	if [ -f "$dir/data/postmaster.pid" ]; then
		"${as_owner[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
	;;
*)
	echo "postgres.sh: unknown command '$command'" >&2
	exit 2
	;;
esac
