# SPDX-License-Identifier: MIT
"""Build actions for bench/: the callgrind instruction-count check that
`scons check` runs, and the steps of `scons bench` (run rcubench, collect
the CSV files, plot with gnuplot)."""

import csv
import glob
import io
import os
import shlex
import subprocess
import sys

import rcuslot_build as rb
from rcuslot_check import records_verdict

# Iteration counts of the two measured calls; the difference cancels
# start-up, the call and the loop set-up.
N1, N2 = 1000, 11000
# rcuslot's replace + old_defer against the same work written by hand: a
# plain type with a node per update, and a type that embeds its rcu_head
# (RCU_SLOT_DEFINE_HEAD). Both pairs run the same code paths, so anything
# above 1.00 is overhead rcuslot adds; UPDATE_BOUND is how much it may add.
UPDATE_BOUND = 1.05
# What RCU_SLOT_DEFINE_HEAD's old_defer may add to hand-written call_rcu with
# an embedded rcu_head, in instructions: the deferral bound's accounting (a
# load, an add, a compare and branch, one locked add) and emptying the
# handle. An absolute bound, since qsbr's whole update is under 70.
HEAD_EXTRA_MAX = 6
# A map lookup (RCU_MAP_DEFINE's find in a read-side section) against the
# same lookup written over rculfhash by hand, same hash and same match.
MAP_BOUND = 1.05
# The same lookup before the maps' hash was seeded (the unseeded hash of
# commit ab78574, liburcu 0.13.2, gcc 12 -O2): the seeded hash may add at
# most MAP_SEED_BOUND to it. Checked for the system liburcu these were taken on.
MAP_UNSEEDED = {('memb', 'lgpl'): 181.76, ('memb', 'dyn'): 239.76,
                ('qsbr', 'lgpl'): 156.76, ('qsbr', 'dyn'): 156.76,
                ('mb', 'lgpl'): 175.76, ('mb', 'dyn'): 213.76,
                ('bp', 'lgpl'): 178.76, ('bp', 'dyn'): 245.76,
                ('signal', 'lgpl'): 172.76, ('signal', 'dyn'): 210.76}
MAP_SEED_BOUND = 1.05
MAP_LOOPS = ('find-map', 'find-raw-map')
READ_LOOPS = ('read-raw', 'read-slot', 'read-guard')
UPDATE_LOOPS = ('update-raw', 'update-rawnode', 'update-slot', 'update-slothead')
SELFTEST_LOOP = 'read-slot-perturbed'

CSV_FIELDS = ['compiler', 'flavor', 'link',
              'rcuslot_instr_per_read', 'rcuslot_guard_instr_per_read',
              'liburcu_instr_per_read',
              'rcuslot_instr_per_update', 'liburcu_node_instr_per_update',
              'liburcu_rcu_head_instr_per_update',
              'update_ratio_vs_node', 'update_ratio_vs_rcu_head',
              'rcuslot_head_instr_per_update', 'update_ratio_head_vs_rcu_head',
              'map_instr_per_find', 'raw_lfht_instr_per_find', 'find_ratio']


class IcountError(Exception):
    pass


def _summary(path):
    """Instructions counted in one callgrind profile part."""
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(('summary:', 'totals:')):
                    return int(line.split()[1])
    except OSError as e:
        raise IcountError('%s: %s' % (path, e))
    raise IcountError('%s: no summary line' % path)


def callgrind_delta(prog, loop, workdir):
    """Instructions of N2 - N1 iterations of `loop` in `prog`."""
    out = os.path.join(workdir, 'callgrind.%s' % loop)
    for old in glob.glob(out + '*'):
        os.remove(old)
    cmd = ['valgrind', '--tool=callgrind', '--callgrind-out-file=' + out,
           '--toggle-collect=icount_measure', '--dump-after=icount_measure',
           prog, loop, str(N1), str(N2)]
    env = dict(os.environ)
    env.pop('DEBUGINFOD_URLS', None)    # no network look-ups from valgrind
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True,
                              errors='replace', env=env, timeout=300)
    except subprocess.TimeoutExpired:
        raise IcountError('%s %s: timed out under callgrind' % (prog, loop))
    if proc.returncode != 0:
        raise IcountError('%s %s: exit status %d under callgrind:\n%s' %
                          (prog, loop, proc.returncode, proc.stdout))
    return _summary(out + '.2') - _summary(out + '.1')


