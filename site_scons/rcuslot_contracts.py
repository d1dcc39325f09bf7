# SPDX-License-Identifier: MIT
"""The reference pages of the generated API, from the contracts in the headers.

Each generated operation's contract sits in its header (rcuslot/slot.h,
map.h, list.h, tree.h, ref.h) right above the generator macro that
generates it, as a doc comment that starts with a marker line. The comments lie inside the
headers' `@cond RCUSLOT_INTERNAL` sections, so Doxygen skips them there; this
script writes them out, for the placeholder instantiation, as the pages
Doxygen reads (build/doc/gen/slot_api.h, ...) and the signature checks
compile (doc/signatures.c, ...):

    /**
     * @contract-group RCU_SLOT_DEFINE RCU_SLOT_DEFINE: the generated slot API
     * @brief ...                 (the group's page: its title, then its text)
     */
    /**
     * @contract-decl             (a declaration for Doxygen only, its text,
     * Placeholder for ...         then the declaration; `private:` starts the
     * @decl typedef struct TYPE TYPE;   members hidden as internal)
     */
    /**
     * @contract NAME_replace      (an operation's page: NAME_replace)
     * @brief Publish a new object and take the old one out of the slot.
     *
     * Publish `new_obj` in the slot ... (the function's text)
     * @proto struct NAME_old NAME_replace(struct NAME *slot, TYPE *new_obj);
     */
    /**
     * @contract LIST_first/LIST_next   (a second function on LIST_first's
     * Read the entry after ...          page: no @brief of its own)
     * @proto const ENTRY *LIST_next(const struct LIST *list, const ENTRY *obj);
     */

A prototype runs to its `;`. The functions of a page come out in the order
they appear in the header; the pages in the reading order that the group's
`@order PAGE...` paragraph (its last) gives, which must name each page once.

    python3 site_scons/rcuslot_contracts.py slot OUT.h   writes one page file
"""

import os
import re
import sys

# name -> (header, what it documents, the placeholder instantiation, the
# signature check that compiles its prototypes, the program its examples
# come from).
PAGES = {
    'slot': ('rcuslot/slot.h', 'RCU_SLOT_DEFINE() generates',
             'RCU_SLOT_DEFINE(NAME, TYPE, free_fn)', 'doc/signatures.c',
             'doc/snippets.c'),
    'map': ('rcuslot/map.h', 'RCU_MAP_DEFINE() generates',
            'RCU_MAP_DEFINE(MAP, ENTRY, node, key, free_fn)',
            'doc/map_signatures.c', None),
    'list': ('rcuslot/list.h', 'RCU_LIST_DEFINE() generates',
             'RCU_LIST_DEFINE(LIST, ENTRY, member, free_fn)',
             'doc/list_signatures.c', 'doc/list_snippets.c'),
    'tree': ('rcuslot/tree.h', 'RCU_TREE_DEFINE() generates',
             'RCU_TREE_DEFINE(TREE, ENTRY, key, free_fn)',
             'doc/tree_signatures.c', 'doc/tree_snippets.c'),
    'ref': ('rcuslot/ref.h', 'RCU_SLOT_DEFINE_REF() adds to a slot',
            'RCU_SLOT_DEFINE_REF(NAME, TYPE, ref, free_fn)',
            'doc/signatures.c with `RCUSLOT_DOC_REF`', None),
}

COMMENT_RE = re.compile(r'/\*\*(.*?)\*/', re.S)
MARKER_RE = re.compile(r'^@contract(-group|-decl)?(?:\s+(.*))?$')


class ContractError(Exception):
    pass


def comment_lines(body):
    """A /** */ comment's text, one entry per line, without the ` * `."""
    lines = body.split('\n')
    if lines and not lines[0].strip():
        lines = lines[1:]
    if lines and not lines[-1].strip():
        lines = lines[:-1]
    return [re.sub(r'^\s*\*(?: |(?=\t)|$)', '', l, count=1).rstrip()
            for l in lines]


