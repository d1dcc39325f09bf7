#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""RCU_TREE_DEFINE against its peers, with bench/treebench (scons bench-tree).

  tree_bench.py --treebench PATH --out DIR [--icount CSV] [--reps N]
                [--duration MS] [--keys 1000,100000,1000000] [--readers 1,2]
                [--rates 0,1000,max] [--batches 1,100,10000] [--txn-keys N]

Reads: for each key count, every implementation runs in a process of its
own (treebench --impl=NAME, which builds its map afresh and measures every
operation it offers, reader count and update rate), the implementations
one after the other, the order rotating between repetitions so that none
always runs first; --reps repetitions (default 3), the median of each
point. Then the transactions (treebench --txn) of the implementations that
have them, likewise.

Writes to DIR: tree-runs.csv (every run), tree.csv (the medians of the
reads), tree-txn.csv (the medians of the transactions), tree.md (the
machine, the tables, and the issue's targets measured).
"""

import argparse
import csv
import os
import platform
import statistics
import subprocess
import sys
import time

FIELDS = ['impl', 'op', 'N', 'readers', 'update_rate', 'ops_per_s', 'updates_per_s',
          'bytes_per_entry']
TREE = 'rcuslot-tree'
GTREE = 'gtree-rwlock'
CDS = ('cds-skiplist', 'cds-avl')
# The workload for the targets.
TARGET_KEYS = 100000


def sh(cmd):
    try:
        return subprocess.check_output(cmd, shell=True, text=True,
                                       stderr=subprocess.DEVNULL).strip()
    except subprocess.CalledProcessError:
        return 'unknown'


def machine():
    model = sh("lscpu | sed -n 's/^Model name: *//p'")
    return [
        ('CPU', '%s (lscpu), %s CPUs online (nproc)' % (model, sh('nproc'))),
        ('kernel', platform.release()),
        ('compiler', sh('gcc --version | head -1')),
        ('liburcu', sh('pkg-config --modversion liburcu')),
        ('GLib', sh('pkg-config --modversion glib-2.0')),
        ('libcds', sh("dpkg-query -W -f '${Version}' libcds-dev")),
        ('load average at the start', ' '.join('%.2f' % x for x in os.getloadavg())),
    ]


def run_treebench(prog, args):
    """One process; returns its CSV rows as dicts."""
    p = subprocess.run([prog] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=600)
    if p.returncode != 0:
        sys.exit('tree_bench: %s %s failed (%d):\n%s' % (prog, ' '.join(args),
                                                          p.returncode, p.stderr))
    for line in p.stderr.splitlines():
        print('  ' + line)
    return [dict(zip(FIELDS, line.split(','))) for line in p.stdout.splitlines()
            if line and not line.startswith('impl,')]


def rotated(items, rep):
    k = rep % len(items)
    return items[k:] + items[:k]


def medians(rows):
    """Median of every point over its repetitions, in first-seen order."""
    groups = {}
    for r in rows:
        groups.setdefault(tuple(r[f] for f in FIELDS[:5]), []).append(r)
    out = []
    for key, rs in groups.items():
        m = dict(zip(FIELDS[:5], key))
        for f in FIELDS[5:]:
            m[f] = statistics.median(float(r[f]) for r in rs)
        m['runs'] = len(rs)
        out.append(m)
    return out


def human(v):
    if v is None:
        return '-'
    if v >= 1e6:
        return '%.2f M' % (v / 1e6)
    if v >= 1e3:
        return '%.1f k' % (v / 1e3)
    return '%.0f' % v


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt_ratio(r):
    return '-' if r is None else '%.2f' % r


def fmt_icount(v):
    return '-' if v is None else '%.2f' % v


class Report:
    def __init__(self, path):
        self.f = open(path, 'w')

    def say(self, s=''):
        print(s)
        self.f.write(s + '\n')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--treebench', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--icount')
    ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--duration', type=int, default=500, help='ms a point')
    ap.add_argument('--keys', default='1000,100000,1000000')
    ap.add_argument('--readers', default='1,2')
    ap.add_argument('--rates', default='0,1000,max')
    ap.add_argument('--batches', default='1,100,10000')
    ap.add_argument('--txn-keys', type=int, default=TARGET_KEYS)
    a = ap.parse_args()

    impls = [l.split('\t')[0] for l in subprocess.check_output(
        [a.treebench, '--list'], text=True).splitlines()]
    txn_impls = [i for i in (TREE, GTREE) if i in impls]
    info = machine()
    started = time.time()
    runs, txn_runs = [], []
    common = ['--readers=' + a.readers, '--rates=' + a.rates, '--duration=%d' % a.duration]
    for rep in range(a.reps):
        for n in a.keys.split(','):
            for impl in rotated(impls, rep):
                print('tree_bench: run %d/%d, %s keys, %s' % (rep + 1, a.reps, n, impl))
                sys.stdout.flush()
                for r in run_treebench(a.treebench, ['--impl=' + impl, '--keys=' + n] +
                                       common):
                    r['rep'] = rep
                    runs.append(r)
        for impl in rotated(txn_impls, rep):
            print('tree_bench: run %d/%d, transactions, %s' % (rep + 1, a.reps, impl))
            for r in run_treebench(a.treebench, ['--impl=' + impl, '--txn',
                                                 '--keys=%d' % a.txn_keys,
                                                 '--batches=' + a.batches,
                                                 '--duration=%d' % a.duration]):
                r['rep'] = rep
                txn_runs.append(r)

    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, 'tree-runs.csv'), 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=FIELDS + ['rep'])
        w.writeheader()
        w.writerows(runs + txn_runs)
    med, txn_med = medians(runs), medians(txn_runs)
    for name, rows in (('tree.csv', med), ('tree-txn.csv', txn_med)):
        with open(os.path.join(a.out, name), 'w', newline='') as f:
            w = csv.DictWriter(f, fieldnames=FIELDS, extrasaction='ignore')
            w.writeheader()
            for r in rows:
                w.writerow(dict(r, ops_per_s='%.0f' % r['ops_per_s'],
                                updates_per_s='%.0f' % r['updates_per_s'],
                                bytes_per_entry='%.1f' % r['bytes_per_entry']))
    icount = {}
    if a.icount and os.path.exists(a.icount):
        with open(a.icount, newline='') as f:
            icount = {r['loop']: float(r['instr_per_op']) for r in csv.DictReader(f)}
    write_report(a, info, impls, med, txn_med, icount, time.time() - started)
    return 0


def get(rows, impl, op, n, readers, rate, field='ops_per_s'):
    for r in rows:
        if (r['impl'], r['op'], r['N'], r['readers'], r['update_rate']) == \
                (impl, op, str(n), str(readers), str(rate)):
            return r[field]
    return None


def write_report(a, info, impls, med, txn_med, icount, elapsed):
    rep = Report(os.path.join(a.out, 'tree.md'))
    say = rep.say
    keys = a.keys.split(',')
    readers = a.readers.split(',')
    rates = a.rates.split(',')
    say('# RCU_TREE_DEFINE against its peers (bench/tree_bench.py)')
    say()
    say('%d repetitions of %d ms a point, medians; the implementations interleaved, '
        'each in its own process; %.0f s in all.' % (a.reps, a.duration, elapsed))
    say()
    for k, v in info + [('load average at the end',
                         ' '.join('%.2f' % x for x in os.getloadavg()))]:
        say('- %s: %s' % (k, v))
    say()
    say('Implementations: ' + ', '.join('`%s`' % i for i in impls) + '.')

    say()
    say('## Point lookups/s (all readers together; 1 updater at U/s)')
    say()
    say('| keys | readers | updates/s | ' + ' | '.join(impls) +
        ' | tree / GTree | tree / best libcds |')
    say('|' + '---:|' * (3 + len(impls) + 2))
    for n in keys:
        for r in readers:
            for u in rates:
                v = {i: get(med, i, 'lookup', n, r, u) for i in impls}
                best_cds = max([v[c] for c in CDS if v.get(c)] or [0]) or None
                say('| %s | %s | %s | %s | %s | %s |' % (
                    n, r, u, ' | '.join(human(v[i]) for i in impls),
                    fmt_ratio(ratio(v.get(TREE), v.get(GTREE))),
                    fmt_ratio(ratio(v.get(TREE), best_cds))))

    ordered = [i for i in impls if any(r['impl'] == i and r['op'] == 'ceil' for r in med)]
    for op, title in (('ceil', 'Ceil (least key >= a random key)/s'),
                      ('scan', '16-entry range scans/s (ascending from a ceil)')):
        say()
        say('## %s' % title)
        say()
        say('| keys | readers | updates/s | ' + ' | '.join(ordered) + ' | tree / GTree |')
        say('|' + '---:|' * (3 + len(ordered) + 1))
        for n in keys:
            for r in readers:
                for u in rates:
                    v = {i: get(med, i, op, n, r, u) for i in ordered}
                    say('| %s | %s | %s | %s | %s |' % (
                        n, r, u, ' | '.join(human(v[i]) for i in ordered),
                        fmt_ratio(ratio(v.get(TREE), v.get(GTREE)))))

    say()
    say('## Updates/s of the updater flat out, while the readers do point lookups')
    say()
    say('| keys | readers | ' + ' | '.join(impls) + ' | tree / GTree |')
    say('|' + '---:|' * (2 + len(impls) + 1))
    for n in keys:
        for r in readers:
            v = {i: get(med, i, 'lookup', n, r, 'max', 'updates_per_s') for i in impls}
            say('| %s | %s | %s | %s |' % (n, r, ' | '.join(human(v[i]) for i in impls),
                                           fmt_ratio(ratio(v.get(TREE), v.get(GTREE)))))

    txn_impls = sorted({r['impl'] for r in txn_med}, key=impls.index)
    batches = a.batches.split(',')
    if txn_med:
        say()
        say('## Changes/s in batches of B (no readers, %d keys)' % a.txn_keys)
        say()
        say('`batch`: the B changes as one transaction (rcuslot) or under one write '
            'lock (GTree); `single`: the same changes one by one.')
        say()
        cols = ['%s %s' % (i, m) for i in txn_impls for m in ('batch', 'single')]
        say('| B | ' + ' | '.join(cols) + ' | tree batch / single | tree single / '
            'GTree single |')
        say('|' + '---:|' * (1 + len(cols) + 2))
        for b in batches:
            v = {'%s %s' % (i, m): get(txn_med, i, '%s-%s' % (m, b), a.txn_keys, 0, 'max',
                                       'updates_per_s')
                 for i in txn_impls for m in ('batch', 'single')}
            say('| %s | %s | %s | %s |' % (
                b, ' | '.join(human(v[c]) for c in cols),
                fmt_ratio(ratio(v.get(TREE + ' batch'), v.get(TREE + ' single'))),
                fmt_ratio(ratio(v.get(TREE + ' single'), v.get(GTREE + ' single')))))

    say()
    say('## Bytes of structure per entry (after the build; objects not counted)')
    say()
    say('| keys | ' + ' | '.join(impls) + ' |')
    say('|' + '---:|' * (1 + len(impls)))
    for n in keys:
        v = {i: get(med, i, 'lookup', n, readers[0], rates[0], 'bytes_per_entry')
             for i in impls}
        say('| %s | %s |' % (n, ' | '.join('-' if v[i] is None else '%.1f' % v[i]
                                           for i in impls)))

    if icount:
        say()
        say('## Instructions per operation at 100,000 keys (callgrind, gcc -O2, memb, '
            '_LGPL_SOURCE)')
        say()
        say('| loop | instructions |')
        say('|---|---:|')
        for loop, v in icount.items():
            say('| %s | %.2f |' % (loop, v))
        say()
        say('find: a point lookup of a present key; ceil: the least key >= a key '
            'that is not in the map; scan: 16 entries ascending from such a ceil; '
            'update: one change; txn-tree: one change inside a transaction of '
            '1,000 to 11,000 changes (the difference of the two).')

    targets(say, med, txn_med, icount, a)


def targets(say, med, txn_med, icount, a):
    """The issue's performance targets, measured."""
    say()
    say('## The targets')
    say()
    n = TARGET_KEYS
    rows = []

    def verdict(v, bound, ge=True):
        if v is None:
            return 'not measured'
        return 'met' if (v >= bound if ge else v <= bound) else 'NOT met'

    tree = get(med, TREE, 'lookup', n, 2, 1000)
    gtree = get(med, GTREE, 'lookup', n, 2, 1000)
    cds = [get(med, c, 'lookup', n, 2, 1000) for c in CDS]
    best = max([c for c in cds if c] or [0]) or None
    r = ratio(tree, gtree)
    rows.append(('point lookups >= 3x GTree+rwlock (2 readers, 1,000 updates/s, 100k keys)',
                 '%s / %s = %s' % (human(tree), human(gtree), fmt_ratio(r)),
                 verdict(r, 3)))
    r = ratio(tree, best)
    rows.append(('point lookups >= 1.5x the faster libcds map (same point)',
                 '%s / %s = %s' % (human(tree), human(best), fmt_ratio(r)),
                 verdict(r, 1.5)))
    it, ig = icount.get('find-tree'), icount.get('find-gtree')
    r = ratio(it, ig)
    rows.append(('instructions per lookup <= 0.6x GTree\'s (100k keys, GTree without lock)',
                 '%s / %s = %s' % (fmt_icount(it), fmt_icount(ig), fmt_ratio(r)), verdict(r, 0.6, False)))
    igr = icount.get('find-gtree-rwlock')
    if igr:
        rows.append(('(the same against GTree under its rwlock)',
                     '%s / %s = %s' % (fmt_icount(it), fmt_icount(igr), fmt_ratio(ratio(it, igr))), ''))
    isc = icount.get('scan-tree')
    r = ratio(isc, it)
    rows.append(('16-entry range scan <= 3x a point lookup (instructions)',
                 '%s / %s = %s' % (fmt_icount(isc), fmt_icount(it), fmt_ratio(r)), verdict(r, 3, False)))
    look1 = get(med, TREE, 'lookup', n, 1, 0)
    scan1 = get(med, TREE, 'scan', n, 1, 0)
    r = ratio(look1, scan1)
    rows.append(('(timed: lookups/s over scans/s, 1 reader, no updater, 100k keys)',
                 '%s / %s = %s' % (human(look1), human(scan1), fmt_ratio(r)),
                 verdict(r, 3, False)))
    ts = get(txn_med, TREE, 'single-1', a.txn_keys, 0, 'max', 'updates_per_s')
    gs = get(txn_med, GTREE, 'single-1', a.txn_keys, 0, 'max', 'updates_per_s')
    r = ratio(ts, gs)
    rows.append(('single-key updates >= 0.5x GTree+rwlock\'s (no readers)',
                 '%s / %s = %s' % (human(ts), human(gs), fmt_ratio(r)), verdict(r, 0.5)))
    iu, igu = icount.get('update-tree'), icount.get('update-gtree')
    if iu and igu:
        rows.append(('(instructions per single-key update: GTree / tree, callgrind)',
                     '%s / %s = %s' % (fmt_icount(igu), fmt_icount(iu),
                                       fmt_ratio(ratio(igu, iu))), ''))
    tu = get(med, TREE, 'lookup', n, 1, 'max', 'updates_per_s')
    gu = get(med, GTREE, 'lookup', n, 1, 'max', 'updates_per_s')
    rows.append(('(the same with 1 reader doing lookups)',
                 '%s / %s = %s' % (human(tu), human(gu), fmt_ratio(ratio(tu, gu))), ''))
    tb = get(txn_med, TREE, 'batch-10000', a.txn_keys, 0, 'max', 'updates_per_s')
    t1 = get(txn_med, TREE, 'single-10000', a.txn_keys, 0, 'max', 'updates_per_s')
    r = ratio(tb, t1)
    rows.append(('10,000-change transaction >= 3x the same single-key updates',
                 '%s / %s = %s changes/s' % (human(tb), human(t1), fmt_ratio(r)),
                 verdict(r, 3)))
    itx = icount.get('txn-tree')
    if iu and itx:
        rows.append(('(instructions per change: single-key update / in one transaction of '
                     '1,000 to 11,000 changes, callgrind)',
                     '%s / %s = %s' % (fmt_icount(iu), fmt_icount(itx),
                                       fmt_ratio(ratio(iu, itx))), ''))
    by = get(med, TREE, 'lookup', 1000000, 1, 0, 'bytes_per_entry')
    rows.append(('<= 40 bytes of tree per entry at 1,000,000 keys',
                 '-' if by is None else '%.1f' % by, verdict(by, 40, False)))
    say('| target | measured | verdict |')
    say('|---|---|---|')
    for t, m, v in rows:
        say('| %s | %s | %s |' % (t, m, v))


if __name__ == '__main__':
    sys.exit(main())
