#!/bin/sh
# SPDX-License-Identifier: MIT
# The kvd demo: start kvd, store and read items with libmemcached's tools,
# race 8 clients incrementing one counter, show a cas conflict, print stats,
# stop it with SIGTERM.
#
#   demo.sh PATH-TO-KVD
set -eu

kvd=${1:?usage: demo.sh PATH-TO-KVD}
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
servers="--servers=127.0.0.1:$port"
dir=$(mktemp -d)
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT

# One request, its reply; the raw protocol over a socket.
say() {
	python3 - "$port" "$1" <<'EOF'
import socket, sys, time
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
s.sendall(sys.argv[2].encode().decode('unicode_escape').encode('latin-1'))
s.settimeout(0.5)
out = b''
try:
    while True:
        d = s.recv(65536)
        if not d:
            break
        out += d
except socket.timeout:
    pass
sys.stdout.write(out.decode(errors='replace').replace('\r\n', '\n'))
EOF
}

echo "== kvd -p $port -t 2 -m 64"
"$kvd" -p "$port" -t 2 -m 64 -v &
pid=$!
i=0
until say 'version\r\n' 2>/dev/null | grep -q VERSION; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "kvd did not start"; exit 1; }
	sleep 0.05
done

echo
echo "== memccp: store two files, memccat: read one back"
printf 'hello from kvd\n' > "$dir/greeting.txt"
head -c 5000 /dev/urandom > "$dir/blob.bin"
memccp "$servers" "$dir/greeting.txt" "$dir/blob.bin"
memccat "$servers" greeting.txt
printf 'blob.bin: %s bytes stored\n' "$(memccat "$servers" blob.bin | head -c -1 | wc -c)"

echo
echo "== 8 clients x 2,500 incr on one key, at once"
say 'set hits 0 0 1\r\n0\r\n'
python3 - "$port" <<'EOF'
import socket, sys, threading
port = int(sys.argv[1])
def client():
    s = socket.create_connection(('127.0.0.1', port))
    f = s.makefile('rb')
    for _ in range(25):
        s.sendall(b'incr hits 1\r\n' * 100)
        for _ in range(100):
            f.readline()
    s.close()
ts = [threading.Thread(target=client) for _ in range(8)]
for t in ts: t.start()
for t in ts: t.join()
EOF
printf 'hits = %s (expected 20000: no update lost)\n' "$(memccat "$servers" hits)"

echo
echo "== cas: two clients read the same unique; the second write loses"
say 'set doc 0 0 2\r\nv1\r\ngets doc\r\n' | tee "$dir/gets"
unique=$(awk '/^VALUE/ { print $5 }' "$dir/gets")
echo "-- client A: cas doc ... $unique"
say "cas doc 0 0 2 $unique\\r\\nvA\\r\\n"
echo "-- client B, with the same (now stale) unique:"
say "cas doc 0 0 2 $unique\\r\\nvB\\r\\n"
say 'get doc\r\n'

echo
echo "== memcstat (abridged)"
memcstat "$servers" | grep -E 'curr_items|total_items|cmd_get|get_hits|cmd_set|incr_hits|cas_hits|cas_badval|bytes:|curr_connections|threads'

echo
echo "== memcrm greeting.txt, memcflush"
memcrm "$servers" greeting.txt
memccat "$servers" greeting.txt 2>/dev/null || echo "greeting.txt: gone"
memcflush "$servers"
sleep 0.3	# flush_all only marks the items; the crawler unlinks them
say 'stats\r\n' | grep curr_items

echo
echo "== SIGTERM"
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=""
echo "kvd exited with status $status"
exit "$status"
