#!/bin/sh
# SPDX-License-Identifier: MIT
# Install the Debian packages `scons check-deb` built (build/deb/*.deb) into a
# private overlay of /usr, /etc and /var, seen by this script's mount
# namespace only (the machine's own system is untouched), and build and run
# packaging/consumer/ against the installed librcuslot-dev as another
# project would: cc with pkg-config (shared, static, C++), CMake and Meson;
# then look up the man pages and run the daemons' --version.
#
#   scripts/test-installed-debs.sh     (root; `scons test-deb-consumer`)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
if [ "${RCUSLOT_IN_OVERLAY:-}" != 1 ]; then
	[ "$(id -u)" -eq 0 ] || { echo "test-installed-debs.sh: needs root (mount namespaces)" >&2; exit 1; }
	ls "$top"/build/deb/librcuslot-dev_*.deb >/dev/null 2>&1 ||
		{ echo "test-installed-debs.sh: no packages in build/deb: scons check-deb" >&2; exit 1; }
	RCUSLOT_IN_OVERLAY=1 exec unshare -m --propagation private "$0" "$@"
fi

work=$(mktemp -d /tmp/rcuslot-debs.XXXXXX)
trap 'rm -rf "$work"' EXIT
for d in usr etc var; do
	mkdir -p "$work/ov/$d/u" "$work/ov/$d/w"
	mount -t overlay overlay -o "lowerdir=/$d,upperdir=$work/ov/$d/u,workdir=$work/ov/$d/w" "/$d"
done
# shellcheck disable=SC2046
dpkg -i $(ls "$top"/build/deb/*.deb | grep -v dbgsym) >"$work/dpkg.log" 2>&1 ||
	{ cat "$work/dpkg.log"; exit 1; }
dpkg-query -W -f '${Package} ${Version} ${Depends}\n' librcuslot0.2 librcuslot-dev rcuslot-daemons

c="$work/consumer"
mkdir -p "$c"
cp "$top"/packaging/consumer/* "$c"
cd "$c"
set -x
cc app.c $(pkg-config --cflags --libs rcuslot) -o app && ./app memb
cc app.c $(pkg-config --cflags --libs rcuslot-qsbr) -o app-qsbr && ./app-qsbr qsbr
c++ app.cpp $(pkg-config --cflags --libs rcuslot) -o app-cpp && ./app-cpp memb
cc -static app.c $(pkg-config --cflags --libs --static rcuslot) -o app-static && ./app-static memb
cmake -S . -B cmake-build -G Ninja >/dev/null && cmake --build cmake-build >/dev/null &&
	ctest --test-dir cmake-build --output-on-failure
meson setup meson-build . >/dev/null && ninja -C meson-build >/dev/null &&
	meson test -C meson-build --print-errorlogs
man -w 3rcuslot NAME_init rcuslot_synchronize
man -w configd configctl kvd
/usr/sbin/configd --version
/usr/sbin/kvd --version
set +x
echo "test-installed-debs.sh: the installed packages work"
