/* SPDX-License-Identifier: MIT */
/* The unit suites, one per area, and what they share. */
#ifndef RCUSLOT_TEST_CHECK_RCUSLOT_H
#define RCUSLOT_TEST_CHECK_RCUSLOT_H

#include <check.h>

/* Anything that waits for grace periods gets this long (sanitizers are slow). */
#define GP_TIMEOUT 60

Suite *slot_suite(void);
Suite *kernel_suite(void);
Suite *concurrency_suite(void);

/* Fixture: register the test thread with RCU and zero the tobj counters. */
void rcu_thread_setup(void);
/* Fixture: wait for deferred frees, then unregister. */
void rcu_thread_teardown(void);

#endif
