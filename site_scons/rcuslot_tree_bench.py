# SPDX-License-Identifier: MIT
"""Build actions for the ordered map's benchmarks (bench/tree.SConscript):
treeicount's loops under callgrind, bench/tree_bench.py's run, and the plot."""

import csv
import os
import shlex
import subprocess
import sys

import rcuslot_bench as bb
import rcuslot_build as rb

# The sources of each program, less its GLib and libcds files (which need
# their own flags).
TREEBENCH_C = ['treebench.c', 'treebench_tree.c', 'treebench_map.c']
TREEICOUNT_C = ['treeicount_main.c', 'treeicount_tree.c', 'treeicount_map.c']
ICOUNT_FIELDS = ['loop', 'keys', 'instr_per_op']
# What each loop measures, for the table.
ICOUNT_WHAT = {
    'find-tree': 'RCU_TREE_DEFINE find (read section)',
    'ceil-tree': 'RCU_TREE_DEFINE ceil (read section)',
    'scan-tree': 'RCU_TREE_DEFINE 16-entry range scan (read section)',
    'find-gtree': 'GTree g_tree_lookup, no lock',
    'find-gtree-rwlock': 'GTree g_tree_lookup under pthread_rwlock',
    'ceil-gtree': 'GTree g_tree_lower_bound under pthread_rwlock',
    'scan-gtree': 'GTree 16-entry scan under pthread_rwlock',
    'find-skiplist': 'libcds SkipListMap find (general_buffered RCU)',
    'find-avl': 'libcds BronsonAVLTreeMap find (general_buffered RCU)',
    'find-map': 'RCU_MAP_DEFINE find (hash, read section)',
    'update-tree': 'RCU_TREE_DEFINE upsert + old_defer (one change)',
    'txn-tree': 'RCU_TREE_DEFINE txn_upsert, per change, in one transaction',
    'update-gtree': 'GTree g_tree_replace under the write lock (one change)',
}
ICOUNT_KEYS = 100000  # TREEICOUNT_KEYS in bench/treeicount.h


def icount_loops(prog):
    return subprocess.check_output([prog, '--list'], text=True).split()


def icount_all(target, source, env):
    """Every treeicount loop under callgrind: target[0] CSV, target[1] a
    Markdown table."""
    prog = source[0].abspath
    workdir = os.path.dirname(prog)
    rows = []
    for loop in icount_loops(prog):
        try:
            d = bb.callgrind_delta(prog, loop, workdir)
        except bb.IcountError as e:
            sys.stdout.write('==> tree-icount: %s\n' % e)
            return 1
        per = d / (bb.N2 - bb.N1)
        rows.append({'loop': loop, 'keys': ICOUNT_KEYS, 'instr_per_op': '%.2f' % per})
        sys.stdout.write('tree-icount: %-18s %8.2f instructions per operation\n' %
                         (loop, per))
        sys.stdout.flush()
    with open(target[0].abspath, 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=ICOUNT_FIELDS)
        w.writeheader()
        w.writerows(rows)
    with open(target[1].abspath, 'w') as f:
        f.write('| loop | what | instructions per operation |\n|---|---|---:|\n')
        for r in rows:
            f.write('| %s | %s | %s |\n' % (r['loop'], ICOUNT_WHAT.get(r['loop'], ''),
                                            r['instr_per_op']))
    return 0


def bench_run(target, source, env):
    """bench/tree_bench.py with treebench; its output shown as it comes
    and logged in build/tree-bench.log."""
    outdir = os.path.dirname(target[0].abspath)
    argv = [sys.executable, source[1].abspath, '--treebench', source[0].abspath,
            '--out', outdir, '--icount', source[2].abspath] + \
        shlex.split(env.get('BENCH_ARGS', ''))
    print('tree_bench: %s' % ' '.join(shlex.quote(a) for a in argv))
    return rb.run_streamed(argv, dict(os.environ), env.File('#build/tree-bench.log').abspath,
                           status_line=False)


def bench_plot(target, source, env):
    """Plot point lookups/s per implementation (bench/tree.gp)."""
    script, data = source[0].abspath, source[1].abspath
    cmd = ['gnuplot', '-e', "datafile='%s'; outfile='%s'" % (data, target[0].abspath),
           script]
    try:
        return subprocess.call(cmd)
    except FileNotFoundError:
        print('scons: *** gnuplot not found: apt-get install gnuplot-nox')
        return 1
