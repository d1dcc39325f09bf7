#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Programs built the way real ones are, with librcuslot: mixed debug and
release units (a map and a counted slot among them, under ASan), a debug
shared object with hidden visibility, two flavors,
file:line with nothing but -g, program-wide settings.

Each scenario compiles its programs here (it is about build flags), runs
them and checks what they print or how they die. Usage:

    run.py --cc gcc --libdir build/lib-gcc --out build/scenarios-gcc
    run.py --cc gcc --libdir build/lib-gcc-urcu015 --out build/scenarios-gcc-urcu015 \
        --urcu-prefix build/urcu-0.15.2

Exits non-zero if any check fails; prints one line per check.
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WARN = ['-std=gnu11', '-Wall', '-Wextra', '-Werror', '-pthread']

failures = []
passes = 0


def line_of(src, marker):
    """The line of `src` holding the comment marker, or the line after a
    marker that stands alone."""
    with open(os.path.join(HERE, src)) as f:
        for n, text in enumerate(f, 1):
            if '/* %s */' % marker in text:
                return n + 1 if text.strip() == '/* %s */' % marker else n
    raise ValueError('%s: no marker %s' % (src, marker))


def check(label, ok, detail=''):
    global passes
    if ok:
        passes += 1
        print('scenario: %s: ok' % label)
    else:
        failures.append(label)
        print('scenario: %s: FAILED%s' % (label, ('\n    ' + detail) if detail else ''))


