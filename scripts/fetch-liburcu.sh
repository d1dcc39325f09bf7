#!/bin/sh
# SPDX-License-Identifier: MIT
# Fetch another Debian release's liburcu (headers, static and shared
# libraries) and unpack it into a private prefix, for building and testing
# rcuslot against a liburcu other than the installed one. Nothing is
# installed on the system: apt runs with its own lists and cache under the
# prefix's parent directory, and the packages are unpacked with dpkg -x.
#
#   scripts/fetch-liburcu.sh PREFIX [SUITE]     (SUITE defaults to trixie)
#
# The archive is the machine's own configured Debian source (the first
# Debian archive URI in /etc/apt/sources.list.d/*.sources or
# /etc/apt/sources.list) with the suite switched. Idempotent: once PREFIX
# holds a complete unpack (PREFIX/.complete), it does nothing.
set -eu

prefix=${1:?usage: fetch-liburcu.sh PREFIX [SUITE]}
suite=${2:-trixie}
packages="liburcu-dev"

if [ -f "$prefix/.complete" ]; then
	exit 0
fi

# The Debian archive this machine uses: a deb822 stanza or a one-line
# entry whose suite is not a security or updates suite.
archive_uri() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk '
			/^[[:space:]]*$/ { if (uri != "" && main) { print uri; exit }
					   uri = ""; main = 0; next }
			/^URIs:/ { uri = $2 }
			/^Suites:/ { for (i = 2; i <= NF; i++)
					if ($i !~ /-(security|updates|backports)$/) main = 1 }
			END { if (uri != "" && main) print uri }
		' "$f" | grep -m1 -i 'debian' && return 0
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) while ($i !~ /\]$/) i++
				   if ($2 ~ /^\[/) i++
				   if ($(i + 1) !~ /-(security|updates|backports)$/) print $i }' "$f" |
			grep -m1 -i 'debian' && return 0
	done
	return 1
}

uri=$(archive_uri) || {
	echo "fetch-liburcu.sh: no Debian archive found in the apt configuration" >&2
	exit 1
}

mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd) # apt takes relative paths as under /etc/apt
work="$prefix.apt"
rm -rf "$work" "$prefix"
mkdir -p "$work/lists/partial" "$work/archives/partial" "$work/debs" \
	"$work/sources.list.d" "$prefix"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
echo "deb [signed-by=$keyring] $uri $suite main" >"$work/sources.list"
: >"$work/status"

apt_opts="-o Dir::Etc::SourceList=$work/sources.list
	-o APT::Sandbox::User=root
	-o Dir::Etc::SourceParts=$work/sources.list.d
	-o Dir::State::Lists=$work/lists
	-o Dir::State::Status=$work/status
	-o Dir::Cache=$work/cache
	-o Dir::Cache::Archives=$work/archives
	-o APT::Get::List-Cleanup=0
	-o Debug::NoLocking=1"

echo "fetch-liburcu.sh: fetching $packages from $suite"
# shellcheck disable=SC2086
apt-get -qq $apt_opts update
# The runtime libraries the -dev package depends on (liburcu8t64 on trixie).
# shellcheck disable=SC2086
runtime=$(apt-cache $apt_opts show liburcu-dev | awk -F': ' '
	/^Depends:/ { n = split($2, d, /, */)
		      for (i = 1; i <= n; i++) { split(d[i], w, " ")
						 if (w[1] ~ /^liburcu[0-9]/) print w[1] }
		      exit }')
# shellcheck disable=SC2086
(cd "$work/debs" && apt-get -qq $apt_opts download $packages $runtime)
for deb in "$work/debs"/*.deb; do
	dpkg -x "$deb" "$prefix"
done
ls "$work/debs" >"$prefix/.packages"
touch "$prefix/.complete"
echo "fetch-liburcu.sh: unpacked into $prefix: $(tr '\n' ' ' <"$prefix/.packages")"
