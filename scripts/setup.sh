#!/usr/bin/env bash
# Installs every Debian package that the build, the tests and the benchmarks need.
# Safe to run again: packages already present are skipped without touching apt.
set -euo pipefail

packages=(
	build-essential cmake pkg-config git
	libpoco-dev libssl-dev openssl
	libboost-dev libboost-filesystem-dev
	libcppunit-dev
	libvirt-dev libvirt-clients libxml2-dev
	libsqlite3-dev libpq-dev postgresql
	libsodium-dev
	curl python3
	openssh-client
)

missing=()
for package in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$package")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

echo "Installing: ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
	sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
