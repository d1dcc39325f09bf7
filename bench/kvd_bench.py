#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""kvd against memcached -M under memaslap (libmemcached-tools' memcaslap).

  kvd_bench.py run     --kvd PATH --out DIR [--seconds S] [--reps N]
  kvd_bench.py profile --kvd PATH --out DIR
  kvd_bench.py evict   --kvd PATH --out DIR [--seconds S] [--reps N]
  kvd_bench.py smoke   --kvd PATH

run: for each get/set mix (90/10, 99/1), server threads (1, 2) and client
concurrency (4, 20, 50), memaslap drives kvd and memcached (same -t, same
-m 64, memcached with -M) over 100,000 keys of 16 bytes with 100-byte
values, one server after the other, the order alternating between
repetitions; reports requests/s and latency (mean, and the 99th percentile
from memaslap's log2 histogram: an upper bound, a power of two) and the
kvd/memcached ratio: kvd.csv (every run), kvd.md (medians), kvd.png.

profile: each server under callgrind while a client sends 20,000 gets of
present keys; reports instructions per GET, where they go, and which
executed functions contain a locked or exchanging instruction (objdump):
kvd-profile.txt.

hitratio: cache-aside (a GET miss is followed by a SET of the key), 90 %
GETs and 10 % SETs, keys drawn from a Zipf distribution (alpha 0.8 and
0.99) over a key space ten times what -m 16 holds, values of 64 B to 4 KB
(each key its own length); kvd (SIEVE) against memcached without -M (its
segmented LRU), both -m 16 and -t 1, then -t 2, the same request sequence for both, the
order alternating; a warm-up, then the hit ratio of the measured part and
the driver's requests/s (one Python client, pipelined 100 at a time: its
own speed bounds that figure; memaslap's table is the throughput one);
median of --reps (default 5): kvd-hitratio.csv, kvd-hitratio.md,
kvd-hitratio.png.

evict: each server filled with 400,000 items (about five times what -m 8
holds), then memaslap, 90 % GETs, both servers evicting (kvd by default,
memcached without -M), -t 1 and 2, 20 clients: requests/s, the p99 bound
and the evictions during the run, median of --reps (default 5):
kvd-evict.csv, kvd-evict.md.

smoke: one short memaslap run against each server (for scons check).
"""

import argparse
import bisect
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'examples', 'kvd', 'tests'))
import kvdtest as kt  # noqa: E402

KEYS = 100000
MIXES = [('90/10', 0.9), ('99/1', 0.99)]
THREADS = [1, 2]
CONCURRENCY = [4, 20, 50]
CLIENT_THREADS = 2


def config(get_share):
    f = tempfile.NamedTemporaryFile('w', suffix='.cfg', delete=False)
    f.write('key\n16 16 1\nvalue\n100 100 1\ncmd\n0 %.3f\n1 %.3f\n' %
            (1 - get_share, get_share))
    f.close()
    return f.name


def start(which, kvd, threads):
    if which == 'kvd':
        return kt.kvd(kvd, '-t', str(threads), '-m', '64')
    return kt.memcached('-t', str(threads), '-m', '64')


def alternating(reps):
    """(rep, server) for each repetition, the order alternating so that
    neither server always runs first."""
    for rep in range(reps):
        for which in (('kvd', 'memcached') if rep % 2 == 0 else ('memcached', 'kvd')):
            yield rep, which


def stop(which, server):
    """kvd must stop cleanly (a failure is a finding); memcached is killed."""
    if which == 'kvd':
        server.stop_ok()
    else:
        server.kill()


def memaslap(server, cfg, seconds, concurrency, keys=KEYS):
    """One run; returns (requests/s, mean latency us, p99 bound us).

    memaslap now and then hangs for half a minute after its run, against
    memcached as against kvd, with no connection left open, and counts the
    hang in its run time and latencies; such a run is measured again."""
    for attempt in range(3):
        tps, avg, p99, elapsed = memaslap_once(server, cfg, seconds, concurrency, keys)
        if elapsed <= seconds * 1.5:
            return tps, avg, p99
        print('  (memaslap ran %.1f s for -t %ds: measured again)' % (elapsed, seconds))
    raise kt.Failure('memaslap kept hanging after its runs')


def memaslap_once(server, cfg, seconds, concurrency, keys=KEYS):
    win = keys // concurrency // 1000
    argv = ['memcaslap', '-s', server.server_arg(), '-F', cfg, '-t', '%ds' % seconds,
            '-S', '%ds' % seconds, '-T', str(min(CLIENT_THREADS, concurrency)),
            '-c', str(concurrency), '-w', '%dk' % win]
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=seconds * 10 + 60)
    out = p.stdout
    m = re.search(r'Run time: ([\d.]+)s Ops: (\d+) TPS: (\d+)', out)
    if p.returncode != 0 or not m:
        raise kt.Failure('memcaslap failed (%d):\n%s' % (p.returncode, out[-2000:]))
    tps = int(m.group(3))
    # the last "Total Statistics" block is the whole run's
    block = out[out.rindex('Total Statistics'):]
    avg = float(re.search(r'Avg:\s+([\d.]+)', block).group(1))
    return tps, avg, p99_bound(block), float(m.group(1))


def p99_bound(block):
    """99th percentile upper bound from memaslap's Log2 Dist: rows of four
    counts, row label r covering 2^r .. 2^(r+3) microseconds."""
    counts = []
    for m in re.finditer(r'^\s+(\d+):((?:\s+\d+)+)$', block, re.M):
        base = int(m.group(1))
        for i, n in enumerate(m.group(2).split()):
            counts.append((base + i, int(n)))
    total = sum(n for _, n in counts)
    seen = 0
    for b, n in sorted(counts):
        seen += n
        if seen >= 0.99 * total:
            return 2 ** b
    return 0


def run(args):
    os.makedirs(args.out, exist_ok=True)
    rows = []
    for mix, share in MIXES:
        cfg = config(share)
        for threads in THREADS:
            for conc in CONCURRENCY:
                for rep, which in alternating(args.reps):
                    s = start(which, args.kvd, threads)
                    try:
                        tps, avg, p99 = memaslap(s, cfg, args.seconds, conc)
                    finally:
                        stop(which, s)
                    rows.append((mix, threads, conc, rep, which, tps, avg, p99))
                    print('%-5s t=%d c=%-3d rep %d %-9s %8d req/s  mean %6.1f us  '
                          'p99 <= %d us' % (mix, threads, conc, rep, which, tps, avg, p99),
                          flush=True)
        os.unlink(cfg)
    with open(os.path.join(args.out, 'kvd-runs.csv'), 'w') as f:
        f.write('mix,threads,concurrency,rep,server,req_per_s,mean_us,p99_us\n')
        for r in rows:
            f.write('%s,%d,%d,%d,%s,%d,%.1f,%d\n' % r)
    summary = []
    for mix, _ in MIXES:
        for threads in THREADS:
            for conc in CONCURRENCY:
                med = {}
                for which in ('kvd', 'memcached'):
                    sel = [r for r in rows if r[:3] == (mix, threads, conc) and r[4] == which]
                    med[which] = (statistics.median(r[5] for r in sel),
                                  statistics.median(r[6] for r in sel),
                                  statistics.median(r[7] for r in sel))
                summary.append((mix, threads, conc, med['kvd'], med['memcached']))
    with open(os.path.join(args.out, 'kvd.csv'), 'w') as f:
        f.write('mix,threads,concurrency,kvd_req_per_s,memcached_req_per_s,ratio,'
                'kvd_mean_us,memcached_mean_us,kvd_p99_us,memcached_p99_us\n')
        for mix, t, c, k, m in summary:
            f.write('%s,%d,%d,%d,%d,%.2f,%.1f,%.1f,%d,%d\n' %
                    (mix, t, c, k[0], m[0], k[0] / m[0], k[1], m[1], k[2], m[2]))
    table = ['| get/set | server threads | clients | kvd req/s | memcached req/s | '
             'kvd / memcached | mean latency kvd / memcached (µs) | p99 ≤ kvd / memcached (µs) |',
             '|---|---|---|---|---|---|---|---|']
    for mix, t, c, k, m in summary:
        table.append('| %s | %d | %d | %d | %d | %.2f | %.0f / %.0f | %d / %d |' %
                     (mix, t, c, k[0], m[0], k[0] / m[0], k[1], m[1], k[2], m[2]))
    with open(os.path.join(args.out, 'kvd.md'), 'w') as f:
        f.write('memaslap, %d keys of 16 bytes, 100-byte values, %d client threads, '
                '%d s per run, median of %d; both servers -m 64, memcached -M.\n\n' %
                (KEYS, CLIENT_THREADS, args.seconds, args.reps))
        f.write('\n'.join(table) + '\n')
    print('\n'.join(table))
    plot(args.out)


def plot(out):
    gp = os.path.join(HERE, 'kvd.gp')
    subprocess.run(['gnuplot', '-e', "datafile='%s'; outfile='%s'" % (
        os.path.join(out, 'kvd.csv'), os.path.join(out, 'kvd.png')), gp], check=True)


# --- hitratio: cache-aside over Zipf keys ---------------------------------------

HR_MB = 16
HR_ALPHAS = [0.8, 0.99]
HR_BATCH = 100


HR_THREADS = [1, 2]


def evicting_memcached(threads, mb):
    """memcached as it runs by default: evicting (no -M), no UDP."""
    argv = ['memcached', '-U', '0', '-l', '127.0.0.1', '-t', str(threads), '-m', str(mb)]
    if os.geteuid() == 0:
        argv += ['-u', 'root']
    return kt.Server(argv, 'memcached')


def hr_start(which, kvd, threads):
    if which == 'kvd':
        return kt.kvd(kvd, '-t', str(threads), '-m', str(HR_MB))
    return evicting_memcached(threads, HR_MB)


def hr_workload(alpha, nkeys, nreq, seed):
    """The request sequence: (is_get, key index) pairs, and each key's length."""
    rng = random.Random(seed)
    cdf, total = [], 0.0
    for i in range(nkeys):
        total += 1.0 / (i + 1) ** alpha
        cdf.append(total)
    # rank i is key perm[i], so popular keys are not the low numbers
    perm = list(range(nkeys))
    rng.shuffle(perm)
    lens = [rng.randrange(64, 4097) for _ in range(nkeys)]
    reqs = [(rng.random() < 0.9, perm[bisect.bisect_left(cdf, rng.random() * total)])
            for _ in range(nreq)]
    return reqs, lens


def hr_drive(server, reqs, lens, warm):
    """Run reqs cache-aside; hits and gets counted after the first warm."""
    c = server.client()
    # as a pipelining client should: without it, the small batch of gets
    # after a large noreply write can wait for the server's delayed ACK
    c.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    hits = gets = 0
    t0 = time.time()
    for start in range(0, len(reqs), HR_BATCH):
        if start == warm:
            t0 = time.time()
        batch = reqs[start:start + HR_BATCH]
        keys = [k for is_get, k in batch if is_get]
        c.send(b''.join(b'get k%d\r\n' % k for k in keys))
        missed = []
        for k in keys:
            head = c.line()
            if head == b'END':
                missed.append(k)
                continue
            n = int(head.split(b' ')[3])
            while len(c.buf) < n + 2:
                c._fill()
            c.buf = c.buf[n + 2:]
            kt.expect(c.line() == b'END', 'END')
        if start >= warm:
            gets += len(keys)
            hits += len(keys) - len(missed)
        sets = missed + [k for is_get, k in batch if not is_get]
        c.send(b''.join(b'set k%d 0 0 %d noreply\r\n%s\r\n' % (k, lens[k], b'v' * lens[k])
                        for k in sets))
    kt.expect(c.call(b'version\r\n').startswith(b'VERSION'), 'version')
    took = time.time() - t0
    c.close()
    return hits / gets, (len(reqs) - warm) / took


def hitratio(args):
    os.makedirs(args.out, exist_ok=True)
    per_item = 2080 + 100  # mean value, key and header: about what -m holds
    nkeys = 10 * HR_MB * 1024 * 1024 // per_item
    warm, nreq = 100000, 200000
    rows = []
    for alpha in HR_ALPHAS:
        reqs, lens = hr_workload(alpha, nkeys, nreq, seed=int(alpha * 100))
        for threads in HR_THREADS:
            for rep, which in alternating(args.reps):
                s = hr_start(which, args.kvd, threads)
                try:
                    ratio, rps = hr_drive(s, reqs, lens, warm)
                finally:
                    stop(which, s)
                rows.append((alpha, threads, rep, which, ratio, rps))
                print('alpha %.2f t=%d rep %d %-9s hit ratio %.4f  %6d req/s' %
                      (alpha, threads, rep, which, ratio, rps), flush=True)
    # the plot: -t 2, as before; the table: both
    with open(os.path.join(args.out, 'kvd-hitratio.csv'), 'w') as f:
        f.write('alpha,kvd_hit_ratio,memcached_hit_ratio,kvd_req_per_s,memcached_req_per_s\n')
        table = ['| Zipf alpha | server threads | kvd hit ratio | memcached hit ratio | '
                 'kvd req/s | memcached req/s |', '|---|---|---|---|---|---|']
        for alpha in HR_ALPHAS:
            for threads in HR_THREADS:
                sel = [r for r in rows if r[:2] == (alpha, threads)]
                med = {w: (statistics.median(r[4] for r in sel if r[3] == w),
                           statistics.median(r[5] for r in sel if r[3] == w))
                       for w in ('kvd', 'memcached')}
                if threads == HR_THREADS[-1]:
                    f.write('%.2f,%.4f,%.4f,%d,%d\n' % (alpha, med['kvd'][0],
                                                       med['memcached'][0],
                                                       med['kvd'][1], med['memcached'][1]))
                table.append('| %.2f | %d | %.3f | %.3f | %d | %d |' % (
                    alpha, threads, med['kvd'][0], med['memcached'][0], med['kvd'][1],
                    med['memcached'][1]))
    with open(os.path.join(args.out, 'kvd-hitratio.md'), 'w') as f:
        f.write('cache-aside, 90 %% GET, %d keys (10x what -m %d holds), values 64 B to 4 KB, '
                '%d requests after %d of warm-up, median of %d; the same -t for both, '
                'memcached evicting (no -M).\n\n' % (nkeys, HR_MB, nreq - warm, warm, args.reps))
        f.write('\n'.join(table) + '\n')
    print('\n'.join(table))
    gp = os.path.join(HERE, 'kvd_hitratio.gp')
    subprocess.run(['gnuplot', '-e', "datafile='%s'; outfile='%s'" % (
        os.path.join(args.out, 'kvd-hitratio.csv'),
        os.path.join(args.out, 'kvd-hitratio.png')), gp], check=True)


# --- evict: throughput and latency while both servers evict -------------------

EV_MB = 8
EV_KEYS = 400000  # 16-byte keys, 100-byte values: about five times what -m 8 holds
EV_CONCURRENCY = 20


def server_stats(server):
    c = server.client()
    c.send(b'stats\r\n')
    st = {}
    while True:
        line = c.line()
        if line == b'END':
            break
        _, name, value = line.split(b' ', 2)
        st[name.decode()] = value.decode()
    c.close()
    return st


def prefill(server, n):
    """n items of 100 bytes, pipelined without replies: a full cache."""
    c = server.client()
    value = b'f' * 100
    for start in range(0, n, 1000):
        c.send(b''.join(b'set fill%d 0 0 100 noreply\r\n%s\r\n' % (i, value)
                        for i in range(start, min(n, start + 1000))))
    kt.expect(c.call(b'version\r\n').startswith(b'VERSION'), 'version')
    c.close()


def evict(args):
    """Each server filled with five times what -m holds, then memaslap,
    90 % GET: every SET evicts (kvd's SIEVE hand, memcached's LRU);
    requests/s, p99 bound and the evictions during the run, median of
    --reps, order alternating."""
    os.makedirs(args.out, exist_ok=True)
    cfg = config(0.9)
    rows = []
    try:
        for threads in THREADS:
            for rep, which in alternating(args.reps):
                if which == 'kvd':
                    s = kt.kvd(args.kvd, '-t', str(threads), '-m', str(EV_MB))
                else:
                    s = evicting_memcached(threads, EV_MB)
                try:
                    prefill(s, EV_KEYS)
                    before = int(server_stats(s)['evictions'])
                    tps, avg, p99 = memaslap(s, cfg, args.seconds, EV_CONCURRENCY,
                                             EV_KEYS)
                    evicted = int(server_stats(s)['evictions']) - before
                finally:
                    stop(which, s)
                kt.expect(evicted > 0, '%s evicted nothing during the run' % which)
                rows.append((threads, rep, which, tps, avg, p99, evicted))
                print('evict t=%d rep %d %-9s %8d req/s  mean %6.1f us  p99 <= %d us  '
                      '%d evicted' % (threads, rep, which, tps, avg, p99, evicted),
                      flush=True)
    finally:
        os.unlink(cfg)
    table = ['| server threads | kvd req/s | memcached req/s | kvd / memcached | '
             'p99 ≤ kvd / memcached (µs) | evicted kvd / memcached |',
             '|---|---|---|---|---|---|']
    with open(os.path.join(args.out, 'kvd-evict.csv'), 'w') as f:
        f.write('threads,rep,server,req_per_s,mean_us,p99_us,evictions\n')
        for r in rows:
            f.write('%d,%d,%s,%d,%.1f,%d,%d\n' % r)
    for threads in THREADS:
        med = {w: [statistics.median(r[i] for r in rows if r[0] == threads and r[2] == w)
                   for i in (3, 5, 6)] for w in ('kvd', 'memcached')}
        k, m = med['kvd'], med['memcached']
        table.append('| %d | %d | %d | %.2f | %d / %d | %d / %d |' % (
            threads, k[0], m[0], k[0] / m[0], k[1], m[1], k[2], m[2]))
    with open(os.path.join(args.out, 'kvd-evict.md'), 'w') as f:
        f.write('each server first filled with %d items of 100 bytes (about five times '
                'what -m %d holds), then memaslap, 90 %% GET, 16-byte keys, 100-byte '
                'values, %d clients, %d s per run, median of %d; both servers evicting '
                '(kvd by default, memcached without -M); "evicted" counts the run '
                'alone.\n\n' % (EV_KEYS, EV_MB, EV_CONCURRENCY, args.seconds, args.reps))
        f.write('\n'.join(table) + '\n')
    print('\n'.join(table))


# --- profile: callgrind ----------------------------------------------------------

GETS = 20000
# An atomic read-modify-write on x86: a lock prefix, or xchg with memory
# (implicitly locked). xchg %ax,%ax is a two-byte no-op, not one.
ATOMIC = re.compile(r'\block\b|\bxchg\w*\s+[^,]*\(|\bxchg\w*\s+\S+,\s*\S*\(')


def drive_gets(server, n):
    """Store 100 keys, warm up, then count n GETs."""
    c = server.client()
    for i in range(100):
        c.send(b'set key%03d 0 0 100\r\n%s\r\n' % (i, b'v' * 100))
        kt.expect(c.line() == b'STORED', 'set')
    # warm: every buffer at its steady-state size before counting
    for i in range(200):
        kt.expect(c.get(b'key%03d' % (i % 100)) is not None, 'warm get')
    subprocess.run(['callgrind_control', '-i', 'on', str(server.proc.pid)],
                   stdout=subprocess.DEVNULL, check=True)
    for i in range(n):
        kt.expect(c.get(b'key%03d' % (i % 100)) is not None, 'get')
    subprocess.run(['callgrind_control', '-i', 'off', str(server.proc.pid)],
                   stdout=subprocess.DEVNULL, check=True)
    c.close()


def executed(prof):
    """{(object, address in the object): times executed} from a
    --dump-instr=yes --dump-line=no callgrind profile (self costs; the cost
    lines after calls= are inclusive and skipped)."""
    counts, names, fnames, where = {}, {}, {}, {}
    ob, fn, last, skip = None, None, 0, False
    with open(prof) as f:
        for line in f:
            c = line[:1]
            if c not in '0123456789+-*':
                skip = line.startswith('calls=')
                # object names are numbered once, on ob= or cob= lines
                m = re.match(r'^(c?ob)=\((\d+)\)(?: (.*))?$', line.rstrip('\n'))
                if m:
                    if m.group(3):
                        names[m.group(2)] = m.group(3)
                    if m.group(1) == 'ob':
                        ob = names[m.group(2)]
                # and function names on fn= or cfn= lines
                m = re.match(r'^(c?fn)=\((\d+)\)(?: (.*))?$', line.rstrip('\n'))
                if m:
                    if m.group(3):
                        fnames[m.group(2)] = m.group(3)
                    if m.group(1) == 'fn':
                        fn = fnames[m.group(2)]
                continue
            tok = line.split()
            pos = tok[0]
            if pos.startswith('0x'):
                last = int(pos, 16)
            elif pos[0] in '+-':
                last += int(pos)
            if skip:
                skip = False
                continue
            if len(tok) > 1:
                key = (ob, last)
                counts[key] = counts.get(key, 0) + int(tok[1])
                where[key] = fn
    return counts, where


def disassembly(path):
    """{address in file: (function, instruction)} for one object."""
    p = subprocess.run(['objdump', '-d', '--no-show-raw-insn', path],
                       stdout=subprocess.PIPE, text=True)
    code, fn = {}, '?'
    for line in p.stdout.splitlines():
        m = re.match(r'^([0-9a-f]+) <(.+)>:$', line)
        if m:
            fn = m.group(2)
            continue
        m = re.match(r'^\s+([0-9a-f]+):\s+(.*)$', line)
        if m:
            code[int(m.group(1), 16)] = (fn, m.group(2).strip())
    return code


def atomics(prof):
    """(distinct instructions executed, [(count, object, function, insn)]
    for each executed atomic read-modify-write)."""
    counts, where = executed(prof)
    found, objs = [], {}
    for (path, addr), n in counts.items():
        if path not in objs:
            objs[path] = disassembly(path) if path and os.path.exists(path) else {}
        _, insn = objs[path].get(addr, ('?', ''))
        if ATOMIC.search(insn):
            # the function as callgrind names it (objdump only knows the
            # exported symbols of a stripped library)
            found.append((n, os.path.basename(path), where[(path, addr)], insn))
    return len(counts), sorted(found, reverse=True)


SHIM = r"""
/* memcached sets RLIMIT_NOFILE to its -c; valgrind refuses any change of
 * the hard limit. Profiling only: keep the limit valgrind gives. */
#include <sys/resource.h>
int setrlimit(__rlimit_resource_t r, const struct rlimit *l)
{
	(void)r;
	(void)l;
	return 0;
}
"""


def rlimit_shim(out):
    src = os.path.join(out, 'rlimit_shim.c')
    lib = os.path.join(out, 'rlimit_shim.so')
    with open(src, 'w') as f:
        f.write(SHIM)
    subprocess.run(['cc', '-shared', '-fPIC', '-O2', '-o', lib, src], check=True)
    os.unlink(src)
    return lib


def callgrind(argv, name, out, only=None):
    prof = os.path.join(out, 'callgrind.%s.out' % name)
    wrapper = ('valgrind --tool=callgrind --instr-atstart=no --dump-instr=yes '
               '--dump-line=no --callgrind-out-file=%s' % prof)
    if only:
        wrapper += " --toggle-collect='%s'" % only
    if name.startswith('kvd'):
        s = kt.kvd(argv[0], '-t', '1', wrapper=wrapper)
    else:
        argv = ['memcached', '-M', '-U', '0', '-t', '1', '-l', '127.0.0.1'] + \
            (['-u', 'root'] if os.geteuid() == 0 else [])
        shim = rlimit_shim(out)
        os.environ['LD_PRELOAD'] = shim
        try:
            s = kt.Server(argv, 'memcached', wrapper=wrapper)
        finally:
            del os.environ['LD_PRELOAD']
            os.unlink(shim)
    drive_gets(s, GETS)
    s.stop() if name.startswith('kvd') else s.proc.send_signal(15)
    s.proc.wait(60)
    return prof


def annotate(prof):
    p = subprocess.run(['callgrind_annotate', '--inclusive=no', '--threshold=99', prof],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                       check=True)
    total = int(re.search(r'([\d,]+) \(100.0%\)\s+PROGRAM TOTALS', p.stdout)
                .group(1).replace(',', ''))
    funcs = []
    for m in re.finditer(r'^\s*([\d,]+) \(\s*([\d.]+)%\)\s+(\S+?):(\S+)(?: \[(.+)\])?$',
                         p.stdout, re.M):
        funcs.append((int(m.group(1).replace(',', '')), float(m.group(2)),
                      m.group(4), m.group(5) or ''))
    return total, funcs


def profile(args):
    os.makedirs(args.out, exist_ok=True)
    report = ['kvd and memcached under callgrind: %d GETs of present keys (100-byte '
              'values) on one connection, counted from the first to the last GET '
              '(callgrind_control -i), one worker thread each. Every thread of the '
              'server counts: memcached\'s LRU maintainer and crawler threads do '
              'work meanwhile, kvd\'s call_rcu thread has nothing to do (a GET '
              'retires nothing).' % GETS, '']
    for name in ('kvd', 'memcached'):
        prof = callgrind([args.kvd], name, args.out)
        total, funcs = annotate(prof)
        report.append('== %s: %d instructions per GET (request parsing, lookup, reply, '
                      'epoll and socket calls included)' % (name, total // GETS))
        report.append('%-12s %6s  %s' % ('instr/GET', 'share', 'function (object)'))
        for n, pct, fn, obj in funcs[:25]:
            report.append('%12.1f %5.1f%%  %s (%s)' % (n / GETS, pct, fn, os.path.basename(obj)))
        distinct, found = atomics(prof)
        report.append('')
        report.append('atomic read-modify-writes executed (lock-prefixed or xchg with '
                      'memory), from callgrind\'s per-instruction counts and objdump, '
                      'out of %d distinct instructions executed:' % distinct)
        report += ['  %8.2f per GET  %s  %s (%s)' % (n / GETS, insn, fn, obj)
                   for n, obj, fn, insn in found] or ['  none']
        report.append('  total: %.2f per GET' % (sum(f[0] for f in found) / GETS))
        report.append('')
        os.unlink(prof)
    # kvd's GET itself: process_get and everything it calls (tokens, the
    # read-side sections, the lookup, the copy), without the socket I/O
    prof = callgrind([args.kvd], 'kvd-get', args.out, only='process_get*')
    total, funcs = annotate(prof)
    distinct, found = atomics(prof)
    report.append('== kvd, inside process_get only (callgrind --toggle-collect=process_get*): '
                  '%d instructions per GET' % (total // GETS))
    for n, pct, fn, obj in funcs[:12]:
        report.append('%12.1f %5.1f%%  %s (%s)' % (n / GETS, pct, fn, os.path.basename(obj)))
    report.append('atomic read-modify-writes executed there, out of %d distinct '
                  'instructions:' % distinct)
    report += ['  %8.2f per GET  %s  %s (%s)' % (n / GETS, insn, fn, obj)
               for n, obj, fn, insn in found] or ['  none']
    report.append('')
    os.unlink(prof)
    text = '\n'.join(report) + '\n'
    with open(os.path.join(args.out, 'kvd-profile.txt'), 'w') as f:
        f.write(text)
    print(text)


def smoke(args):
    cfg = config(0.9)
    try:
        for which in ('kvd', 'memcached'):
            s = start(which, args.kvd, 2)
            try:
                tps, avg, p99 = memaslap(s, cfg, 1, 4)
                kt.expect(tps > 0, '%s: no requests served' % which)
                print('smoke: %s %d req/s, mean %.0f us' % (which, tps, avg))
            finally:
                stop(which, s)
    finally:
        os.unlink(cfg)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('mode', choices=['run', 'profile', 'smoke', 'hitratio', 'evict'])
    p.add_argument('--kvd', required=True)
    p.add_argument('--out', default=os.path.join(HERE, 'results'))
    p.add_argument('--seconds', type=int, default=3)
    p.add_argument('--reps', type=int, default=None)
    args = p.parse_args()
    if args.reps is None:
        args.reps = 5 if args.mode in ('hitratio', 'evict') else 3
    try:
        globals()[args.mode](args)
    except kt.Failure as e:
        return kt.failed(e)
    return 0


if __name__ == '__main__':
    sys.exit(main())
