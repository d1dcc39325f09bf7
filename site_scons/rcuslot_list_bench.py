# SPDX-License-Identifier: MIT
"""Build actions for the RCU list's benchmarks (bench/list.SConscript): the
callgrind gate that `scons check` runs on list_icount, and the collection
of its rows and of list_bench's results for `scons bench`."""

import csv
import io
import os
import shlex
import sys

import rcuslot_bench as bb
import rcuslot_build as rb
from rcuslot_check import records_verdict

# A walk over an RCU_LIST_DEFINE list, read lock to unlock, may execute at
# most this many times raw rculist's instructions for the same walk.
WALK_BOUND = 1.05
SELFTEST_LOOP = 'walk-list-perturbed'
CSV_FIELDS = ['compiler', 'flavor', 'link', 'entries',
              'rcuslot_instr_per_walk', 'rculist_instr_per_walk', 'ratio']


@records_verdict
def icount_check(target, source, env):
    """Count one list_icount build's walks under callgrind and assert the
    bound. target[0]: log; target[1]: one CSV row."""
    prog = source[0].abspath
    workdir = os.path.dirname(target[0].abspath)
    variant = env['RCUSLOT_VARIANT']
    selftest = env.get('ICOUNT_SELFTEST', False)
    loops = ('walk-list', 'walk-raw') + ((SELFTEST_LOOP,) if selftest else ())
    n = bb.N2 - bb.N1
    try:
        d = {loop: bb.callgrind_delta(prog, loop, workdir) for loop in loops}
    except bb.IcountError as e:
        sys.stdout.write('==> list-icount [%s]: %s\n==> FAILED: list-icount [%s]\n' %
                         (variant, e, variant))
        return 1
    per = {loop: d[loop] / n for loop in loops}
    ratio = d['walk-list'] / d['walk-raw']
    ok = ratio <= WALK_BOUND
    lines = ['==> list-icount [%s]: callgrind, instructions per walk of %d '
             'entries, read lock to unlock (gcc -O2)' % (variant, env['ICOUNT_ENTRIES']),
             '    RCU_LIST_FOREACH %.2f, raw cds_list_for_each_entry_rcu %.2f: '
             'ratio %.3f (bound %.2f) %s' % (per['walk-list'], per['walk-raw'], ratio,
                                             WALK_BOUND, 'ok' if ok else 'FAILED')]
    failures = [] if ok else ['walk ratio %.3f above %.2f' % (ratio, WALK_BOUND)]
    if selftest:
        pratio = d[SELFTEST_LOOP] / d['walk-raw']
        caught = pratio > WALK_BOUND
        lines.append('    self-test: the walk with one extra load per entry: %.2f, '
                     'ratio %.3f: %s' % (per[SELFTEST_LOOP], pratio,
                                         'caught' if caught else 'NOT CAUGHT'))
        if not caught:
            failures.append('the self-test perturbation was not detected: '
                            'the gate cannot fail')
    for f in failures:
        lines.append('==> FAILED: list-icount [%s]: %s' % (variant, f))
    text = '\n'.join(lines) + '\n'
    sys.stdout.write(text)
    sys.stdout.flush()
    with open(target[0].abspath, 'w') as log:
        log.write(text)
    with open(target[1].abspath, 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        w.writeheader()
        w.writerow({'compiler': env['ICOUNT_CC'], 'flavor': env['ICOUNT_FLAVOR'],
                    'link': env['ICOUNT_LINK'], 'entries': env['ICOUNT_ENTRIES'],
                    'rcuslot_instr_per_walk': '%.2f' % per['walk-list'],
                    'rculist_instr_per_walk': '%.2f' % per['walk-raw'],
                    'ratio': '%.3f' % ratio})
    return 1 if failures else 0


def icount_collect(target, source, env):
    """Every configuration's row: target[0] CSV, target[1] Markdown table."""
    rows = []
    for s in source:
        with open(s.abspath, newline='') as f:
            rows.extend(csv.DictReader(f))
    with open(target[0].abspath, 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        w.writeheader()
        w.writerows(rows)
    table = io.StringIO()
    table.write('\n### Instructions per list walk (callgrind)\n\n')
    table.write('| flavor | link | entries | RCU_LIST_FOREACH | raw rculist | ratio |\n')
    table.write('|---|---|---:|---:|---:|---:|\n')
    for r in rows:
        table.write('| %s | %s | %s | %s | %s | %s |\n' % (
            r['flavor'], r['link'], r['entries'], r['rcuslot_instr_per_walk'],
            r['rculist_instr_per_walk'], r['ratio']))
    sys.stdout.write(table.getvalue())
    with open(target[1].abspath, 'w') as f:
        f.write(table.getvalue())
    return 0


def bench_run(target, source, env):
    """Run list_bench, its output shown as it comes and kept in target[0]
    (Markdown); its CSV goes to target[1]."""
    argv = [source[0].abspath, '--csv=' + target[1].abspath] + \
        shlex.split(env.get('BENCH_ARGS', ''))
    print('list_bench: %s' % ' '.join(shlex.quote(a) for a in argv))
    return rb.run_streamed(argv, dict(os.environ), target[0].abspath,
                           status_line=False)
