#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Unit test of rcuslot_check: the verdicts every check records and the
summary `scons check` closes with. `scons check` runs it; alone:
python3 site_scons/test_rcuslot_check.py -v

The last tests run real scons builds of a small project in a scratch
directory, with this site_scons, to show that a failed check does not stop
the build, that the totals count it, and that scons then exits non-zero."""

import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rcuslot_check as rc  # noqa: E402  (after the path is set)


class Scratch(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='rcuslot-check-test-')
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        self.keep_going = rc.KEEP_GOING
        self.addCleanup(setattr, rc, 'KEEP_GOING', self.keep_going)

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text):
        with open(self.path(name), 'w') as f:
            f.write(text)
        return self.path(name)


class Verdicts(Scratch):
    def test_pass_and_fail_read_back(self):
        log = self.write('a.log', 'output\n')
        rc.write_verdict(log, True)
        self.assertEqual(rc.read_verdict(log), (True, ''))
        log = self.write('b.log', 'output\n')
        rc.write_verdict(log, False, 'exit status 3')
        self.assertEqual(rc.read_verdict(log), (False, 'exit status 3'))

    def test_a_log_without_verdict_failed(self):
        log = self.write('c.log', 'all fine, it says\nexit status: 0\n')
        ok, why = rc.read_verdict(log)
        self.assertFalse(ok)
        self.assertIn('no verdict', why)

    def test_no_log_failed(self):
        ok, why = rc.read_verdict(self.path('missing.log'))
        self.assertFalse(ok)
        self.assertIn('no log', why)

    def test_output_that_looks_like_a_verdict_is_not_trusted_before_the_last(self):
        log = self.write('d.log', rc.VERDICT + 'pass\nmore output\n')
        rc.write_verdict(log, False, 'exit status 1')
        self.assertEqual(rc.read_verdict(log), (False, 'exit status 1'))

    def test_objects_on_the_check_list_passed_by_being_built(self):
        self.assertEqual(rc.verdict_of(self.path('x.o')), (rc.PASSED, ''))


def action(status=0, raises=None):
    def act(target, source, env):
        with open(target[0], 'w') as f:
            f.write('ran\n')
        if raises:
            raise raises
        return status
    return act


class RecordsVerdict(Scratch):
    def test_keep_going_failure_returns_0_and_records_it(self):
        rc.KEEP_GOING = True
        log = self.path('t.log')
        self.assertEqual(rc.records_verdict(action(2))([log], [], None), 0)
        self.assertEqual(rc.read_verdict(log), (False, 'exit status 2'))

    def test_without_keep_going_failure_fails_the_action(self):
        rc.KEEP_GOING = False
        log = self.path('t.log')
        self.assertEqual(rc.records_verdict(action(2))([log], [], None), 2)
        self.assertFalse(rc.read_verdict(log)[0])

    def test_success(self):
        for keep_going in (True, False):
            rc.KEEP_GOING = keep_going
            log = self.path('ok-%d.log' % keep_going)
            self.assertEqual(rc.records_verdict(action(0))([log], [], None), 0)
            self.assertEqual(rc.read_verdict(log), (True, ''))

    def test_exception_is_a_failure(self):
        rc.KEEP_GOING = True
        log = self.path('e.log')
        act = rc.records_verdict(action(raises=OSError(5, 'broken')))
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            self.assertEqual(act([log], [], None), 0)
        self.assertIn('OSError: [Errno 5] broken', out.getvalue())
        ok, why = rc.read_verdict(log)
        self.assertFalse(ok)
        self.assertIn('OSError', why)
        rc.KEEP_GOING = False
        with self.assertRaises(OSError):
            act([log], [], None)
        self.assertFalse(rc.read_verdict(log)[0])

    def test_the_log_is_the_first_log_target(self):
        rc.KEEP_GOING = True
        data, log = self.path('rows.csv'), self.path('run.log')
        act = rc.records_verdict(lambda t, s, e: 1)
        self.assertEqual(act([data, log], [], None), 0)
        self.assertFalse(rc.read_verdict(log)[0])
        self.assertFalse(os.path.exists(data))
        with self.assertRaises(ValueError):
            act([data], [], None)


class Summary(unittest.TestCase):
    def test_totals_and_failed_runs(self):
        results = [('gcc/unit', 'build/gcc/unit.log', rc.PASSED, ''),
                   ('clang/unit', 'build/clang/unit.log', rc.FAILED, 'exit status 1'),
                   ('lint/x', 'build/lint/x.log', rc.FAILED, ''),
                   ('doc/signatures.o', 'build/doc/signatures.o', rc.PASSED, '')]
        lines = rc.summary_lines(results)
        self.assertEqual(lines, [
            'scons check: 2 passed, 2 failed',
            '  FAILED clang/unit: build/clang/unit.log (exit status 1)',
            '  FAILED lint/x: build/lint/x.log'])
        self.assertEqual(rc.exit_status(lines), 1)

    def test_all_passed(self):
        lines = rc.summary_lines([('a', 'build/a.log', rc.PASSED, '')] * 3)
        self.assertEqual(lines, ['scons check: 3 passed, 0 failed'])
        self.assertEqual(rc.exit_status(lines), 0)

    def test_failed_build_counts_and_unrun_checks_are_named_as_such(self):
        results = [('a', 'build/a.log', rc.PASSED, ''),
                   ('b', 'build/b.log', rc.NOT_RUN, ''),
                   ('c', 'build/c.log', rc.NOT_RUN, '')]
        lines = rc.summary_lines(results, [('build/x.o', 'Error 1')])
        self.assertEqual(lines[0], 'scons check: 1 passed, 1 failed')
        self.assertEqual(lines[1], '  FAILED to build: build/x.o: Error 1')
        self.assertEqual(lines[2], 'scons check: 2 not run: scons stopped at the '
                         'failed build (`scons -k -j2 check` runs all that does '
                         'not need it)')
        lines = rc.summary_lines(results, [('build/x.o', 'Error 1')], keep_going=True)
        self.assertEqual(lines[2], 'scons check: 2 not run: a build they need failed')
        self.assertEqual(rc.exit_status(lines), 1)

    def test_skipped_legs_are_named_and_do_not_fail(self):
        self.addCleanup(setattr, rc, 'SKIPPED', list(rc.SKIPPED))
        rc.SKIPPED[:] = [('the leg against liburcu 0.15.2', 65, 'it needs the network')]
        self.assertEqual(rc.skipped_lines(), [
            'scons check: skipped the leg against liburcu 0.15.2 (65 checks): '
            'it needs the network'])
        # The summary's verdict is computed on its own lines, without them.
        lines = rc.summary_lines([('a', 'build/a.log', rc.PASSED, '')])
        self.assertEqual(rc.exit_status(lines), 0)

    def test_names(self):
        self.assertEqual(rc.check_name('/top/build/gcc-memb-lgpl/unit.log', '/top'),
                         'gcc-memb-lgpl/unit')
        self.assertEqual(rc.check_name('build/doc/check/signatures.o'),
                         'doc/check/signatures.o')


SCONSTRUCT = textwrap.dedent('''
    import os
    import rcuslot_check as rc
    rc.KEEP_GOING = 'check' in COMMAND_LINE_TARGETS

    @rc.records_verdict
    def check(target, source, env):
        with open(target[0].abspath, 'w') as f:
            f.write('check %s\\n' % target[0].name)
        return int(env['STATUS'])

    env = Environment()
    checks = [env.Command('build/%s.log' % name, [], check, STATUS=status)
              for name, status in (('a', 0), ('b', 1), ('c', 0), ('d', 1), ('e', 0))]
    AlwaysBuild(checks)

    @rc.records_verdict
    def lint(target, source, env):
        with open(source[0].abspath) as f:
            bad = 'bad' in f.read()
        with open(target[0].abspath, 'w') as f:
            f.write('lint: %s\\n' % ('bad' if bad else 'good'))
        return 1 if bad else 0

    if os.path.exists('src.txt'):
        # A check that is not always run: it runs when its source changes.
        checks.append(env.Command('build/lint.log', 'src.txt', lint))
        Alias('lint', checks[-1])
    if ARGUMENTS.get('broken'):
        # A build step that is not a check fails (a compile error), and a
        # check needs it.
        prog = env.Command('build/prog', [], 'exit 1')
        needs = env.Command('build/needs-prog.log', prog, check, STATUS=0)
        checks.append(needs)
    Alias('some', checks)
    Alias('check', rc.add_summary(env, checks))
''')


@unittest.skipUnless(shutil.which('scons'), 'scons not found')
class RealBuild(Scratch):
    def scons(self, *args):
        self.write('SConstruct', SCONSTRUCT)
        site = os.path.dirname(os.path.abspath(__file__))
        proc = subprocess.run(['scons', '-Q', '--site-dir=' + site] + list(args),
                              cwd=self.dir, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
        return proc.returncode, proc.stdout

    def test_check_runs_everything_and_counts_failures(self):
        rc_, out = self.scons('-j2', 'check')
        self.assertNotEqual(rc_, 0, out)
        self.assertIn('scons check: 3 passed, 2 failed\n', out)
        self.assertIn('  FAILED b: build/b.log (exit status 1)\n', out)
        self.assertIn('  FAILED d: build/d.log (exit status 1)\n', out)
        for name in 'abcde':
            self.assertTrue(os.path.exists(self.path('build/%s.log' % name)), name)
        with open(self.path('build/check-summary.txt')) as f:
            self.assertEqual(f.readline(), 'scons check: 3 passed, 2 failed\n')

    def test_a_failed_build_still_prints_the_totals(self):
        # Without -k scons stops at the failed build: how many checks ran
        # before it depends on the order, but the totals come, and the check
        # that needs the failed build is not run, nor counted as failed.
        rc_, out = self.scons('check', 'broken=1')
        self.assertNotEqual(rc_, 0, out)
        summary = [l for l in out.splitlines() if l.startswith(('scons check:', '  FAILED'))]
        self.assertRegex(summary[0], r'^scons check: \d+ passed, \d+ failed$')
        self.assertIn('  FAILED to build: build/prog: Error 1', summary)
        self.assertRegex(summary[-1], r'^scons check: \d+ not run: ')
        self.assertFalse([l for l in summary if 'needs-prog' in l], out)

    def test_keep_going_runs_all_that_does_not_need_the_failed_build(self):
        rc_, out = self.scons('-k', '-j2', 'check', 'broken=1')
        self.assertNotEqual(rc_, 0, out)
        summary = [l for l in out.splitlines() if l.startswith(('scons check:', '  FAILED'))]
        self.assertEqual(summary[0], 'scons check: 3 passed, 3 failed', out)
        self.assertEqual(summary[1], '  FAILED to build: build/prog: Error 1')
        self.assertEqual(summary[-1], 'scons check: 1 not run: a build they need failed')

    def test_a_failed_check_runs_again_next_time(self):
        # lint fails under `scons check`, so its action returns 0 and scons
        # stores it as built; `scons lint` must run it again and fail, not
        # take it as up to date.
        self.write('src.txt', 'bad\n')
        rc_, out = self.scons('check')
        self.assertIn('  FAILED lint: build/lint.log (exit status 1)\n', out)
        rc_, out = self.scons('lint')
        self.assertNotEqual(rc_, 0, out)
        self.assertIn('lint(["build/lint.log"], ["src.txt"])', out)
        self.write('src.txt', 'good\n')
        self.assertEqual(self.scons('lint')[0], 0)
        rc_, out = self.scons('lint')
        self.assertEqual(rc_, 0, out)
        self.assertIn('is up to date', out)

    def test_other_targets_still_stop_at_the_first_failure(self):
        rc_, out = self.scons('some')
        self.assertNotEqual(rc_, 0, out)
        self.assertNotIn('scons check:', out)
        self.assertFalse(rc.read_verdict(self.path('build/b.log'))[0])


if __name__ == '__main__':
    unittest.main(verbosity=2)
