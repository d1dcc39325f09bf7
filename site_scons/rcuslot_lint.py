# SPDX-License-Identifier: MIT
"""Build helper for lint/SConscript: run one static analyzer invocation,
keep its output, and fail on any finding."""

import os
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


# ---------------------------------------------------------------------------
# Every tracked file that can carry an SPDX line has one, in its first three
# lines (after a #! line, a man page's or a Markdown comment's opener).

SPDX = 'SPDX-License-Identifier: MIT'

# Files that cannot carry one, and why (fnmatch patterns).
SPDX_EXEMPT = [
    ('LICENSE', 'the licence text itself'),
    ('debian/copyright', 'the licence statement itself (DEP-5)'),
    ('debian/changelog', 'its format has no comments'),
    ('debian/source/format', 'one word, no comments'),
    ('bench/results/*', 'written by scons bench; a rerun replaces them'),
    ('packaging/abi/*.abi', 'written by scons abi-baseline'),
    ('*.csv', 'data without comments'),
    ('*.png', 'images'),
    ('examples/configd/tests/bad/*', 'test inputs whose errors name their '
     'line numbers (MANIFEST)'),
    ('examples/configd/tests/seeds/*', 'fuzz seeds: exact bytes'),
]


def spdx_exemption(path):
    import fnmatch
    for pattern, why in SPDX_EXEMPT:
        if fnmatch.fnmatch(path, pattern):
            return why
    return None


def has_spdx(path):
    with open(path, 'rb') as f:
        head = f.read(1024).decode('utf-8', 'replace').splitlines()[:3]
    return any(SPDX in line for line in head)


@records_verdict
def spdx_check(target, source, env):
    """Every tracked file (git ls-files) has the SPDX line near its top,
    unless SPDX_EXEMPT says why it cannot. The log is target[0]."""
    top = env.Dir('#').abspath
    files = subprocess.run(['git', 'ls-files', '-z'], cwd=top, check=True,
                           stdout=subprocess.PIPE).stdout.decode().split('\0')
    missing, exempt, n = [], 0, 0
    for f in sorted(x for x in files if x):
        path = os.path.join(top, f)
        if not os.path.isfile(path):
            continue  # deleted in the work tree
        if spdx_exemption(f):
            exempt += 1
            continue
        n += 1
        if not has_spdx(path):
            missing.append(f)
    lines = ['spdx: %d files carry "%s", %d exempt (site_scons/rcuslot_lint.py)'
             % (n - len(missing), SPDX, exempt)]
    lines += ['spdx: no SPDX line in the first three lines: ' + f for f in missing]
    with open(target[0].abspath, 'w') as log:
        log.write('\n'.join(lines) + '\n')
    print('\n'.join(lines))
    return 1 if missing else 0