class Builder:
    def __init__(self, cc, libdir, out, urcu_prefix=None):
        self.cc, self.libdir, self.out = cc, os.path.abspath(libdir), out
        os.makedirs(out, exist_ok=True)
        # A fetched liburcu (--urcu-prefix): its headers, its static
        # archives and the glibc shim they need (site_scons/rcuslot_build.py).
        self.urcu = None
        if urcu_prefix:
            triplet = subprocess.check_output([cc, '-print-multiarch'], text=True).strip()
            self.urcu = {'inc': '%s/usr/include/%s' % (urcu_prefix, triplet),
                         'lib': '%s/usr/lib/%s' % (urcu_prefix, triplet)}
            self.urcu['shim'] = self.obj(os.path.join(ROOT, 'test', 'glibc_isoc23_shim.c'),
                                         'glibc_isoc23_shim', WARN)

    def pkg(self, *modules):
        return subprocess.check_output(['pkg-config', '--cflags', '--libs'] + list(modules),
                                       text=True).split()

    def cflags(self, flavor='memb'):
        if self.urcu:
            return WARN + ['-I' + ROOT, '-I' + HERE, '-DRCUSLOT_FLAVOR=' + flavor,
                           '-isystem', self.urcu['inc']]
        return WARN + ['-I' + ROOT, '-I' + HERE, '-DRCUSLOT_FLAVOR=' + flavor] + \
            subprocess.check_output(['pkg-config', '--cflags', 'liburcu-' + flavor],
                                    text=True).split()

    def run_cc(self, argv):
        proc = subprocess.run([self.cc] + argv, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
        if proc.returncode != 0:
            raise RuntimeError('%s %s\n%s' % (self.cc, ' '.join(argv), proc.stdout))

    def obj(self, src, name, flags):
        out = os.path.join(self.out, name + '.o')
        self.run_cc(['-c', os.path.join(HERE, src), '-o', out] + flags)
        return out

    def link(self, name, objs, flags=(), libs=('memb',)):
        out = os.path.join(self.out, name)
        if self.urcu:
            urcu = ['%s/liburcu-%s.a' % (self.urcu['lib'], f) for f in libs]
            urcu += ['%s/liburcu-common.a' % self.urcu['lib'], self.urcu['shim']]
        else:
            urcu = ['-lurcu-' + f for f in libs] + ['-lurcu-common']
        self.run_cc(list(objs) + ['-o', out] + list(flags) +
                    ['-L' + self.libdir, '-Wl,-rpath,' + self.libdir, '-L' + self.out,
                     '-Wl,-rpath,' + os.path.abspath(self.out), '-lrcuslot'] + urcu)
        return out

    def shared(self, name, objs):
        out = os.path.join(self.out, 'lib%s.so' % name)
        # With static liburcu archives the program links the one copy of
        # liburcu; the shared object uses the program's.
        urcu = [] if self.urcu else ['-lurcu-memb', '-lurcu-common']
        self.run_cc(['-shared', '-o', out] + list(objs) +
                    ['-L' + self.libdir, '-lrcuslot'] + urcu)
        return out


def run(prog, *args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    proc = subprocess.run([prog] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, env=e)
    return proc.returncode, proc.stdout, proc.stderr


ABORTED = -6


def expect_ok(label, prog, *args, out=None):
    rc, so, se = run(prog, *args)
    check(label, rc == 0 and (out is None or re.search(out, so)),
          'exit %d, stdout %r, stderr %r' % (rc, so, se))


def expect_abort(label, prog, args, message):
    rc, so, se = run(prog, *args)
    check(label, rc == ABORTED and se.strip() == message,
          'exit %d, stderr %r, wanted %r' % (rc, se.strip(), message))


def mixed(b, lib_debug, main_debug, shared):
    """Debug and release units in one program, either way round, as objects
    or with the library half in a -fvisibility=hidden shared object."""
    dbg = ['-DRCUSLOT_DEBUG']
    tag = 'mixed-lib%s-main%s%s' % ('D' if lib_debug else 'R', 'D' if main_debug else 'R',
                                   '-so' if shared else '')
    lib_flags = b.cflags() + ['-g', '-O1'] + (dbg if lib_debug else [])
    main_flags = b.cflags() + ['-g', '-O1'] + (dbg if main_debug else [])
    if shared:
        lo = b.obj('lib.c', tag + '-lib', lib_flags + ['-fPIC', '-fvisibility=hidden'])
        b.shared(tag, [lo])
        prog = b.link(tag, [b.obj('mixed.c', tag + '-main', main_flags)],
                      flags=['-l' + tag])
    else:
        prog = b.link(tag, [b.obj('lib.c', tag + '-lib', lib_flags),
                            b.obj('mixed.c', tag + '-main', main_flags)])
    outside = 'called outside a read-side critical section'
    expect_ok(tag + ': the other unit dereferences under this one\'s read lock', prog,
              'lib-inside', out='read 1')
    expect_ok(tag + ': this unit dereferences under the other\'s read lock', prog,
              'main-inside', out='read ok')
    if lib_debug:
        expect_abort(tag + ': a dereference outside any section is caught, at its line',
                     prog, ['lib-outside'], 'rcuslot: cfg_slot_dereference %s (lib.c:%d)'
                     % (outside, line_of('lib.c', 'LIB_DEREF')))
    if main_debug:
        expect_abort(tag + ': a dereference outside any section is caught, at its line',
                     prog, ['main-outside'], 'rcuslot: cfg_slot_dereference %s (mixed.c:%d)'
                     % (outside, line_of('mixed.c', 'MAIN_DEREF')))
    expect_ok(tag + ': handles created on one side, consumed on the other', prog,
              'handle-across', out='handles ok')
    if lib_debug and not main_debug:
        expect_abort(tag + ': a debug unit\'s handle consumed here, then again there',
                     prog, ['handle-twice'],
                     'rcuslot: cfg_slot_old_free consumed an old handle that was already '
                     'consumed (through a copy of it?) (lib.c:%d)' % line_of('lib.c', 'LIB_FREE'))


def mixed_containers(b, lib_debug, main_debug):
    """A map and a counted slot shared by a debug unit and a release unit,
    either way round, under AddressSanitizer: objects inserted or published
    on one side are removed, referenced and retired on the other."""
    tag = 'containers-lib%s-main%s' % ('D' if lib_debug else 'R', 'D' if main_debug else 'R')
    san = ['-fsanitize=address,undefined', '-fno-sanitize-recover=all',
           '-fno-omit-frame-pointer']
    dbg = ['-DRCUSLOT_DEBUG']
    lib_flags = b.cflags() + ['-g', '-O1'] + san + (dbg if lib_debug else [])
    main_flags = b.cflags() + ['-g', '-O1'] + san + (dbg if main_debug else [])
    prog = b.link(tag, [b.obj('containers_lib.c', tag + '-lib', lib_flags),
                        b.obj('containers.c', tag + '-main', main_flags)],
                  flags=san, libs=('cds', 'memb'))
    expect_ok(tag + ': map objects inserted on one side, removed, reclaimed and '
              'retired on the other', prog, 'map', out='map ok: 300 objects')
    expect_ok(tag + ': counted objects published, referenced, put and retired across '
              'the two', prog, 'ref', out='ref ok: 4 objects')


def flavors(b, debug, lgpl):
    tag = 'flavors%s%s' % ('-debug' if debug else '', '-lgpl' if lgpl else '-dyn')
    extra = ['-g', '-O1'] + (['-DRCUSLOT_DEBUG'] if debug else []) + \
        (['-D_LGPL_SOURCE'] if lgpl else [])
    prog = b.link(tag, [b.obj('flavors.c', tag, b.cflags('memb') + extra),
                        b.obj('flavors_qsbr.c', tag + '-qsbr', b.cflags('qsbr') + extra)],
                  libs=('memb', 'qsbr'))
    expect_ok(tag + ': a memb slot and a named qsbr slot in one unit', prog, 'one',
              out='one unit: memb=1000 qsbr=1000 pending=0')
    expect_ok(tag + ': a qsbr unit called from a memb unit', prog, 'two-units',
              out='hits=100')
    if debug:
        expect_abort(tag + ': an update of a qsbr slot from a thread registered with memb only',
                     prog, ['unregistered-qsbr'],
                     'rcuslot: qsbr_slot_copy_update called from a thread that is not '
                     'registered (rcuslot_register_thread) (flavors.c:%d)'
                     % line_of('flavors.c', 'QSBR_UNREG'))


def two_flavors(b, debug, lgpl, kind, libs, out, offline_case, offline_what, offline_fn):
    """A memb container and a named qsbr one in one unit (KIND_flavors.c);
    in debug builds, the qsbr one used from an offline thread."""
    tag = '%s-flavors%s%s' % (kind, '-debug' if debug else '', '-lgpl' if lgpl else '-dyn')
    src = '%s_flavors.c' % kind
    extra = ['-g', '-O1'] + (['-DRCUSLOT_DEBUG'] if debug else []) + \
        (['-D_LGPL_SOURCE'] if lgpl else [])
    prog = b.link(tag, [b.obj(src, tag, b.cflags('memb') + extra)], libs=libs)
    expect_ok('%s: a memb %s and a named qsbr %s in one unit' % (tag, kind, kind), prog, 'one',
              out=out)
    if debug:
        expect_abort('%s: %s from an offline thread' % (tag, offline_what), prog, [offline_case],
                     'rcuslot: qsbr_%s_%s called from an offline thread (%s:%d)'
                     % (kind, offline_fn, src, line_of(src, 'QSBR_OFFLINE')))


def list_flavors(b, debug, lgpl):
    two_flavors(b, debug, lgpl, 'list', ('memb', 'qsbr'),
                'lists: memb=3775 qsbr=3775 frees=200 pending=0',
                'offline-walk', 'a walk of a qsbr list', 'first')


def map_flavors(b, debug, lgpl):
    two_flavors(b, debug, lgpl, 'map', ('cds', 'memb', 'qsbr'),
                'maps: memb=3775/50 qsbr=3775/50 frees=51[+]51 then 101[+]101 pending=0',
                'offline-find', 'a find in a qsbr map', 'find')


def where(b):
    """file:line with -g alone: PIE and not, executable and shared object."""
    line_main = line_of('where.c', 'WHERE_MAIN')
    line_lib = line_of('where_lib.c', 'WHERE_LIB')
    outside = 'rcuslot: cfg_slot_dereference called outside a read-side critical section'
    flags = b.cflags() + ['-O0', '-DRCUSLOT_DEBUG']
    lib = b.shared('where', [b.obj('where_lib.c', 'where-lib', flags + ['-g', '-fPIC'])])
    built = {}
    for tag, extra in (('where-pie', ['-g', '-fPIE', '-pie']),
                       ('where-nopie', ['-g', '-fno-PIE', '-no-pie']),
                       ('where-nodebug', ['-fPIE', '-pie'])):
        cflags = [f for f in extra if f not in ('-pie', '-no-pie')]
        built[tag] = b.link(tag, [b.obj('where.c', tag, flags + cflags)],
                            flags=[f for f in extra if f in ('-pie', '-no-pie')] + ['-lwhere'])
    for tag in ('where-pie', 'where-nopie'):
        expect_abort(tag + ': the executable\'s line', built[tag], ['main'],
                     '%s (where.c:%d)' % (outside, line_main))
        expect_abort(tag + ': the shared object\'s line', built[tag], ['lib'],
                     '%s (where_lib.c:%d)' % (outside, line_lib))
    rc, _, se = run(built['where-nodebug'], 'main')
    m = re.search(r'\(where-nodebug\((main\+0x[0-9a-f]+)\)\)$', se.strip())
    check('where-nodebug: without debug information, binary(symbol+0xoff)',
          rc == ABORTED and m, 'exit %d, stderr %r' % (rc, se))
    if m:
        # The same code built with -g resolves it: addr2line takes symbol+offset.
        got = subprocess.run(['addr2line', '-e', built['where-pie'], m.group(1)],
                             stdout=subprocess.PIPE, text=True).stdout.strip()
        check('where-nodebug: addr2line resolves %s against the -g build' % m.group(1),
              got.endswith('where.c:%d' % line_main), 'addr2line said %r' % got)
    del lib


def settings(b):
    flags = b.cflags() + ['-O1', '-D_LGPL_SOURCE']
    lo = b.obj('settings_lib.c', 'settings-lib', flags + ['-fPIC', '-fvisibility=hidden'])
    b.shared('settings', [lo])
    prog = b.link('settings', [b.obj('settings.c', 'settings', flags)], flags=['-lsettings'])
    expect_ok('settings: one bound, one allocator, one set of counters, across a '
              'hidden-visibility shared object', prog, out=r'max=64 .*\nallocs=\d+ frees=\d+')
    rc, so, _ = run(prog, env={'RCUSLOT_DEFER_MAX': 'x'})
    # The program sets its own bound; the variable only has to be reported.
    probe = os.path.join(b.out, 'defer-max.c')
    with open(probe, 'w') as f:
        f.write('#include <stdio.h>\n#include <rcuslot/reclaim.h>\n'
                'int main(void) { printf("%ld\\n", rcuslot_defer_max()); return 0; }\n')
    p = b.link('defer-max', [probe] + b.cflags())
    rc, so, se = run(p, env={'RCUSLOT_DEFER_MAX': '123'})
    check('settings: RCUSLOT_DEFER_MAX=123 in the environment', rc == 0 and so.strip() == '123',
          'exit %d, stdout %r' % (rc, so))
    rc, so, se = run(p, env={'RCUSLOT_DEFER_MAX': '12x'})
    check('settings: a bad RCUSLOT_DEFER_MAX is reported and ignored',
          rc == 0 and so.strip() == '65536' and 'ignoring RCUSLOT_DEFER_MAX=12x' in se,
          'exit %d, stdout %r, stderr %r' % (rc, so, se))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cc', default='gcc')
    ap.add_argument('--libdir', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--urcu-prefix', help='a liburcu unpacked by scripts/fetch-liburcu.sh')
    args = ap.parse_args()
    b = Builder(args.cc, args.libdir, args.out, args.urcu_prefix)
    try:
        for lib_debug, main_debug in ((True, False), (False, True)):
            mixed(b, lib_debug, main_debug, shared=False)
        mixed(b, True, False, shared=True)
        for lib_debug, main_debug in ((True, False), (False, True)):
            mixed_containers(b, lib_debug, main_debug)
        for debug in (False, True):
            for lgpl in (True, False):
                flavors(b, debug, lgpl)
                list_flavors(b, debug, lgpl)
                map_flavors(b, debug, lgpl)
        where(b)
        settings(b)
    except RuntimeError as e:
        check('build', False, str(e))
    print('scenarios (%s): %d checks passed, %d failed' % (args.cc, passes, len(failures)))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
