/* SPDX-License-Identifier: MIT */
/* The unit suites, one per area, and what they share. */
#ifndef RCUSLOT_TEST_CHECK_RCUSLOT_H
#define RCUSLOT_TEST_CHECK_RCUSLOT_H

#include <check.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>

#include <rcuslot/rcuslot.h>

/* Anything that waits for grace periods gets this long (sanitizers are slow). */
#define GP_TIMEOUT 60

Suite *slot_suite(void);
Suite *kernel_suite(void);
Suite *concurrency_suite(void);
Suite *reclaim_suite(void);
Suite *batch_suite(void);
Suite *fork_suite(void);
Suite *faults_suite(void);
Suite *urcu_suite(void);
#ifdef RCUSLOT_DEBUG
Suite *debug_suite(void);
#endif

/*
 * A suite of one test case, named alike, with the grace-period timeout and a
 * checked fixture: setup/teardown, or the RCU thread fixture for NULL.
 */
Suite *rcu_suite(const char *name, TCase **tc, SFun setup, SFun teardown);

/* Fixture: register the test thread with RCU and zero the tobj counters. */
void rcu_thread_setup(void);
/* Fixture: wait for deferred frees, then unregister. */
void rcu_thread_teardown(void);

/*
 * Blocking while registered: under qsbr an online thread that blocks holds
 * up every grace period, so these go offline around the wait (no-ops for
 * the other flavors, exactly as a qsbr program would write it).
 */
void offline_sem_wait(sem_t *sem);
void offline_join(pthread_t thread);
void offline_sleep_ms(int ms);

/* Debug-check tests: when a misuse is one the checks can see, by flavor. */
enum misuse_when {
	ANY,     /* every flavor */
	REG,     /* flavors whose threads must register (not bp) */
	LOCKED,  /* flavors whose read lock leaves a trace (not qsbr) */
	OFFLINE, /* qsbr, where "outside a read-side section" means offline */
};

/*
 * Run fn(arg) in a child with its stderr read into got (size bytes, NUL
 * terminated); its wait status.
 */
int misuse_run(int (*fn)(int arg), int arg, char *got, size_t size);

/*
 * Run fn(1) in a child: it must die of SIGABRT having written exactly
 * "rcuslot: <what> (<file>:<fn(0)>)" on stderr. `index` names the case.
 */
void misuse_expect_message(int (*fn)(int run), const char *what,
			   const char *file, int index);

static inline bool misuse_checked_here(enum misuse_when when)
{
	switch (when) {
	case REG:
		return RCUSLOT_THREADS_MUST_REGISTER;
	case LOCKED:
		return RCUSLOT_READ_ONGOING_TRACKS_LOCK;
	case OFFLINE:
		return !RCUSLOT_READ_ONGOING_TRACKS_LOCK;
	default:
		return true;
	}
}

#endif
