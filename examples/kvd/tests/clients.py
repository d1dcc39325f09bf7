#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Real clients against kvd: memccapable, pymemcache, libmemcached's tools.

  clients.py capable --kvd PATH    memccapable -a: every ASCII test passes
  clients.py python  --kvd PATH    pymemcache, every command kvd implements
  clients.py tools   --kvd PATH    memccp, memccat, memcrm, memcstat, memcflush
  clients.py unix    --kvd PATH    -s: the same protocol on a UNIX socket
  clients.py expiry  --kvd PATH    expiry times and flush_all with a delay
  clients.py limits  --kvd PATH    -m without eviction, -I, stats of both
  clients.py cli     --kvd PATH    --help, --version, bad options, a taken port

Each starts kvd on a free port (or a temporary socket), stops it with
SIGTERM and requires exit status 0 (under AddressSanitizer: no leak).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

import kvdtest as kt
from kvdtest import expect


def capable(args):
    s = kt.kvd(args.kvd, wrapper=args.wrapper)
    try:
        p = subprocess.run(['memccapable', '-a', '-t', '20', '-h', '127.0.0.1',
                            '-p', str(s.port)], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=300)
        print(p.stdout.rstrip())
        passed = [l for l in p.stdout.splitlines() if l.endswith('[pass]')]
        failed = [l for l in p.stdout.splitlines() if '[pass]' not in l and
                  l.startswith('ascii ')]
        expect(p.returncode == 0 and not failed and len(passed) >= 27,
               'memccapable -a: exit %d, %d passed, failed: %s' %
               (p.returncode, len(passed), failed))
        s.stop_ok()
    finally:
        s.kill()
    print('memccapable -a: %d ASCII tests passed' % len(passed))


def python(args):
    from pymemcache.client.base import Client
    from pymemcache.exceptions import MemcacheServerError

    s = kt.kvd(args.kvd, '-I', '2m', wrapper=args.wrapper)
    try:
        c = Client(('127.0.0.1', s.port), timeout=kt.TIMEOUT, connect_timeout=kt.TIMEOUT)
        expect(c.version().startswith(b'1.6.18'), 'version %r' % c.version())
        expect(c.set('a', b'1') is True, 'set')
        expect(c.get('a') == b'1', 'get')
        expect(c.set('b', b'\x00\r\n\xff', noreply=False) is True, 'set binary')
        expect(c.get_many(['a', 'b', 'missing']) == {'a': b'1', 'b': b'\x00\r\n\xff'},
               'get_many')
        expect(c.add('a', b'2', noreply=False) is False, 'add existing')
        expect(c.add('c', b'3', noreply=False) is True, 'add new')
        expect(c.replace('zz', b'x', noreply=False) is False, 'replace missing')
        expect(c.replace('c', b'33', noreply=False) is True, 'replace')
        expect(c.append('c', b'4', noreply=False) is True, 'append')
        expect(c.prepend('c', b'2', noreply=False) is True, 'prepend')
        expect(c.get('c') == b'2334', 'append/prepend: %r' % c.get('c'))
        v, cas = c.gets('c')
        expect(v == b'2334', 'gets')
        expect(c.cas('c', b'new', cas, noreply=False) is True, 'cas match')
        expect(c.cas('c', b'newer', cas, noreply=False) is False, 'cas stale')
        expect(c.cas('nope', b'x', b'1', noreply=False) is None, 'cas missing')
        expect(c.incr('a', 41) == 42, 'incr')
        expect(c.decr('a', 50) == 0, 'decr floors at 0')
        expect(c.incr('missing', 1) is None, 'incr missing')
        expect(c.touch('a', 100, noreply=False) is True, 'touch')
        expect(c.touch('missing', 100, noreply=False) is False, 'touch missing')
        big = os.urandom(1024 * 1024 + 100)
        expect(c.set('big', big, noreply=False) is True, 'set 1 MiB')
        expect(c.get('big') == big, 'get 1 MiB')
        try:
            c.set('huge', b'h' * (3 * 1024 * 1024), noreply=False)
            expect(False, 'a 3 MiB set past -I 2m was stored')
        except MemcacheServerError as e:
            expect(b'object too large' in str(e).encode(), 'too large: %s' % e)
        expect(c.delete('b', noreply=False) is True, 'delete')
        expect(c.delete('b', noreply=False) is False, 'delete missing')
        st = c.stats()
        expect(st[b'curr_items'] == 3 and st[b'get_hits'] >= 5, 'stats %r' % st)
        expect(c.flush_all(noreply=False) is True, 'flush_all')
        expect(c.get('a') is None and c.get('big') is None, 'flushed')
        # flush_all only marks; the crawler unlinks within a tick or two
        deadline = time.time() + kt.TIMEOUT
        while c.stats()[b'curr_items'] != 0 and time.time() < deadline:
            time.sleep(0.05)
        expect(c.stats()[b'curr_items'] == 0, 'no items after flush_all')
        c.quit()
        s.stop_ok()
    finally:
        s.kill()
    print('pymemcache: every command as expected')


