# SPDX-License-Identifier: MIT
"""The verdicts of `scons check` and the summary that counts them.

Every check's action records its verdict as the last line of its log and,
when `scons check` runs, lets the build go on even when the check failed;
the summary at the end reads the verdicts back, prints

    scons check: N passed, M failed

and the name and log of each failed run, and fails the build (scons exits
non-zero) when M > 0. Outside `scons check` (`scons test`, `scons lint`, ...)
a failed check still fails its action at once, as before.

A failure that is not a check's, such as a compile error, still stops scons
(SCons cannot keep going from inside a build without -k); the totals are
then printed when scons exits, with the failed build among the failures and
the checks that never ran counted apart.

This module imports SCons only inside the functions that need it, so that
its unit test (site_scons/test_rcuslot_check.py) runs under plain Python.
"""

import functools
import os
import sys
import traceback

# The last line of every check's log: VERDICT + 'pass', or VERDICT + 'FAIL ...'.
VERDICT = 'scons-check-verdict: '

# Set by SConstruct: True when `scons check` runs, so that a failed check
# records its verdict and the build goes on to the next.
KEEP_GOING = False


def log_of(targets):
    """The log among an action's targets: the first one named *.log."""
    for t in targets:
        path = t if isinstance(t, str) else t.abspath
        if path.endswith('.log'):
            return path
    raise ValueError('a check must have a *.log target: %s' %
                     ', '.join(str(t) for t in targets))


def write_verdict(log, ok, why=''):
    """Append the verdict line to log (creating it if the action did not)."""
    os.makedirs(os.path.dirname(log) or '.', exist_ok=True)
    with open(log, 'a') as f:
        f.write('\n%s%s\n' % (VERDICT, 'pass' if ok else 'FAIL ' + why))


def read_verdict(log):
    """(passed, reason) from a check's log. A log without a verdict line,
    or no log at all, is a failure: its action never got to say it passed."""
    try:
        with open(log, errors='replace') as f:
            lines = [l.rstrip('\n') for l in f]
    except OSError as e:
        return False, 'no log (%s)' % e.strerror
    for line in reversed(lines):
        if line.startswith(VERDICT):
            verdict = line[len(VERDICT):]
            if verdict == 'pass':
                return True, ''
            return False, verdict[len('FAIL'):].strip() or 'failed'
    return False, 'no verdict in its log (does its action record one?)'


def records_verdict(action):
    """Decorate a check's SCons function action: it records its verdict in
    its log (log_of its targets) and, under KEEP_GOING, returns 0 even when
    the check failed, so that the build goes on. An exception in the action
    counts as a failure too."""
    @functools.wraps(action)
    def recorded(target, source, env):
        log = log_of(target)
        try:
            status = action(target, source, env)
        except Exception as e:  # pylint: disable=broad-except
            write_verdict(log, False, '%s: %s' % (type(e).__name__, e))
            if not KEEP_GOING:
                raise
            sys.stdout.write('==> %s: exception in its action\n%s' %
                             (check_name(log), traceback.format_exc()))
            return 0
        ok = not status
        write_verdict(log, ok, '' if ok else 'exit status %s' % status)
        return 0 if ok or KEEP_GOING else status
    return recorded


def check_name(path, top=None):
    """A check's name: its log's path under build/, without .log."""
    if top:
        path = os.path.relpath(path, top)
    if path.startswith('build' + os.sep):
        path = path[len('build' + os.sep):]
    return path[:-len('.log')] if path.endswith('.log') else path


# --- the summary --------------------------------------------------------------

PASSED, FAILED, NOT_RUN = 'passed', 'failed', 'not run'


def verdict_of(path):
    """(outcome, reason) of one check that ran: a log carries its verdict;
    anything else on the check list (an object file that must compile) passed
    by being built."""
    if not path.endswith('.log'):
        return PASSED, ''
    ok, why = read_verdict(path)
    return (PASSED, '') if ok else (FAILED, why)


