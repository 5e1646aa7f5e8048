#!/usr/bin/env bash
# Runs the conformance kit against the proxmox plugin on a fake Proxmox VE server started for this run.
#
#   run_conformance.sh FAKE_SERVER CONFORMANCE_KIT PLUGIN_LIBRARY [kit arguments...]
#
# The fake server writes the plugin's configuration (URL, token, pinned fingerprint) to an INI file that the kit
# reads. The server and the file are removed when the script ends.
set -euo pipefail

fake_server=$1
kit=$2
plugin=$3
shift 3

workdir=$(mktemp -d)
server_pid=
cleanup() {
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$workdir"
}
trap cleanup EXIT

"$fake_server" --ini "$workdir/proxmox.ini" >"$workdir/server.out" 2>&1 &
server_pid=$!

# Wait up to 10 s for the server to report that it listens.
for _ in $(seq 1 100); do
	if grep -q '^ready$' "$workdir/server.out"; then
		break
	fi
	sleep 0.1
done
if ! grep -q '^ready$' "$workdir/server.out"; then
	echo "The fake Proxmox server did not start:" >&2
	cat "$workdir/server.out" >&2
	exit 1
fi

"$kit" --plugin "$plugin" --config "$workdir/proxmox.ini" "$@"
