#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Unit test of lint-contracts (rcuslot_lint.contracts_problems): which
sentences it takes for promises, the line it names, and each way the map in
test/contracts.txt can be wrong. `scons lint` runs it; alone:
python3 site_scons/test_rcuslot_lint.py -v"""

import os
import shutil
import sys
import tempfile
import textwrap
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rcuslot_lint as rl  # noqa: E402  (after the path is set)

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


if __name__ == '__main__':
    unittest.main()