def tool(*argv, stdin=None):
    p = subprocess.run(list(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60, input=stdin)
    return p.returncode, p.stdout, p.stderr


def tools(args):
    s = kt.kvd(args.kvd, wrapper=args.wrapper)
    srv = '--servers=' + s.server_arg()
    try:
        with tempfile.TemporaryDirectory() as d:
            files = {}
            for name, data in (('one.txt', b'first file\n'),
                               ('two.bin', os.urandom(70000))):
                path = os.path.join(d, name)
                with open(path, 'wb') as f:
                    f.write(data)
                files[name] = (path, data)
            rc, out, err = tool('memccp', srv, *[p for p, _ in files.values()])
            expect(rc == 0, 'memccp: exit %d %r' % (rc, err))
            for name, (_, data) in files.items():
                rc, out, err = tool('memccat', srv, name)
                # memccat ends what it prints with a newline
                expect(rc == 0 and out == data + b'\n', 'memccat %s: exit %d, %d bytes' %
                       (name, rc, len(out)))
            c = s.client()
            expect(c.get(b'one.txt') == b'first file\n', 'raw get of memccp item')
            rc, out, err = tool('memcstat', srv)
            text = out.decode()
            expect(rc == 0 and 'curr_items: 2' in text and 'cmd_get:' in text,
                   'memcstat: exit %d %r' % (rc, text[:400]))
            rc, out, err = tool('memcrm', srv, 'one.txt')
            expect(rc == 0 and c.get(b'one.txt') is None, 'memcrm: exit %d' % rc)
            rc, out, err = tool('memccat', srv, 'one.txt')
            expect(rc != 0, 'memccat of a removed key succeeded')
            rc, out, err = tool('memcflush', srv)
            expect(rc == 0 and c.get(b'two.bin') is None, 'memcflush: exit %d' % rc)
            c.close()
        s.stop_ok()
    finally:
        s.kill()
    print('libmemcached tools: memccp, memccat, memcrm, memcstat, memcflush')


def unix(args):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'kvd.sock')
        s = kt.kvd(args.kvd, wrapper=args.wrapper, unix=path)
        try:
            c = s.client()
            expect(c.call(b'set u 5 0 2\r\nhi\r\n') == b'STORED', 'set over UNIX')
            expect(c.get(b'u') == b'hi', 'get over UNIX')
            c.close()
            rc, out, _ = tool('memccat', '--servers=' + path, 'u')
            expect(rc == 0 and out == b'hi\n', 'memccat over UNIX: %d %r' % (rc, out))
            s.stop_ok()
            expect(not os.path.exists(path), 'the socket is removed at exit')
        finally:
            s.kill()
    print('UNIX socket: served, removed at exit')


def expiry(args):
    s = kt.kvd(args.kvd, wrapper=args.wrapper)
    try:
        c = s.client()
        past = int(time.time()) - 10
        future = int(time.time()) + 3600
        expect(c.call(b'set e1 0 1 1\r\na\r\n') == b'STORED', 'set 1 s')
        expect(c.call(b'set e2 0 %d 1\r\nb\r\n' % future) == b'STORED', 'set absolute')
        expect(c.call(b'set e3 0 %d 1\r\nc\r\n' % past) == b'STORED', 'set past')
        expect(c.call(b'set e4 0 -1 1\r\nd\r\n') == b'STORED', 'set negative')
        expect(c.get(b'e1') == b'a' and c.get(b'e2') == b'b', 'live items')
        expect(c.get(b'e3') is None and c.get(b'e4') is None, 'expired at once')
        expect(c.call(b'add e3 0 0 1\r\nC\r\n') == b'STORED', 'add over an expired item')
        expect(c.call(b'touch e2 1\r\n') == b'TOUCHED', 'touch')
        time.sleep(2.2)
        expect(c.get(b'e1') is None and c.get(b'e2') is None, 'expired after 1 s')
        expect(c.call(b'replace e1 0 0 1\r\nx\r\n') == b'NOT_STORED', 'replace expired')
        expect(c.call(b'incr e1 1\r\n') == b'NOT_FOUND', 'incr expired')
        expect(c.call(b'set f1 0 0 1\r\na\r\n') == b'STORED', 'set f1')
        expect(c.call(b'flush_all 2\r\n') == b'OK', 'flush_all 2')
        expect(c.get(b'f1') == b'a', 'still there before the delay')
        time.sleep(3.2)
        expect(c.get(b'f1') is None, 'flushed after the delay')
        expect(c.call(b'set f2 0 0 1\r\nb\r\n') == b'STORED', 'set after the flush')
        expect(c.get(b'f2') == b'b', 'an item stored after a flush is kept')
        st = c.stats()
        # f2 only: the sweep took the flushed item and the expired ones
        expect(st['curr_items'] == '1', 'the flush removed what it invalidated: %r'
               % st['curr_items'])
        c.close()
        s.stop_ok()
    finally:
        s.kill()
    print('expiry: relative, absolute, negative, touch, flush_all with a delay')


