#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Unit test of lint-contracts (rcuslot_lint.contracts_problems): which
sentences it takes for promises, the line it names, and each way the map in
test/contracts.txt can be wrong; and of the pages written from the
headers' contracts (rcuslot_contracts). `scons lint` runs it; alone:
python3 site_scons/test_rcuslot_lint.py -v"""

import os
import shutil
import sys
import tempfile
import textwrap
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rcuslot_contracts as rc  # noqa: E402  (after the path is set)
import rcuslot_lint as rl  # noqa: E402

HEADER = textwrap.dedent('''\
    /**
     * Insert obj. Nothing else is promised here.
     *
     * @code
     * if (x_insert(m, o) != 0) return -EEXIST;
     * @endcode
     *
     * @return 0, or -EEXIST when the key is present: the map is unchanged
     *         and the caller still owns `obj`.
     * @par Debug builds:
     * Abort when called from an unregistered thread.
     */
    int x_insert(void);
    /* -ENOENT in a plain comment is not documentation. */
''')

TEST = textwrap.dedent('''\
    START_TEST(test_insert)
    {
    }
    END_TEST
    static const struct misuse m[] = { { insert_unregistered, "x" } };
    START_TEST(test_misuse_message)
    {
    }
    END_TEST
''')


class Contracts(unittest.TestCase):
    def setUp(self):
        self.top = tempfile.mkdtemp(prefix='rcuslot-lint-test-')
        self.addCleanup(shutil.rmtree, self.top, ignore_errors=True)
        os.makedirs(os.path.join(self.top, 'doc'))
        os.makedirs(os.path.join(self.top, 'test', 'compile_fail'))
        self.write('doc/x_api.h', HEADER)
        self.write('test/check_x.c', TEST)
        self.write('test/compile_fail/x.c', '')
        sources = rl.CONTRACT_SOURCES
        rl.CONTRACT_SOURCES = ['doc/x_api.h']
        self.addCleanup(setattr, rl, 'CONTRACT_SOURCES', sources)

    def write(self, path, text):
        with open(os.path.join(self.top, path), 'w', encoding='utf-8') as f:
            f.write(text)

    def table(self, *lines):
        self.write(rl.CONTRACTS_TABLE, '# comment\n\n' + '\n'.join(lines) + '\n')
        return rl.contracts_problems(self.top)

    GOOD = ('doc/x_api.h | the map is unchanged and the caller still owns | '
            'check_x.c:test_insert',
            'doc/x_api.h | Abort when called from an unregistered thread. | '
            'check_x.c:test_misuse_message/insert_unregistered '
            'compile_fail/x.c')

    def test_promises_and_their_lines(self):
        sentences, _, problems = self.table(*self.GOOD)
        self.assertEqual([(f, line) for f, line, _ in sentences],
                         [('doc/x_api.h', 8), ('doc/x_api.h', 10)])
        self.assertTrue(sentences[0][2].startswith('@return 0, or -EEXIST'))
        self.assertEqual(problems, [])

    def test_sentence_without_entry(self):
        _, _, problems = self.table(self.GOOD[0])
        self.assertEqual(len(problems), 1)
        self.assertTrue(problems[0].startswith(
            'doc/x_api.h:10: a promise with no entry in test/contracts.txt'))

    def test_stale_quote(self):
        _, _, problems = self.table(
            self.GOOD[1], 'doc/x_api.h | the map is as it was | '
            'check_x.c:test_insert')
        self.assertEqual(len(problems), 2)
        self.assertIn('doc/x_api.h:8: a promise with no entry', problems[0])
        self.assertIn('test/contracts.txt:4: "the map is as it was" is not in '
                      'any promise sentence of doc/x_api.h', problems[1])

    def test_tests_that_do_not_exist(self):
        _, _, problems = self.table(
            self.GOOD[0].replace('test_insert', 'test_insret'),
            self.GOOD[1].replace('/insert_unregistered', '/remove_unregistered')
            .replace('compile_fail/x.c', 'compile_fail/y.c check_y.c:test_a '
                     'y.c'))
        self.assertEqual(problems, [
            'test/contracts.txt:3: test/check_x.c has no '
            'START_TEST(test_insret)',
            'test/contracts.txt:4: test/check_x.c has no case '
            'remove_unregistered (for test_misuse_message)',
            'test/contracts.txt:4: test/compile_fail/y.c does not exist',
            'test/contracts.txt:4: test/check_y.c does not exist',
            'test/contracts.txt:4: "y.c" is not check_x.c:test_name[/case] '
            'or compile_fail/x.c'])

    def test_malformed_line(self):
        _, _, problems = self.table(*(self.GOOD + ('doc/x_api.h | no test',)))
        self.assertEqual(problems, [
            'test/contracts.txt:5: not "file | quote | test ...": '
            'doc/x_api.h | no test'])

    def test_generator_header_contracts_only(self):
        # In a generator's header only the @contract comments are contracts:
        # the same promise in another doc comment is not one.
        os.makedirs(os.path.join(self.top, 'rcuslot'))
        self.write('rcuslot/x.h', '/** Returns -EINVAL, always. */\n'
                   + HEADER.replace('/**\n', '/**\n * @contract X_insert\n', 1))
        headers = rl.GENERATOR_HEADERS
        rl.GENERATOR_HEADERS = ['rcuslot/x.h']
        self.addCleanup(setattr, rl, 'GENERATOR_HEADERS', headers)
        rl.CONTRACT_SOURCES = ['rcuslot/x.h']
        sentences, _, problems = self.table(
            *[g.replace('doc/x_api.h', 'rcuslot/x.h') for g in self.GOOD])
        self.assertEqual([(f, line) for f, line, _ in sentences],
                         [('rcuslot/x.h', 10), ('rcuslot/x.h', 12)])
        self.assertEqual(problems, [])


GEN_HEADER = textwrap.dedent('''\
    /**
     * @contract-group RCU_X_DEFINE RCU_X_DEFINE: the X API
     * @brief Xs.
     *
     * @order X_b X_a
     */
    /**
     * @contract-decl
     * The X.
     * @decl struct X { private: int *p; long n; };
     */
    /**
     * @contract X_a
     * @brief Page a.
     *
     * Do a.
     * @proto int X_a(struct X *x,
     *\t      int y);
     */
    /**
     * @contract X_b
     * @brief Page b.
     *
     * Do b.
     * @proto void X_b(void);
     */
    /**
     * @contract X_a/X_a2
     * Do a again.
     * @proto void X_a2(void);
     */
    /** Not a contract. */
''')


class Pages(unittest.TestCase):
    def setUp(self):
        rc.PAGES['x'] = ('rcuslot/x.h', 'RCU_X_DEFINE() generates',
                         'RCU_X_DEFINE(X)', 'doc/x.c', None)
        self.addCleanup(rc.PAGES.pop, 'x')

    def render(self, text):
        return rc.render('x', text)

    def test_page_file(self):
        out = self.render(GEN_HEADER)
        self.assertIn('''/**
 * @defgroup RCU_X_DEFINE RCU_X_DEFINE: the X API
 * @brief Xs.
 * @{
 */

/**
 * The X.
 */
struct X {
\t/** @cond RCUSLOT_INTERNAL */
\tint *p;
\tlong n;
\t/** @endcond */
};
''', out)
        # @order puts b first; a's page holds a and a2, in that order; each
        # prototype is marked with its header line (the @proto's), and the
        # file's own numbering resumes after it.
        self.assertEqual(out.split('\n')[76], '')
        self.assertEqual(out.split('\n')[75], '#line 77 "build/doc/gen/x_api.h"')
        self.assertLess(out.index('@defgroup X_b X_b'),
                        out.index('@defgroup X_a X_a'))
        self.assertIn('''/**
 * @defgroup X_a X_a
 * @ingroup RCU_X_DEFINE
 * @brief Page a.
 * @{
 */

/**
 * Do a.
 */
#line 17 "rcuslot/x.h"
int X_a(struct X *x,
\t      int y);
#line 77 "build/doc/gen/x_api.h"

/**
 * Do a again.
 */
#line 30 "rcuslot/x.h"
void X_a2(void);
#line 84 "build/doc/gen/x_api.h"

/** @} */
''', out)
        self.assertNotIn('Not a contract', out)
        self.assertNotIn('@contract', out)

    def test_errors(self):
        for text, why in [
                (GEN_HEADER.replace(' X_b X_a', ' X_a'), 'must name each page'),
                (GEN_HEADER.replace('@contract X_a/X_a2', '@contract X_c/X_a2'),
                 'page X_c is not defined above'),
                (GEN_HEADER.replace(' * @proto void X_b(void);\n', ''),
                 'rcuslot/x.h:21: no @proto'),
                (GEN_HEADER.replace('@brief Page b.', 'Page b.'),
                 'a page starts with its @brief')]:
            with self.assertRaises(rc.ContractError) as e:
                self.render(text)
            self.assertIn(why, str(e.exception))


if __name__ == '__main__':
    unittest.main()
