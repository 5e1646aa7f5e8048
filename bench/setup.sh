#!/usr/bin/env bash
# Installs the Debian packages that the benchmarks need on top of the build packages of scripts/setup.sh:
# wrk (HTTP load generator), nginx-light (the static-file reference), and the tools the scripts call.
# Safe to run again: packages already present are skipped without touching apt.
#
# Installing nginx must not start the system nginx service: the benchmarks run their own throwaway nginx. When
# the machine has no /usr/sbin/policy-rc.d, one that forbids service starts (exit 101, see invoke-rc.d(8)) is put
# in place for the duration of the install and removed afterwards.
set -euo pipefail

packages=(wrk nginx-light curl python3 procps sqlite3)

missing=()
for package in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$package")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
	sudo_cmd=(sudo)
fi

policy=/usr/sbin/policy-rc.d
placed_policy=0
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee "$policy" >/dev/null
	"${sudo_cmd[@]}" chmod 755 "$policy"
	placed_policy=1
fi
remove_policy()
{
	if [ "$placed_policy" -eq 1 ]; then
		"${sudo_cmd[@]}" rm -f "$policy"
	fi
}
trap remove_policy EXIT

echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