def limits(args):
    s = kt.kvd(args.kvd, '-M', '-m', '2', '-I', '200k', wrapper=args.wrapper)
    try:
        c = s.client()
        v = b'm' * 100000
        stored = 0
        while True:
            r = c.call(b'set m%d 0 0 %d\r\n%s\r\n' % (stored, len(v), v))
            if r != b'STORED':
                break
            stored += 1
        expect(r == b'SERVER_ERROR out of memory storing object', 'past -m: %r' % r)
        expect(18 <= stored <= 21, '%d items of 100 kB fit in -m 2' % stored)
        st = c.stats()
        expect(int(st['bytes']) <= 2 * 1024 * 1024 and st['evictions'] == '0' and
               st['limit_maxbytes'] == str(2 * 1024 * 1024), 'stats: %r' % st)
        expect(c.get(b'm0') == v, 'nothing evicted')
        # a set that fails takes the old value with it, as memcached's
        expect(c.call(b'set m0 0 0 %d\r\n%s\r\n' % (len(v) * 3, v * 3)) ==
               b'SERVER_ERROR object too large for cache', 'past -I')
        expect(c.get(b'm0') is None, 'a failed set leaves no stale value')
        for i in range(1, 6):
            expect(c.call(b'delete m%d\r\n' % i) == b'DELETED', 'delete')
        # the deleted items' memory returns after a grace period
        deadline = time.time() + kt.TIMEOUT
        while True:
            r = c.call(b'set again 0 0 %d\r\n%s\r\n' % (len(v), v))
            if r == b'STORED' or time.time() > deadline:
                break
            time.sleep(0.05)
        expect(r == b'STORED', 'memory freed by deletes is reused: %r' % r)
        while int(c.stats()['bytes']) > 1600000 and time.time() < deadline:
            time.sleep(0.05)  # every deleted item freed: room for the next
        w = b'w' * 150000  # fits -I alone, not with m6's 100 kB
        r = c.call(b'append m6 0 0 %d\r\n%s\r\n' % (len(w), w))
        expect(r == b'NOT_STORED', 'an append whose result is past -I: %r' % r)
        expect(c.get(b'm6') == v, 'the item appended to is unchanged')
        st = c.stats()
        expect(st['store_too_large'] == '1' and int(st['store_no_memory']) >= 1,
               'stats of the failures: %r' % st)
        c.close()
        s.stop_ok()
    finally:
        s.kill()
    print('limits: %d items of 100 kB in -m 2, then out of memory; -I; memory reused'
          % stored)


def cli(args):
    p = subprocess.run([args.kvd, '--help'], stdout=subprocess.PIPE, text=True, timeout=30)
    expect(p.returncode == 0 and '--memory-limit' in p.stdout and '-t, --threads' in p.stdout,
           '--help: %d %r' % (p.returncode, p.stdout[:200]))
    p = subprocess.run([args.kvd, '--version'], stdout=subprocess.PIPE, text=True, timeout=30)
    expect(p.returncode == 0 and p.stdout.startswith('kvd '), '--version: %r' % p.stdout)
    for bad, why in ((['-t', '0'], "invalid -t '0'"), (['-m', 'lots'], "invalid -m 'lots'"),
                     (['-I', '1000'], 'at least 1024'), (['-m', '1', '-I', '1m'], 'half'),
                     (['--frobnicate'], 'Usage'), (['extra'], "unexpected argument")):
        p = subprocess.run([args.kvd] + bad, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=30)
        expect(p.returncode == 2 and why in p.stderr,
               '%s: exit %d, %r' % (' '.join(bad), p.returncode, p.stderr[:200]))
    s = kt.kvd(args.kvd, wrapper=args.wrapper)
    try:
        p = subprocess.run([args.kvd, '-p', str(s.port)], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=30)
        expect(p.returncode == 1 and 'cannot listen' in p.stderr,
               'a taken port: exit %d, %r' % (p.returncode, p.stderr))
        s.stop_ok()
    finally:
        s.kill()
    print('cli: --help, --version, six bad command lines (exit 2), a taken port (exit 1)')


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('mode', choices=['capable', 'python', 'tools', 'unix', 'expiry',
                                    'limits', 'cli'])
    p.add_argument('--kvd', required=True)
    p.add_argument('--wrapper')
    args = p.parse_args()
    try:
        globals()[args.mode](args)
    except kt.Failure as e:
        return kt.failed(e)
    return 0


if __name__ == '__main__':
    sys.exit(main())
