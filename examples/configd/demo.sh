#!/bin/sh
# SPDX-License-Identifier: MIT
# The configd demo (`scons demo`): start the daemon on a copy of sample.conf,
# query it, edit the config underneath it, break the config, fix it, stop.
# A reader keeps querying in the background the whole time.
#
#   demo.sh CONFIGD CONFIGCTL
set -eu

CONFIGD=$1
CONFIGCTL=$2
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=$(mktemp -d /tmp/configd-demo.XXXXXX)
CONF=$DIR/configd.conf
SOCK=$DIR/configd.sock
LOG=$DIR/configd.log
PID=
READER=

cleanup() {
	[ -n "$READER" ] && kill "$READER" 2>/dev/null
	[ -n "$PID" ] && kill "$PID" 2>/dev/null
	rm -rf "$DIR"
}
trap cleanup EXIT

say() { printf '\n== %s\n' "$*"; }

# Run configctl and show the command as a person would type it.
ctl() {
	printf '$ configctl %s\n' "$*"
	"$CONFIGCTL" "$SOCK" "$@" | sed 's/^/  /'
}

# The daemon's log lines written since the last call.
LOGGED=0
show_log() {
	total=$(wc -l <"$LOG")
	tail -n "+$((LOGGED + 1))" "$LOG" | head -n "$((total - LOGGED))" | sed 's/^/  [daemon] /'
	LOGGED=$total
}

# Wait (up to 10 s) until `GET $1` answers $2.
wait_for() {
	i=0
	until [ "$("$CONFIGCTL" "$SOCK" GET "$1")" = "OK $2" ]; do
		i=$((i + 1))
		[ $i -lt 1000 ] || { echo "demo: $1 never became $2" >&2; exit 1; }
		sleep 0.01
	done
}

# Editors write a new file and rename it over the old one; so do we.
edit() {
	sed "$1" "$CONF" >"$CONF.new"
	mv "$CONF.new" "$CONF"
}

say "configd serves $CONF on $SOCK with 4 worker threads"
cp "$HERE/sample.conf" "$CONF"
"$CONFIGD" --workers 4 "$CONF" "$SOCK" >"$DIR/stdout" 2>"$LOG" &
PID=$!
until grep -q serving "$DIR/stdout" 2>/dev/null; do
	kill -0 "$PID" 2>/dev/null || { cat "$LOG" >&2; exit 1; }
	sleep 0.01
done
sed 's/^/  [daemon] /' "$DIR/stdout"

say "Ask it something"
ctl GET server.port
ctl GET greeting.text

say "A reader starts querying in a loop, and keeps going to the end"
(
	n=0 bad=0
	trap 'echo "  reader: $n queries answered, $bad failed, while the config changed underneath"; exit 0' TERM
	while :; do
		if "$CONFIGCTL" "$SOCK" GET greeting.text >/dev/null; then
			n=$((n + 1))
		else
			bad=$((bad + 1))
		fi
	done
) &
READER=$!

say "Edit the file: port 8080 -> 9090 (inotify sees the rename)"
edit 's/^port = 8080/port = 9090/'
wait_for server.port 9090
show_log
ctl GET server.port

say "Reload by signal and by request: each publishes a new generation"
kill -HUP "$PID"
sleep 0.2
show_log
ctl RELOAD
show_log

say "A bad edit: the closing quote is missing"
edit 's/^text = "hello, world"/text = "hello, RCU/'
grep -n '^text' "$CONF" | sed 's/^/  line /'
sleep 0.3
show_log
ctl RELOAD || true
show_log
echo "The old config keeps serving:"
ctl GET greeting.text
ctl STATS

say "Fix it"
edit 's/^text = "hello, RCU$/text = "hello, RCU"/'
wait_for greeting.text '"hello, RCU"'
show_log
ctl GET greeting.text
ctl DUMP

say "Stop it with SIGTERM"
kill "$READER"
wait "$READER" || true
READER=
kill -TERM "$PID"
status=0
wait "$PID" || status=$?
PID=
show_log
echo "configd exited with status $status"
[ "$status" -eq 0 ]