def contract_blocks(text):
    """(line, kind, argument, text lines) for each contract comment, line
    being the marker's; the text lines follow it, one a line."""
    out = []
    for m in COMMENT_RE.finditer(text):
        lines = comment_lines(m.group(1))
        if not lines:
            continue
        marker = MARKER_RE.match(lines[0].strip())
        if not marker:
            continue
        line = text.count('\n', 0, m.start()) + 1
        if not m.group(1).split('\n')[0].strip():
            line += 1
        out.append((line, marker.group(1) or '', (marker.group(2) or '').strip(),
                    lines[1:]))
    return out


def split_code(where, lines, tag):
    """(text lines, code lines, index of the code's first line): the text
    up to `@tag`, then the code from there to the `;` that ends it."""
    for i, l in enumerate(lines):
        if l.startswith('@%s ' % tag):
            code = [l[len(tag) + 2:]] + lines[i + 1:]
            if not code[-1].rstrip().endswith(';'):
                raise ContractError('%s: @%s must end the comment with a `;`'
                                    % (where, tag))
            return lines[:i], code, i
    raise ContractError('%s: no @%s' % (where, tag))


def parse(path, text):
    """The group (title, text lines), the declarations [(text, code)] and
    the pages [(name, brief lines, [(text, code)])] of one header."""
    group, decls, pages = None, [], []
    by_name = {}
    for line, kind, arg, lines in contract_blocks(text):
        where = '%s:%d' % (path, line)
        if kind == '-group':
            if group or not arg:
                raise ContractError('%s: one @contract-group NAME TITLE per '
                                    'header' % where)
            group = (arg, lines)
        elif kind == '-decl':
            decls.append(split_code(where, lines, 'decl')[:2])
        else:
            page, _, func = arg.partition('/')
            if not re.match(r'^\w+$', page) or (func and not re.match(r'^\w+$', func)):
                raise ContractError('%s: not "@contract PAGE" or "@contract '
                                    'PAGE/FUNCTION": %s' % (where, arg))
            doc, code, at = split_code(where, lines, 'proto')
            proto_line = line + 1 + at
            if not func:
                if page in by_name:
                    raise ContractError('%s: a second page %s' % (where, page))
                if not doc or not doc[0].startswith('@brief '):
                    raise ContractError('%s: a page starts with its @brief'
                                        % where)
                end = doc.index('') if '' in doc else len(doc)
                by_name[page] = (page, doc[:end], [])
                pages.append(by_name[page])
                doc = doc[end + 1:]
            elif page not in by_name:
                raise ContractError('%s: page %s is not defined above'
                                    % (where, page))
            by_name[page][2].append((doc, code, proto_line))
    if not group:
        raise ContractError('%s: no @contract-group' % path)
    gtext, order = group[1], []
    for i, l in enumerate(gtext):
        if l.startswith('@order '):
            order = ' '.join(gtext[i:])[len('@order '):].split()
            gtext = gtext[:i]
            while gtext and not gtext[-1]:
                gtext = gtext[:-1]
            break
    if sorted(order) != sorted(by_name):
        raise ContractError('%s: the group\'s @order must name each page '
                            'once: %s' % (path, ' '.join(sorted(by_name))))
    pages.sort(key=lambda p: order.index(p[0]))
    return (group[0], gtext), decls, pages


def comment(lines, indent=''):
    return (['%s/**' % indent] +
            ['%s *%s' % (indent, ' ' + l if l else '') for l in lines] +
            ['%s */' % indent])


def declaration(code):
    """A declaration; in `struct X { private: members };` the members are
    hidden from the reference."""
    one = ' '.join(code)
    m = re.match(r'^(struct \w+) \{ private: (.*) \};$', one)
    if not m:
        return code
    members = [s.strip() + ';' for s in m.group(2).split(';') if s.strip()]
    return (['%s {' % m.group(1), '\t/** @cond RCUSLOT_INTERNAL */'] +
            ['\t' + s for s in members] +
            ['\t/** @endcond */', '};'])


