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


# ---------------------------------------------------------------------------
# Contracts tested for meaning: every sentence of the API documentation that
# promises an outcome ("returns -ENOENT", "leaves the map unchanged", "the
# caller still owns obj", "aborts when ...", "an empty handle: no-op") has an
# entry in test/contracts.txt naming the test that checks it, and every test
# named there exists.

# The contracts: the generated functions' (in their headers, beside their
# generators: only the comments that start with @contract count there, see
# site_scons/rcuslot_contracts.py) and the kit-wide headers.
GENERATOR_HEADERS = ['rcuslot/slot.h', 'rcuslot/map.h', 'rcuslot/list.h',
                     'rcuslot/ref.h', 'rcuslot/tree.h']
CONTRACT_SOURCES = GENERATOR_HEADERS + [
    'rcuslot/batch.h', 'rcuslot/reclaim.h', 'rcuslot/rcu.h', 'rcuslot/poll.h',
    'rcuslot/core.h', 'rcuslot/guard.h', 'rcuslot/fork.h', 'rcuslot/flavor.h',
]
CONTRACTS_TABLE = 'test/contracts.txt'

# What makes a sentence a promise about an outcome.
PROMISE_RE = re.compile(
    r'(?-i:-E[A-Z]{3,})\b'                            # returns -ENOENT ...
    r'|\bunchanged\b|\bas it was\b|\bno[ -]change\b'    # no change
    r'|\bnothing (?:changes|changed|happens|is linked|is freed)\b'
    r'|\bno-op\b'
    r'|\b(?:still|stays|now) the caller\'s\b|\bcaller (?:still )?owns\b'
    r'|\bthe caller\'s alone\b'
    r'|\babort'                                        # aborts when/with ...
    r'|\bempty handle\b|\bhandle (?:is )?(?:left )?empty\b|\bis left empty\b'
    r'|\bdoes nothing\b|\bnothing is leaked\b'
    r'|\b(?:returns?|or) NULL\b|\bNULL (?:for|when|if)\b'
    r'|\bon every path\b|\bnothing (?:is )?freed\b', re.I)

SENTENCE_END_RE = re.compile(r'(?<=[.!?])\s+(?=[A-Z`@(*"])')
TEST_RE = re.compile(r'^\s*START_TEST\s*\(\s*(\w+)\s*\)', re.M)


def normalize(text):
    return ' '.join(text.split())


def doc_sentences(text, only_contracts=False):
    """The sentences of the /** */ comments of one file: (line, sentence),
    a paragraph, list item or @-tag never running into the next, code
    (@code ... @endcode) left out. With only_contracts, of the comments
    that start with @contract alone."""
    out = []
    for m in re.finditer(r'/\*\*(.*?)\*/', text, re.S):
        if only_contracts and not re.match(r'\s*\*?\s*@contract\b', m.group(1)):
            continue
        first = text.count('\n', 0, m.start(1)) + 1
        paras, cur, in_code = [], None, False
        for i, raw in enumerate(m.group(1).split('\n')):
            line = re.sub(r'^\s*\*(?!\*) ?', '', raw).rstrip()
            stripped = line.strip()
            if stripped.startswith('@code'):
                in_code = True
            if in_code:
                in_code = not stripped.startswith('@endcode')
                cur = None
                continue
            if (not stripped or stripped.startswith(('@', '- ', '* ')) or
                    re.match(r'\d+\. ', stripped)):
                cur = None
            if not stripped or stripped.startswith(('@snippet', '@{', '@}')):
                continue
            if cur is None:
                cur = [first + i, []]
                paras.append(cur)
            cur[1].append(stripped)
        for line, words in paras:
            # Each sentence's own line: where its first word is.
            lines = [normalize(w) for w in words]
            starts, pos = [], 0
            for w in lines:
                starts.append(pos)
                pos += len(w) + 1
            para, pos = ' '.join(lines), 0
            for s in SENTENCE_END_RE.split(para):
                pos = para.find(s, pos)
                out.append((line + sum(1 for x in starts[1:] if x <= pos), s))
    return out


def promises(top):
    """Every promise sentence: (file, line, sentence)."""
    found = []
    for f in CONTRACT_SOURCES:
        with open(os.path.join(top, f), encoding='utf-8') as src:
            text = src.read()
        found += [(f, line, s)
                  for line, s in doc_sentences(text, f in GENERATOR_HEADERS)
                  if PROMISE_RE.search(s)]
    return found


