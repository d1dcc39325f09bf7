/* SPDX-License-Identifier: MIT */
/*
 * The unit-test runner: every suite, Check's summary line on stdout, and a
 * non-zero exit status on any failure. Set CK_TAP_LOG_FILE_NAME for TAP.
 */
#include <stdlib.h>

#include "check_rcuslot.h"
#include "testobj.h"

void rcu_thread_setup(void)
{
	rcuslot_register_thread();
	tobj_reset_counters();
}

/* liburcu 0.13.2: no callbacks may still be queued when a process exits. */
void rcu_thread_teardown(void)
{
	rcuslot_barrier();
	rcuslot_unregister_thread();
}

int main(void)
{
	SRunner *sr = srunner_create(slot_suite());
	int failed;

	srunner_add_suite(sr, kernel_suite());
	srunner_add_suite(sr, concurrency_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