def render(name, header_text):
    header, what, instance, check, examples = PAGES[name]
    (gline, gtext), decls, pages = parse(header, header_text)
    gname, _, gtitle = gline.partition(' ')
    guard = 'RCUSLOT_DOC_%s_API_H' % name.upper()
    generated = 'build/doc/gen/%s_api.h' % name
    out = ['/* SPDX-License-Identifier: MIT */']
    out += comment([
        '@file %s_api.h' % name,
        '@brief Reference for what %s, for the placeholder' % what,
        '       instantiation `%s`.' % instance,
        '',
        'Generated from the contracts in %s by' % header,
        'site_scons/rcuslot_contracts.py: edit them there. Documentation',
        'only: programs include <rcuslot/rcuslot.h> and never this file.',
        'Doxygen reads it with `RCUSLOT_DOXYGEN` defined (doc/Doxyfile).',
        '`scons check` also compiles its prototypes against a real',
        'instantiation (%s, with `RCUSLOT_DOC_SIGNATURES`), so a' % check,
        'documented signature that drifts from the generated one breaks',
        'the build%s' % (';' if examples else '.'),
    ] + (['and the examples come from %s, which `scons check` builds' % examples,
          'and runs.'] if examples else []))
    out += ['#ifndef %s' % guard, '#define %s' % guard, '',
            '#if !defined(RCUSLOT_DOXYGEN) && !defined(RCUSLOT_DOC_SIGNATURES)',
            '#error "%s is documentation: include <rcuslot/rcuslot.h> '
            'instead"' % generated,
            '#endif', '']
    if any(re.search(r'\bbool\b', ' '.join(code))
           for _, _, funcs in pages for _, code, _ in funcs):
        out += ['#include <stdbool.h>', '']
    out += ['#ifdef RCUSLOT_DOXYGEN', '']
    out += comment(['@defgroup %s %s' % (gname, gtitle)] + gtext + ['@{'])
    out.append('')
    for text, code in decls:
        out += comment(text) + declaration(code) + ['']
    out += ['/** @} */', '', '#endif /* RCUSLOT_DOXYGEN */', '',
            '#if defined(RCUSLOT_DOXYGEN) || defined(RCUSLOT_DOC_SIGNATURES)',
            '']
    for page, brief, funcs in pages:
        out += comment(['@defgroup %s %s' % (page, page),
                        '@ingroup %s' % gname] + brief + ['@{'])
        out.append('')
        for text, code, line in funcs:
            # A compiler's message about a prototype (the signature check)
            # names the header's @proto line.
            out += comment(text) + ['#line %d "%s"' % (line, header)] + code
            out += ['#line %d "%s"' % (len(out) + 2, generated), '']
        out += ['/** @} */', '']
    out += ['#endif /* RCUSLOT_DOXYGEN || RCUSLOT_DOC_SIGNATURES */', '',
            '#endif /* %s */' % guard]
    return '\n'.join(out) + '\n'


def write_page(name, header_path, out_path):
    with open(header_path, encoding='utf-8') as f:
        text = render(name, f.read())
    os.makedirs(os.path.dirname(out_path) or '.', exist_ok=True)
    with open(out_path, 'w', encoding='utf-8') as f:
        f.write(text)


def build_page(target, source, env):
    """SCons action: target[0] = build/doc/gen/NAME_api.h from source[0]."""
    name = os.path.basename(target[0].path)[:-len('_api.h')]
    try:
        write_page(name, source[0].abspath, target[0].abspath)
    except ContractError as e:
        print('contracts: %s' % e)
        return 1
    return 0


if __name__ == '__main__':
    if len(sys.argv) != 3 or sys.argv[1] not in PAGES:
        sys.exit('usage: rcuslot_contracts.py {%s} OUT.h' % ','.join(PAGES))
    try:
        write_page(sys.argv[1], PAGES[sys.argv[1]][0], sys.argv[2])
    except ContractError as e:
        sys.exit('contracts: %s' % e)