def read_table(top):
    """test/contracts.txt: `file | quote | test ...` lines, a test being
    `check_x.c:test_name`, `check_x.c:test_name/case` (a case of a table
    that test runs, such as a misuse function) or `compile_fail/x.c`.
    Returns [(lineno, file, quote, [test])], errors."""
    entries, errors = [], []
    with open(os.path.join(top, CONTRACTS_TABLE), encoding='utf-8') as t:
        for n, raw in enumerate(t, 1):
            line = raw.strip()
            if not line or line.startswith('#'):
                continue
            parts = [p.strip() for p in line.split(' | ')]
            if len(parts) != 3 or not all(parts):
                errors.append('%s:%d: not "file | quote | test ...": %s'
                              % (CONTRACTS_TABLE, n, line))
                continue
            entries.append((n, parts[0], normalize(parts[1]), parts[2].split()))
    return entries, errors


TEST_TOKEN_RE = re.compile(r'^(check_\w+\.c):(\w+)(?:/(\w+))?$|^(compile_fail/[\w/]+\.c)$')


def test_problem(top, token, cache):
    """Why `token` names no test (None when it does)."""
    m = TEST_TOKEN_RE.match(token)
    if not m:
        return ('"%s" is not check_x.c:test_name[/case] or compile_fail/x.c'
                % token)
    if m.group(4):
        if not os.path.isfile(os.path.join(top, 'test', m.group(4))):
            return 'test/%s does not exist' % m.group(4)
        return None
    tf, tn, case = m.group(1), m.group(2), m.group(3)
    if tf not in cache:
        p = os.path.join(top, 'test', tf)
        cache[tf] = None
        if os.path.isfile(p):
            with open(p, encoding='utf-8') as src:
                cache[tf] = src.read()
    text = cache[tf]
    if text is None:
        return 'test/%s does not exist' % tf
    if tn not in TEST_RE.findall(text):
        return 'test/%s has no START_TEST(%s)' % (tf, tn)
    if case and not re.search(r'\b%s\b' % case, text):
        return 'test/%s has no case %s (for %s)' % (tf, case, tn)
    return None


def contracts_problems(top):
    """(promise sentences, table entries, problems): each problem one line
    that names the file and line to fix."""
    sentences = promises(top)
    entries, problems = read_table(top)
    used = set()
    for f, line, s in sentences:
        hits = [e for e in entries if e[1] == f and e[2] in s]
        if not hits:
            problems.append('%s:%d: a promise with no entry in %s (add a line '
                            '"%s | <a short quote of it> | <test file>:<test '
                            'name>" for the test that checks it): %s'
                            % (f, line, CONTRACTS_TABLE, f, s))
        used.update(e[0] for e in hits)
    cache = {}
    for n, f, quote, tests in entries:
        if f not in CONTRACT_SOURCES:
            problems.append('%s:%d: %s is not a contract source (%s)'
                            % (CONTRACTS_TABLE, n, f,
                               ', '.join(CONTRACT_SOURCES)))
        elif n not in used:
            problems.append('%s:%d: "%s" is not in any promise sentence of %s '
                            '(the sentence changed or went: update or remove '
                            'the entry)' % (CONTRACTS_TABLE, n, quote, f))
        for token in tests:
            why = test_problem(top, token, cache)
            if why:
                problems.append('%s:%d: %s' % (CONTRACTS_TABLE, n, why))
    return sentences, entries, problems


@records_verdict
def contracts_check(target, source, env):
    """Every promise sentence of CONTRACT_SOURCES has an entry in
    test/contracts.txt, each entry's quote is in one, and each test it names
    exists. The log is target[0]."""
    sentences, entries, problems = contracts_problems(env.Dir('#').abspath)
    lines = problems + ['contracts: %d promise sentences in %d files, %d '
                        'entries in %s, %d problems'
                        % (len(sentences), len(CONTRACT_SOURCES), len(entries),
                           CONTRACTS_TABLE, len(problems))]
    with open(target[0].abspath, 'w') as log:
        log.write('\n'.join(lines) + '\n')
    print('\n'.join(lines))
    return 1 if problems else 0


if __name__ == '__main__':
    # python3 site_scons/rcuslot_lint.py: list the promise sentences.
    for f_, l_, s_ in promises('.'):
        print('%s:%d: %s' % (f_, l_, s_))
