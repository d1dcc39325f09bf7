#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Load and fault tests against a running kvd.

  faults.py MODE --kvd PATH [--scale X] [--wrapper CMD]

Modes (`all` runs each in turn):
  balance     connections opened in a burst are spread over the workers
              (counted in each worker's epoll set, /proc/PID/fdinfo)
  race        8 clients x 10,000 incr on one key end at exactly 80,000, and
              8 clients appending to one key lose no append
  load        many clients at once, each checking what it reads back
  slow        clients that send a byte at a time; others keep being served
  nonreader   clients that send gets and never read; others keep being
              served and kvd's memory stays bounded
  backlog     a client that reads slowly gets its replies whole, in order,
              including an error that drops a half-built multi-get reply
  flood       connections past -c are told so and closed; the limit frees
  halfclosed  a request then shutdown(SHUT_WR): the reply still comes
  garbage     random bytes, endless lines, an HTTP request: those clients
              are answered or closed, the others are not disturbed
  drain       SIGTERM with requests in flight: every reply is sent, exit 0

Afterwards kvd must hold the descriptors and connections it started with,
and exit 0 on SIGTERM (it checks that every item byte was freed; under
AddressSanitizer, LeakSanitizer checks the rest). --scale multiplies the
counts (sanitizer builds run smaller ones), never the race's 80,000.
"""

import argparse
import os
import random
import signal
import socket
import sys
import threading
import time

import kvdtest as kt
from kvdtest import expect


def fds(server):
    """kvd's sockets and epoll/event descriptors (not pipes: sanitizer
    runtimes open those for their symbolizer when they please)."""
    d = '/proc/%d/fd' % server.proc.pid
    return len([f for f in os.listdir(d)
                if not os.readlink(os.path.join(d, f)).startswith('pipe:')])


def rss_kib(server):
    with open('/proc/%d/status' % server.proc.pid) as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    return 0


def in_threads(n, fn):
    """Run fn(i) in n threads; re-raise the first failure."""
    errors = []

    def wrap(i):
        try:
            fn(i)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append('%s: %s' % (type(e).__name__, e))

    ts = [threading.Thread(target=wrap, args=(i,)) for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(kt.TIMEOUT * 20)
    expect(not any(t.is_alive() for t in ts), 'a client thread hung')
    expect(not errors, '; '.join(errors[:3]))


def served(server, what):
    """A fresh client gets a reply within a second or two."""
    c = server.client()
    t = time.time()
    c.sock.settimeout(5)
    expect(c.call(b'set probe 0 0 2\r\nok\r\n') == b'STORED', what)
    expect(c.get(b'probe') == b'ok', what)
    c.close()
    expect(time.time() - t < 5, '%s: took %.1f s' % (what, time.time() - t))


def epoll_sets(server):
    """The descriptors registered in each of kvd's epoll sets."""
    pid = server.proc.pid
    sets = []
    for f in os.listdir('/proc/%d/fd' % pid):
        try:
            if os.readlink('/proc/%d/fd/%s' % (pid, f)) != 'anon_inode:[eventpoll]':
                continue
            with open('/proc/%d/fdinfo/%s' % (pid, f)) as info:
                sets.append({int(line.split()[1]) for line in info
                             if line.startswith('tfd:')})
        except FileNotFoundError:
            continue  # closed meanwhile (a sanitizer's own)
    return sets


def balance(server, scale):
    n = 4 * 3 + 1
    clients = [server.client() for _ in range(n)]  # a burst: nothing read yet
    for i, c in enumerate(clients):
        expect(c.call(b'set bal%d 0 0 1\r\n%d\r\n' % (i, i % 10)) == b'STORED', 'set')
    sets = epoll_sets(server)
    expect(len(sets) == 4, '%d epoll sets for -t 4' % len(sets))
    # the listening sockets are in every set; each worker's eventfd in its own
    common = set.intersection(*sets)
    pid = server.proc.pid

    def conns(s):
        return len([fd for fd in s - common
                    if os.readlink('/proc/%d/fd/%d' % (pid, fd)).startswith('socket:')])

    counts = sorted(conns(s) for s in sets)
    # n new ones, and the warm-up client of main()
    expect(sum(counts) == n + 1, 'connections in epoll sets: %r, not %d' % (counts, n + 1))
    expect(counts[-1] - counts[0] <= 1, 'connections per worker: %r' % counts)
    for c in clients:
        c.close()
    print('balance: %d connections opened at once, %s per worker' %
          (n + 1, '/'.join(map(str, counts))))


