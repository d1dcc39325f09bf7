/* SPDX-License-Identifier: MIT */
/* configd's unit suites: the config parser and the protocol. */
#ifndef CONFIGD_TESTS_CHECK_CONFIGD_H
#define CONFIGD_TESTS_CHECK_CONFIGD_H

#include <check.h>

/* Directory of the malformed-config corpus (tests/bad), from argv[1]. */
extern const char *bad_corpus_dir;

Suite *config_suite(void);
Suite *proto_suite(void);

#endif