def summary_lines(results, failed_builds=(), keep_going=False):
    """The summary, as lines.

    results: [(name, log path, outcome, reason)] for every check;
    failed_builds: [(name, reason)] for failed build steps that are not
    checks (a compile error), each counted as one failure;
    keep_going: scons ran with -k, so the checks NOT_RUN are only those that
    need a failed build."""
    passed = [r for r in results if r[2] == PASSED]
    failed = [r for r in results if r[2] == FAILED]
    not_run = [r for r in results if r[2] == NOT_RUN]
    lines = ['scons check: %d passed, %d failed' %
             (len(passed), len(failed) + len(failed_builds))]
    for name, reason in failed_builds:
        lines.append('  FAILED to build: %s: %s' % (name, reason))
    for name, log, _, reason in failed:
        lines.append('  FAILED %s: %s%s' % (name, log,
                                            ' (%s)' % reason if reason else ''))
    if not_run:
        lines.append('scons check: %d not run: %s' % (
            len(not_run), 'a build they need failed' if keep_going else
            'scons stopped at the failed build (`scons -k -j2 check` runs all '
            'that does not need it)'))
    return lines


def exit_status(lines):
    """0 when the summary counts no failure and nothing left unrun."""
    return 0 if lines[0].endswith(' 0 failed') and len(lines) == 1 else 1


def _write(lines, path):
    print('\n'.join(lines))
    sys.stdout.flush()
    if path:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            f.write('\n'.join(lines) + '\n')


_state = {'summarized': False}

# Legs `scons check` left out, and why: [(leg, number of checks, reason)];
# the summary names them after its totals.
SKIPPED = []


def skipped_lines():
    return ['scons check: skipped %s (%d checks): %s' % s for s in SKIPPED]


def summarize(target, source, env):
    """The summary action: every check ran; count their verdicts."""
    _state['summarized'] = True
    top = env.Dir('#').abspath
    results = []
    for node in source:
        outcome, why = verdict_of(node.abspath)
        results.append((check_name(node.abspath, top), node.path, outcome, why))
    lines = summary_lines(results)
    _write(lines + skipped_lines(), target[0].abspath)
    return exit_status(lines)


def _summarize_at_exit(nodes, top, path):
    """atexit: when the build stopped before the summary action could run
    (a compile error, Ctrl-C), print the totals of what did run."""
    import SCons.Node
    from SCons.Script import GetBuildFailures, GetOption
    if _state['summarized']:
        return
    failures = GetBuildFailures()
    failed = set(id(f.node) for f in failures)
    ids = set(id(n) for n in nodes)
    results = []
    for node in nodes:
        name = check_name(node.abspath, top)
        state = node.get_state()
        if state in (SCons.Node.executed, SCons.Node.up_to_date):
            outcome, why = verdict_of(node.abspath)
        elif state == SCons.Node.failed and id(node) in failed:
            outcome, why = FAILED, 'its action failed'
        else:  # not reached, or failed only because a build it needs did

            outcome, why = NOT_RUN, ''
        results.append((name, node.path, outcome, why))
    builds = [(f.filename or str(f.node), f.errstr) for f in failures
              if f.node is None or id(f.node) not in ids]
    if not results and not builds:
        return
    _write(summary_lines(results, builds, GetOption('keep_going')) +
           skipped_lines(), path)


def add_summary(env, checks, target='#build/check-summary.txt'):
    """The summary node of `scons check` over the (nested) list checks,
    always run; and, under KEEP_GOING, the atexit hook that prints the
    totals when the build stops before the summary. Returns the node, for
    Alias('check', ...)."""
    import atexit
    import SCons.Util
    from SCons.Script import Action, AlwaysBuild
    nodes = [n for n in env.arg2nodes(SCons.Util.flatten(checks))]
    # A check that failed under `scons check` was stored as built, since its
    # action returned 0: run it again next time, whatever the target (else
    # a later `scons lint` would pass on a lint run that failed).
    AlwaysBuild([n for n in nodes if n.abspath.endswith('.log') and
                 os.path.exists(n.abspath) and not read_verdict(n.abspath)[0]])
    summary = env.Command(target, nodes,
                          Action(summarize, 'summarizing scons check'))
    AlwaysBuild(summary)
    if KEEP_GOING:
        atexit.register(_summarize_at_exit, nodes, env.Dir('#').abspath,
                        summary[0].abspath)
    return summary
