/* SPDX-License-Identifier: MIT */
/*
 * The configd unit-test runner: check_configd CORPUS_DIR. Prints Check's
 * summary line and exits non-zero on any failure.
 */
#include <stdio.h>
#include <stdlib.h>

#include "check_configd.h"

const char *bad_corpus_dir;

int main(int argc, char **argv)
{
	SRunner *sr;
	int failed;

	if (argc != 2) {
		fprintf(stderr, "usage: check_configd BAD_CONFIG_DIR\n");
		return EXIT_FAILURE;
	}
	bad_corpus_dir = argv[1];
	sr = srunner_create(config_suite());
	srunner_add_suite(sr, proto_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