def race(server, scale):
    n, per = 8, 10000
    c = server.client()
    expect(c.call(b'set counter 0 0 1\r\n0\r\n') == b'STORED', 'set counter')
    expect(c.call(b'set log 0 0 0\r\n\r\n') == b'STORED', 'set log')

    def incr(i):
        k = server.client()
        batch = 100  # pipelined, to make the updates race for real
        for _ in range(per // batch):
            k.send(b'incr counter 1\r\n' * batch)
            for _ in range(batch):
                expect(k.line().isdigit(), 'incr reply')
        k.close()

    in_threads(n, incr)
    total = c.get(b'counter')
    expect(total == b'%d' % (n * per), 'counter is %r, not %d' % (total, n * per))

    appends = int(500 * scale) or 1

    def append(i):
        k = server.client()
        for j in range(appends):
            expect(k.call(b'append log 0 0 2\r\n%c%c\r\n' % (65 + i, 65 + j % 26))
                   == b'STORED', 'append')
        k.close()

    in_threads(n, append)
    log = c.get(b'log')
    expect(len(log) == 2 * n * appends, 'log has %d bytes, not %d' %
           (len(log), 2 * n * appends))
    for i in range(n):
        mine = bytes(log[k + 1] for k in range(0, len(log), 2) if log[k] == 65 + i)
        expect(mine == bytes(65 + j % 26 for j in range(appends)),
               'client %d: appends lost or reordered' % i)
    c.close()
    print('race: %d x %d incr = %s; %d x %d appends all there, each client\'s in order'
          % (n, per, total.decode(), n, appends))


def load(server, scale):
    n = 32
    rounds = int(300 * scale) or 1

    def client(i):
        c = server.client()
        rng = random.Random(i)
        mine = {}
        for r in range(rounds):
            k = b'load-%d-%d' % (i, rng.randrange(20))
            if rng.random() < 0.3:
                v = os.urandom(rng.randrange(1, 5000))
                expect(c.call(b'set %s 7 0 %d\r\n%s\r\n' % (k, len(v), v)) == b'STORED',
                       'set')
                mine[k] = v
            else:
                expect(c.get(k) == mine.get(k), 'client %d read back a wrong value' % i)
            if r % 50 == 0:
                c.get(b'shared')  # everyone reads one hot key too
        c.close()

    in_threads(n, client)
    print('load: %d clients x %d requests, every value read back intact' % (n, rounds))


def slow(server, scale):
    slowpokes = []
    for i in range(8):
        c = server.client()
        c.send(b'se')  # then nothing for a while: a request in pieces
        slowpokes.append(c)
    served(server, 'served while clients dawdle')
    for i, c in enumerate(slowpokes):
        for b in b't slow%d 0 0 3\r\nabc\r\nget slow%d\r\n' % (i, i):
            c.send(bytes([b]))
        expect(c.line() == b'STORED', 'slow set')
        expect(c.line().startswith(b'VALUE slow'), 'slow get')
        c.close()
    print('slow: 8 clients sending a byte at a time, the others served')


def nonreader(server, scale):
    before = rss_kib(server)
    c = server.client()
    v = b'x' * 100000
    expect(c.call(b'set fat 0 0 %d\r\n%s\r\n' % (len(v), v)) == b'STORED', 'set fat')
    hogs = []
    for i in range(4):
        h = server.connect()
        h.setblocking(False)
        sent = 0
        deadline = time.time() + 3
        req = b'get fat fat fat fat fat fat fat fat\r\n' * 100
        while time.time() < deadline:
            try:
                sent += h.send(req)
            except BlockingIOError:
                time.sleep(0.05)  # kvd stopped reading us: good
        hogs.append(h)
    served(server, 'served while 4 clients never read')
    grown = rss_kib(server) - before
    expect(grown < 64 * 1024, 'kvd grew by %d KiB for clients that never read' % grown)
    for h in hogs:
        h.close()
    c.close()
    print('nonreader: 4 clients that never read; kvd grew %d KiB and served others'
          % grown)


def backlog(server, scale):
    c = server.client()
    v = os.urandom(900000)
    expect(c.call(b'set fat2 0 0 %d\r\n%s\r\n' % (len(v), v)) == b'STORED', 'set fat2')
    c.close()
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connecting
    s.settimeout(kt.TIMEOUT)
    s.connect(server.address())
    # more replies than the kernel's send buffer takes (tcp_wmem: 4 MiB) pile
    # up unsent in kvd, and the error comes while its buffer holds them
    s.sendall(b'get fat2\r\n' * 8 + b'get ' + b'fat2 ' * 10 + b'y' * 251 + b'\r\n' +
              b'get fat2\r\n')
    time.sleep(0.5)
    r = kt.Client(s)
    block = b'VALUE fat2 0 %d\r\n%s\r\nEND\r\n' % (len(v), v)
    want = block * 8 + b'CLIENT_ERROR bad command line format\r\n' + block
    try:
        while len(r.buf) < len(want):
            r._fill()
    except OSError as e:
        raise kt.Failure('a slow reader got %d of %d bytes (%s)' % (len(r.buf), len(want), e))
    expect(r.buf == want, 'a slow reader got %d bytes, not the %d expected in order'
           % (len(r.buf), len(want)))
    r.close()
    print('backlog: 9 replies of 900 kB and an error, whole and in order, read slowly')


def flood(path, wrapper):
    limit = 20
    s = kt.kvd(path, '-c', str(limit), '-t', '2', wrapper=wrapper)
    try:
        held = []
        while len(held) < limit:
            c = s.client()
            expect(c.call(b'version\r\n').startswith(b'VERSION'), 'under the limit')
            held.append(c)
        rejected = 0
        for i in range(30):
            c = s.client()
            try:
                line = c.line()
                expect(line == b'ERROR Too many open connections', 'past -c: %r' % line)
                expect(c.closed(), 'closed past -c')
                rejected += 1
            finally:
                c.close()
        for c in held[:5]:
            c.close()
        time.sleep(0.3)
        c = s.client()
        expect(c.call(b'version\r\n').startswith(b'VERSION'), 'a freed slot is reused')
        st = c.stats()
        expect(st['rejected_connections'] == '30', 'rejected %r' % st['rejected_connections'])
        c.close()
        for c in held[5:]:
            c.close()
        s.stop_ok()
    finally:
        s.kill()
    print('flood: %d connections past -c %d rejected with the reason; the limit frees'
          % (rejected, limit))


def halfclosed(server, scale):
    for i in range(int(20 * scale) or 1):
        sock = server.connect()
        sock.sendall(b'set hc%d 0 0 2\r\nhi\r\nget hc%d\r\n' % (i, i))
        sock.shutdown(socket.SHUT_WR)
        c = kt.Client(sock)
        expect(c.line() == b'STORED', 'half-closed set')
        expect(c.line() == b'VALUE hc%d 0 2' % i, 'half-closed get')
        expect(c.line() == b'hi' and c.line() == b'END', 'half-closed value')
        expect(c.closed(), 'closed after the last reply')
        c.close()
    print('halfclosed: every reply sent before the close')


def garbage(server, scale):
    rng = random.Random(7)
    for i in range(int(40 * scale) or 1):
        c = server.client()
        c.send(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000))) + b'\n')
        c.sock.settimeout(2)
        try:
            c.sock.recv(65536)
        except (socket.timeout, ConnectionResetError):
            pass
        c.close()
    c = server.client()
    c.send(b'x' * 5000)  # a line with no end, not a get: closed
    expect(c.closed(), 'an endless line closes the connection')
    c.close()
    c = server.client()
    c.send(b'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(c.closed() and c.buf == b'', 'an HTTP request is closed unanswered')
    c.close()
    c = server.client()
    c.send(b'get ' + b'k ' * 2000)  # a long get line may still grow
    time.sleep(0.2)
    c.send(b'k\r\n')
    expect(c.line() == b'END', 'a long get line is served')
    c.close()
    served(server, 'served after the garbage')
    print('garbage: random bytes, an endless line, HTTP; others unaffected')


def drain(path, wrapper, scale):
    s = kt.kvd(path, '-t', '2', wrapper=wrapper)
    clients = []
    n = int(50 * scale) or 1
    try:
        for i in range(4):
            c = s.client()
            c.send(b''.join(b'set d%d 0 0 1\r\n%d\r\n' % (j, j % 10) for j in range(n)))
            clients.append(c)
        for c in clients:  # each is being served before the signal
            expect(c.line() == b'STORED', 'before SIGTERM')
        for c in clients:
            c.send(b'get d0\r\n' * n)
        s.proc.send_signal(signal.SIGTERM)
        for c in clients:
            for _ in range(n - 1):
                expect(c.line() == b'STORED', 'a set in flight at SIGTERM')
            for _ in range(n):
                expect(c.line() == b'VALUE d0 0 1' and c.line() == b'0' and
                       c.line() == b'END', 'a get in flight at SIGTERM')
            expect(c.closed(), 'closed after the drain')
            c.close()
        s.stop_ok()
    finally:
        s.kill()
    print('drain: %d requests in flight at SIGTERM all answered; exit 0' % (8 * n))


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    modes = ['balance', 'race', 'load', 'slow', 'nonreader', 'backlog', 'flood', 'halfclosed',
             'garbage', 'drain']
    p.add_argument('mode', choices=modes + ['all'])
    p.add_argument('--kvd', required=True)
    p.add_argument('--scale', type=float, default=1.0)
    p.add_argument('--wrapper')
    args = p.parse_args()
    todo = modes if args.mode == 'all' else [args.mode]
    try:
        shared = [m for m in todo if m not in ('flood', 'drain')]
        if shared:
            s = kt.kvd(args.kvd, '-t', '4', '-c', '500', wrapper=args.wrapper)
            try:
                c = s.client()
                # warm up: the first retired item starts liburcu's call_rcu
                # thread (and its pipe); every worker is up once it answers
                for i in range(3):
                    expect(c.call(b'set warm 0 0 1\r\n%d\r\n' % i) == b'STORED', 'warm')
                time.sleep(0.5)
                base_fds = fds(s)
                base_conns = int(c.stats()['curr_connections'])
                for m in shared:
                    globals()[m](s, args.scale)
                time.sleep(0.5)  # closing clients are reaped
                st = c.stats()
                expect(int(st['curr_connections']) == base_conns,
                       'connections: %s, not %d' % (st['curr_connections'], base_conns))
                expect(fds(s) == base_fds, 'descriptors: %d, not %d: %s' % (
                    fds(s), base_fds, sorted(os.readlink('/proc/%d/fd/%s' % (s.proc.pid, f))
                                             for f in os.listdir('/proc/%d/fd' % s.proc.pid))))
                c.close()
                s.stop_ok()
            finally:
                s.kill()
            print('no descriptor or connection left behind (%d fds)' % base_fds)
        if 'flood' in todo:
            flood(args.kvd, args.wrapper)
        if 'drain' in todo:
            drain(args.kvd, args.wrapper, args.scale)
    except kt.Failure as e:
        return kt.failed(e)
    return 0


if __name__ == '__main__':
    sys.exit(main())