@records_verdict
def icount_check(target, source, env):
    """Measure every loop of one icount build under callgrind and assert
    that rcuslot costs what the hand-written liburcu code costs.
    target[0]: log; target[1]: one CSV row for `scons bench`."""
    prog = source[0].abspath
    workdir = os.path.dirname(target[0].abspath)
    variant = env['RCUSLOT_VARIANT']
    selftest = env.get('ICOUNT_SELFTEST', False)
    loops = READ_LOOPS + UPDATE_LOOPS + MAP_LOOPS + \
        ((SELFTEST_LOOP,) if selftest else ())
    n = N2 - N1
    try:
        d = {loop: callgrind_delta(prog, loop, workdir) for loop in loops}
    except IcountError as e:
        text = '==> icount [%s]: %s\n==> FAILED: icount [%s]\n' % (variant, e, variant)
        sys.stdout.write(text)
        with open(target[0].abspath, 'w') as log:
            log.write(text)
        return 1

    per = {loop: d[loop] / n for loop in loops}
    failures = []
    lines = ['==> icount [%s]: callgrind, marginal instructions over %d '
             'iterations (gcc -O2)' % (variant, n)]

    equal = d['read-slot'] == d['read-raw'] and d['read-guard'] == d['read-raw']
    lines.append('    per read:   rcuslot %.2f, rcuslot with RCUSLOT_READ_SCOPE '
                 '%.2f, raw liburcu %.2f: %s' %
                 (per['read-slot'], per['read-guard'], per['read-raw'],
                  'equal' if equal else 'NOT EQUAL'))
    if not equal:
        failures.append('rcuslot read side costs %+.2f (plain) / %+.2f (guard) '
                        'instructions per read over raw liburcu' %
                        (per['read-slot'] - per['read-raw'],
                         per['read-guard'] - per['read-raw']))

    ratio_node = d['update-slot'] / d['update-rawnode']
    ratio_head = d['update-slot'] / d['update-raw']
    lines.append('    per update (replace + old_defer vs rcu_xchg_pointer + '
                 'call_rcu, reclamation worker paused):')
    lines.append('      rcuslot %.2f; raw liburcu, plain object + node per '
                 'update %.2f: ratio %.3f (bound %.2f) %s' %
                 (per['update-slot'], per['update-rawnode'], ratio_node,
                  UPDATE_BOUND, 'ok' if ratio_node <= UPDATE_BOUND else 'FAILED'))
    lines.append('      raw liburcu, rcu_head embedded in the object %.2f: '
                 'ratio %.2f (reported, not asserted: the difference is the '
                 'node a plain type needs per deferred object)' %
                 (per['update-raw'], ratio_head))
    ratio_hh = d['update-slothead'] / d['update-raw']
    extra_hh = per['update-slothead'] - per['update-raw']
    lines.append('      RCU_SLOT_DEFINE_HEAD %.2f; raw liburcu, rcu_head embedded '
                 '%.2f: %+.2f instructions (bound +%d), ratio %.3f %s' %
                 (per['update-slothead'], per['update-raw'], extra_hh,
                  HEAD_EXTRA_MAX, ratio_hh,
                  'ok' if extra_hh <= HEAD_EXTRA_MAX else 'FAILED'))
    if ratio_node > UPDATE_BOUND:
        failures.append('update ratio %.3f above %.2f' % (ratio_node, UPDATE_BOUND))
    if extra_hh > HEAD_EXTRA_MAX:
        failures.append('RCU_SLOT_DEFINE_HEAD update costs %+.2f instructions '
                        'over raw liburcu, more than %d' % (extra_hh, HEAD_EXTRA_MAX))

    ratio_find = d['find-map'] / d['find-raw-map']
    lines.append('    per map lookup (RCU_MAP_DEFINE find vs rculfhash by hand, same '
                 'hash and match): rcuslot %.2f, raw %.2f: ratio %.3f (bound %.2f) %s' %
                 (per['find-map'], per['find-raw-map'], ratio_find, MAP_BOUND,
                  'ok' if ratio_find <= MAP_BOUND else 'FAILED'))
    if ratio_find > MAP_BOUND:
        failures.append('map lookup ratio %.3f above %.2f' % (ratio_find, MAP_BOUND))
    unseeded = MAP_UNSEEDED.get((env['ICOUNT_FLAVOR'], env['ICOUNT_LINK']))
    if unseeded and env.get('ICOUNT_URCU', 'system') == 'system':
        ratio_seed = per['find-map'] / unseeded
        lines.append('    per map lookup against the unseeded hash\'s %.2f: ratio %.3f '
                     '(bound %.2f) %s' % (unseeded, ratio_seed, MAP_SEED_BOUND,
                                          'ok' if ratio_seed <= MAP_SEED_BOUND else 'FAILED'))
        if ratio_seed > MAP_SEED_BOUND:
            failures.append('seeded map lookup %.3f of the unseeded one, above %.2f' %
                            (ratio_seed, MAP_SEED_BOUND))

    if selftest:
        extra = per[SELFTEST_LOOP] - per['read-raw']
        caught = d[SELFTEST_LOOP] != d['read-raw']
        lines.append('    self-test: rcuslot loop with one extra load per read: '
                     '%.2f (%+.2f): %s' % (per[SELFTEST_LOOP], extra,
                                           'caught' if caught else 'NOT CAUGHT'))
        if not caught:
            failures.append('the self-test perturbation was not detected: '
                            'the comparison cannot fail')

    for f in failures:
        lines.append('==> FAILED: icount [%s]: %s' % (variant, f))
    text = '\n'.join(lines) + '\n'
    sys.stdout.write(text)
    sys.stdout.flush()
    with open(target[0].abspath, 'w') as log:
        log.write(text)
    row = {'compiler': env['ICOUNT_CC'], 'flavor': env['ICOUNT_FLAVOR'],
           'link': env['ICOUNT_LINK'],
           'rcuslot_instr_per_read': '%.2f' % per['read-slot'],
           'rcuslot_guard_instr_per_read': '%.2f' % per['read-guard'],
           'liburcu_instr_per_read': '%.2f' % per['read-raw'],
           'rcuslot_instr_per_update': '%.2f' % per['update-slot'],
           'liburcu_node_instr_per_update': '%.2f' % per['update-rawnode'],
           'liburcu_rcu_head_instr_per_update': '%.2f' % per['update-raw'],
           'update_ratio_vs_node': '%.3f' % ratio_node,
           'update_ratio_vs_rcu_head': '%.3f' % ratio_head,
           'rcuslot_head_instr_per_update': '%.2f' % per['update-slothead'],
           'update_ratio_head_vs_rcu_head': '%.3f' % ratio_hh,
           'map_instr_per_find': '%.2f' % per['find-map'],
           'raw_lfht_instr_per_find': '%.2f' % per['find-raw-map'],
           'find_ratio': '%.3f' % ratio_find}
    with open(target[1].abspath, 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        w.writeheader()
        w.writerow(row)
    return 1 if failures else 0


def icount_collect(target, source, env):
    """Concatenate the icount CSV rows of every configuration."""
    rows = []
    for s in source:
        with open(s.abspath, newline='') as f:
            rows.extend(csv.DictReader(f))
    with open(target[0].abspath, 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        w.writeheader()
        w.writerows(rows)
    table = io.StringIO()
    table.write('\n### Instructions per read and per update (callgrind)\n\n')
    table.write('| flavor | link | rcuslot/read | raw liburcu/read | '
                'rcuslot/update | raw, node/update | ratio | '
                'RCU_SLOT_DEFINE_HEAD/update | raw, rcu_head/update | ratio |\n')
    table.write('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n')
    for r in rows:
        table.write('| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' % (
            r['flavor'], r['link'], r['rcuslot_instr_per_read'],
            r['liburcu_instr_per_read'], r['rcuslot_instr_per_update'],
            r['liburcu_node_instr_per_update'], r['update_ratio_vs_node'],
            r['rcuslot_head_instr_per_update'],
            r['liburcu_rcu_head_instr_per_update'],
            r['update_ratio_head_vs_rcu_head']))
    table.write('\n### Instructions per map lookup (callgrind)\n\n')
    table.write('| flavor | link | RCU_MAP_DEFINE find | rculfhash by hand | ratio |\n')
    table.write('|---|---|---:|---:|---:|\n')
    for r in rows:
        table.write('| %s | %s | %s | %s | %s |\n' % (
            r['flavor'], r['link'], r['map_instr_per_find'],
            r['raw_lfht_instr_per_find'], r['find_ratio']))
    sys.stdout.write(table.getvalue())
    with open(target[1].abspath, 'w') as f:
        f.write(table.getvalue())
    return 0


def bench_run(target, source, env):
    """Run rcubench with its output shown as it comes and kept in
    target[0] (the Markdown report); the CSV files go next to it."""
    outdir = os.path.dirname(target[0].abspath)
    argv = [source[0].abspath, '--out=' + outdir] + \
        shlex.split(env.get('BENCH_ARGS', ''))
    print('rcubench: %s' % ' '.join(shlex.quote(a) for a in argv))
    return rb.run_streamed(argv, dict(os.environ), target[0].abspath,
                           status_line=False)


def bench_plot(target, source, env):
    """Plot reads/s against readers with gnuplot (bench/plot.gp)."""
    script, data = source[0].abspath, source[1].abspath
    if not os.path.exists(data):
        print('bench: %s missing (read mode not run): no plot' % data)
        return 0
    impls, periods, readers = [], [], [1]
    with open(data, newline='') as f:
        for r in csv.DictReader(f):
            readers.append(int(r['readers']))
            if r['impl'] not in impls:
                impls.append(r['impl'])
            if r['period_us'] not in periods:
                periods.append(r['period_us'])
    # No updater first, then more and more frequent updates.
    periods.sort(key=lambda p: (int(p) != 0, -int(p)))
    cmd = ['gnuplot', '-e', "datafile='%s'; outfile='%s'; impls='%s'; "
           "periods='%s'; xmax=%g" % (data, target[0].abspath, ' '.join(impls),
                                       ' '.join(periods), max(readers) * 1.25),
           script]
    try:
        return subprocess.call(cmd)
    except FileNotFoundError:
        print('scons: *** gnuplot not found: apt-get install gnuplot-nox')
        return 1


def mapbench_run(target, source, env):
    """Run mapbench, its report shown as it comes; its files go to
    target[0]'s directory (map-report.md, map-lookups.csv, map-updates.csv)."""
    outdir = os.path.dirname(target[0].abspath)
    argv = [source[0].abspath, '--out=' + outdir] + \
        shlex.split(env.get('BENCH_ARGS', ''))
    print('mapbench: %s' % ' '.join(shlex.quote(a) for a in argv))
    log = os.path.join(outdir, 'map-run.log')
    return rb.run_streamed(argv, dict(os.environ), log, status_line=False)


def mapbench_plot(target, source, env):
    """Plot lookups/s against readers, one panel per key count
    (bench/map_plot.gp)."""
    script, data = source[0].abspath, source[1].abspath
    keys, rates = [], []
    with open(data, newline='') as f:
        for r in csv.DictReader(f):
            if r['keys'] not in keys:
                keys.append(r['keys'])
            if r['rate'] not in rates:
                rates.append(r['rate'])
    cmd = ['gnuplot', '-e', "datafile='%s'; outfile='%s'; keys='%s'; rates='%s'" %
           (data, target[0].abspath, ' '.join(keys), ' '.join(rates)), script]
    try:
        return subprocess.call(cmd)
    except FileNotFoundError:
        print('scons: *** gnuplot not found: apt-get install gnuplot-nox')
        return 1
