#!/bin/sh
# SPDX-License-Identifier: MIT
# Install what rcuslot needs to build, test, document and analyze itself and
# to run its demos on Debian (bookworm or later). Installs only what is
# missing; uses sudo when not root.
set -eu

PACKAGES="gcc g++ clang libclang-rt-dev binutils scons pkg-config liburcu-dev
	check sparse doxygen man-db cppcheck clang-tidy clang-format valgrind libglib2.0-dev
	memcached libmemcached-tools python3-pymemcache cmake meson ninja-build
	abigail-tools debhelper dpkg-dev devscripts fakeroot lintian blhc libcds-dev"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1; then
	sudo="sudo"
else
	echo "setup-debian.sh: need root (or sudo) to install:$missing" >&2
	exit 1
fi
echo "setup-debian.sh: installing:$missing"
$sudo apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing
