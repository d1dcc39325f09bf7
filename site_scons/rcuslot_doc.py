# SPDX-License-Identifier: MIT
"""Build helpers for doc/SConscript: Doxygen runs and the man page fix-ups.

Doxygen reads doc/Doxyfile with a few overrides on stdin (`doxygen -`), once
for HTML and once for man pages. Any warning fails the run; the man run is
followed by checks and fix-ups of the generated pages (see fix_man_pages).
"""

import os
import re
import shutil
import subprocess
import sys

from rcuslot_check import records_verdict


def version_of(header):
    """MAJOR.MINOR.PATCH from rcuslot/version.h, the one place it is set."""
    with open(header) as f:
        text = f.read()
    parts = []
    for part in ('MAJOR', 'MINOR', 'PATCH'):
        m = re.search(r'#define\s+RCUSLOT_VERSION_%s\s+(\d+)' % part, text)
        if not m:
            raise ValueError('%s: no RCUSLOT_VERSION_%s' % (header, part))
        parts.append(m.group(1))
    return '.'.join(parts)


def man_source(target, source, env):
    """doc/mainpage.md as the rcuslot(3) page.

    Doxygen writes no man page for the main page, so the man run reads this
    copy instead: the title becomes page `rcuslot` (its NAME line is
    "rcuslot - <title>"), and the introduction gets a Description heading so
    that it does not run on in the NAME section.
    """
    with open(source[0].abspath) as f:
        lines = f.read().split('\n')
    m = re.match(r'#\s*rcuslot:\s*(.+)$', lines[0])
    if not m:
        print('doc: %s must start with "# rcuslot: <title>"' % source[0])
        return 1
    out = ['# %s {#rcuslot}' % m.group(1), '',
           '# Description {#rcuslot_description}'] + _tables_as_lists(lines[1:])
    with open(target[0].abspath, 'w') as f:
        f.write('\n'.join(out))
    return 0


def _cells(row):
    return [c.strip() for c in row.strip().strip('|').split('|')]


def _tables_as_lists(lines):
    """Markdown tables as bullet lists. Doxygen 1.9.4's man output runs a
    table's cells together in one paragraph; a list reads well in a
    terminal. A row becomes "- first cell: second cell" for two columns,
    "- first cell: heading: cell; heading: cell..." for more."""
    out, i = [], 0
    while i < len(lines):
        if not (lines[i].startswith('|') and i + 1 < len(lines) and
                re.match(r'^\|(\s*:?-+:?\s*\|)+\s*$', lines[i + 1])):
            out.append(lines[i])
            i += 1
            continue
        head = _cells(lines[i])
        i += 2
        while i < len(lines) and lines[i].startswith('|'):
            cells = _cells(lines[i])
            if len(head) == 2:
                rest = cells[1]
            else:
                rest = '; '.join('%s: %s' % (h, c)
                                 for h, c in zip(head[1:], cells[1:]))
            out.append('- %s: %s' % (cells[0], rest))
            i += 1
    return out


def run_doxygen(target, source, env):
    """Run Doxygen on DOXYFILE plus DOXYGEN_OVERRIDES, from the top directory.

    Fails on any warning. WARN_AS_ERROR=FAIL_ON_WARNINGS (Doxygen >= 1.9.3)
    overrides the Doxyfile's YES so that one run reports every warning
    instead of stopping at the first. The last target is a log of the run.
    """
    top = env.Dir('#').abspath
    out_dir = env['DOXYGEN_OUT_DIR']
    shutil.rmtree(os.path.join(top, out_dir), ignore_errors=True)
    with open(env.File(env['DOXYFILE']).abspath) as f:
        config = f.read()
    # e.g. the man run reads the rcuslot(3) copy of doc/mainpage.md instead.
    for old, new in env.get('DOXYGEN_INPUT_SUBST', []):
        config = config.replace(old, new)
    overrides = list(env['DOXYGEN_OVERRIDES']) + ['WARN_AS_ERROR = FAIL_ON_WARNINGS']
    config += '\n# scons overrides\n' + '\n'.join(overrides) + '\n'
    proc = subprocess.run(['doxygen', '-'], input=config, cwd=top, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    warnings = [l for l in proc.stderr.splitlines() if l.strip()]
    label = env['DOXYGEN_LABEL']
    with open(target[-1].abspath, 'w') as log:
        log.write(proc.stdout + proc.stderr)
        log.write('\ndoxygen %s: exit status %d, %d warnings\n' %
                  (label, proc.returncode, len(warnings)))
    if proc.returncode != 0 or warnings:
        sys.stdout.write('doc: doxygen (%s) failed with %d warnings:\n%s\n' %
                         (label, len(warnings), '\n'.join(warnings)))
        return 1
    missing = [str(t) for t in target[:-1] if not os.path.exists(t.abspath)]
    if missing:
        print('doc: doxygen (%s) did not write %s' % (label, ', '.join(missing)))
        return 1
    print('doc: doxygen (%s): 0 warnings' % label)
    return 0


# --- Man pages -------------------------------------------------------------

NAME_RE = re.compile(r'(\.SH NAME\n)(\S+) \\- [^\n]*\n\.PP\n \\- ([^\n]*?)\s*\n')
SO_RE = re.compile(r'^\.so man3/(\S+)\s*$')


def _documents(page_text, name):
    """Whether a man page documents `name`: it has a documentation heading
    for it (.SS), or lists it in its synopsis (.RI), which is all a name with
    a one-line description gets."""
    n = re.escape(name)
    pattern = re.compile(r'^(\.SS "[^"\n]*\b%s\b|\.RI "[^"\n]*\\fB%s\\fP)' % (n, n),
                         re.M)
    return pattern.search(page_text) is not None


def _fix_lines(text):
    """Two slips of Doxygen 1.9.4's man output:
    - code blocks (.nf ... .fi) are copied without escaping backslashes, so
      the "\\n" of a printf in an example is read as a troff escape: escape
      them as \\e, leaving Doxygen's own \\& escapes;
    - in running text, a source line break inside a quotation keeps the next
      line's indentation, and troff breaks and indents a line that starts
      with spaces: strip it."""
    out, in_code = [], False
    for line in text.split('\n'):
        if line.startswith('.nf'):
            in_code = True
        elif line.startswith('.fi'):
            in_code = False
        elif in_code:
            line = re.sub(r'\\(?!&)', r'\\e', line)
        elif line.startswith(' ') and line.strip():
            line = line.lstrip(' ')
        out.append(line)
    return '\n'.join(out)


def _groff_warnings(path):
    """groff's warnings for one page (all of them: -ww), or None without groff."""
    if not shutil.which('groff'):
        return None
    proc = subprocess.run(['groff', '-man', '-Tutf8', '-ww', '-z', path],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, env=dict(os.environ, LC_ALL='C.UTF-8'))
    return proc.stdout.strip()


def _fail_man(target, errors):
    text = 'doc: man pages:\n  ' + '\n  '.join(errors)
    print(text)
    with open(target[-1].abspath, 'a') as f:
        f.write(text + '\n')


def fix_man_pages(target, source, env):
    """Check the man pages Doxygen wrote against MAN_PAGES / MAN_LINKS /
    MAN_SKIPPED, then fix them up:

    - NAME lines: a group page's NAME section is "name - title" followed by
      " - brief" on a line of its own; whatis(1) and apropos(1) read one
      line, so it becomes "name - brief".
    - links: MAN_LINKS writes a ".so" page for every documented name, but a
      name that is both in a header and in a group gets whichever page
      Doxygen wrote last, sometimes the header's page (rcu.h.3), which is
      not installed. Each link is pointed at the group page that documents
      the name; exactly one must.
    """
    man_dir = env.Dir(env['MAN_DIR']).abspath
    pages, links, skipped = (env['MAN_PAGES'], env['MAN_LINKS'],
                             env['MAN_SKIPPED'])
    made = set(os.listdir(man_dir))
    expected = set(pages) | set(links) | set(skipped)
    errors = []
    if made != expected:
        new, gone = sorted(made - expected), sorted(expected - made)
        if new:
            errors.append('Doxygen wrote man pages doc/SConscript does not list: '
                          '%s\n  add each to MAN_PAGES (a page of its own), '
                          'MAN_LINKS (a .so link) or MAN_SKIPPED (not installed)'
                          % ' '.join(new))
        if gone:
            errors.append('man pages listed in doc/SConscript but not written: %s'
                          % ' '.join(gone))
    texts = {}
    for p in sorted(made & expected):
        with open(os.path.join(man_dir, p)) as f:
            texts[p] = f.read()
    for p in pages:
        if p not in texts:
            continue
        if SO_RE.match(texts[p].split('\n', 1)[0]):
            errors.append('%s should be a page of its own, but is a link' % p)
            continue
        texts[p] = NAME_RE.sub(
            lambda m: '%s%s \\- %s\n' % (m.group(1), m.group(2),
                                         re.sub(r'\\&\.$', '', m.group(3))),
            texts[p], count=1)
        texts[p] = _fix_lines(texts[p])
    for link in links:
        if link not in texts:
            continue
        if not SO_RE.match(texts[link].strip()):
            errors.append('%s should be a .so link, but is a page' % link)
            continue
        name = link[:-len('.3')]
        owners = [p for p in pages if p != 'rcuslot.3' and p in texts and
                  _documents(texts[p], name)]
        if len(owners) != 1:
            errors.append('%s: %s page documents %s (%s)' %
                          (link, 'no' if not owners else 'more than one', name,
                           ' '.join(owners)))
            continue
        texts[link] = '.so man3/%s\n' % owners[0]
    if errors:
        _fail_man(target, errors)
        return 1
    for p, text in texts.items():
        with open(os.path.join(man_dir, p), 'w') as f:
            f.write(text)
    # The installed pages must format cleanly (groff comes with man-db).
    for p in pages:
        warnings = _groff_warnings(os.path.join(man_dir, p))
        if warnings is None:
            print('man pages: groff not found (apt-get install groff-base): '
                  'formatting not checked')
            break
        if warnings:
            errors.append('%s: groff warnings:\n    %s' %
                          (p, warnings.replace('\n', '\n    ')))
    if errors:
        _fail_man(target, errors)
        return 1
    with open(target[-1].abspath, 'a') as f:
        f.write('man pages: %d pages, %d links installed; %d skipped\n' %
                (len(pages), len(links), len(skipped)))
    return 0


# The two documentation checks of `scons check`, each recording its verdict
# in its log (the last target): the HTML run, and the man run with its
# fix-ups, which only run when Doxygen succeeded.
html_pages = records_verdict(run_doxygen)


@records_verdict
def man_pages(target, source, env):
    """run_doxygen, then fix_man_pages when it succeeded."""
    return run_doxygen(target, source, env) or fix_man_pages(target, source, env)
