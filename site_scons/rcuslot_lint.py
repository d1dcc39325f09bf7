"""Build helper for lint/SConscript: run one static analyzer invocation,
keep its output, and fail on any finding."""

import re
import subprocess
import sys

from rcuslot_check import records_verdict

# A finding, in clang-tidy's and in cppcheck's (--template below) format.
FINDING_RE = re.compile(r':\d+:\d+: (warning|error|style|performance|'
                        r'portability|information|note)?:? ?.*\[[\w.,-]+\]$')
FINDING_START_RE = re.compile(r'^\S+:\d+:\d+: (warning|error|style|performance|'
                              r'portability|information): ')

CPPCHECK_TEMPLATE = '{file}:{line}:{column}: {severity}: {message} [{id}]'


@records_verdict
def run_tool(target, source, env):
    """Run LINT_ARGV from the top directory. Fails when the tool exits
    non-zero or reports anything (with LINT_EXPECT_FINDINGS, the message to
    show: when it reports nothing); target[0] is the log."""
    argv = list(env['LINT_ARGV'])
    label = env['LINT_LABEL']
    proc = subprocess.run(argv, cwd=env.Dir('#').abspath,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, errors='replace')
    findings = [l for l in proc.stdout.splitlines() if FINDING_START_RE.match(l)]
    with open(target[0].abspath, 'w') as log:
        log.write('$ %s\n%s\nexit status %d, %d findings\n' %
                  (' '.join(argv), proc.stdout, proc.returncode, len(findings)))
        if env.get('LINT_EXPECT_FINDINGS'):
            # A file on a list of known exceptions: once the tool accepts
            # it, the exception must go, so that the list stays true.
            if proc.returncode != 0 and findings:
                return 0
            log.write('%s: now clean: %s\n' % (label, env['LINT_EXPECT_FINDINGS']))
            sys.stdout.write('==> lint: %s: now clean: %s\n' %
                             (label, env['LINT_EXPECT_FINDINGS']))
            return 1
    if proc.returncode != 0 or findings:
        sys.stdout.write('==> lint: %s: %d findings (exit status %d)\n%s\n' %
                         (label, len(findings), proc.returncode, proc.stdout))
        return 1
    return 0
