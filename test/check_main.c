/* SPDX-License-Identifier: MIT */
/*
 * The unit-test runner: every suite, Check's summary line on stdout, and a
 * non-zero exit status on any failure. Set CK_TAP_LOG_FILE_NAME for TAP.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check_map.h"
#include "check_list.h"
#include "check_rcuslot.h"
#include "check_tree.h"
#include "failalloc.h"
#include "testobj.h"

/* test/check_ref*.c: RCU_SLOT_DEFINE_REF. */
Suite *ref_suite(void);
Suite *ref_concurrency_suite(void);
Suite *ref_promises_suite(void);
Suite *ref_flavor_suite(void); /* a memb unit, a qsbr slot */
/* test/check_contracts*.c: the documentation's promises of an outcome. */
Suite *contracts_suite(void);
#ifdef RCUSLOT_DEBUG
Suite *contracts_debug_suite(void);
#endif
#ifdef RCUSLOT_DEBUG
Suite *ref_debug_suite(void);
#endif

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

Suite *rcu_suite(const char *name, TCase **tc, SFun setup, SFun teardown)
{
	Suite *s = suite_create(name);

	*tc = tcase_create(name);
	tcase_add_checked_fixture(*tc, setup ? setup : rcu_thread_setup,
				  teardown ? teardown : rcu_thread_teardown);
	tcase_set_timeout(*tc, GP_TIMEOUT);
	suite_add_tcase(s, *tc);
	return s;
}

void offline_sem_wait(sem_t *sem)
{
	rcuslot_thread_offline();
	sem_wait(sem);
	rcuslot_thread_online();
}

void offline_join(pthread_t thread)
{
	rcuslot_thread_offline();
	pthread_join(thread, NULL);
	rcuslot_thread_online();
}

void offline_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	rcuslot_thread_offline();
	nanosleep(&ts, NULL);
	rcuslot_thread_online();
}

int misuse_run(int (*fn)(int arg), int arg, char *got, size_t size)
{
	int fds[2], status;
	ssize_t n, len = 0;
	pid_t pid;

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		fn(arg);
		_exit(0); /* not reached when the check works */
	}
	close(fds[1]);
	while ((n = read(fds[0], got + len, size - 1 - (size_t)len)) > 0)
		len += n;
	got[len] = '\0';
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

void misuse_expect_message(int (*fn)(int run), const char *what,
			   const char *file, int index)
{
	char want[512], got[1024] = "";
	int status;

	snprintf(want, sizeof(want), "rcuslot: %s (%s:%d)\n", what, file,
		 fn(0));
	status = misuse_run(fn, 1, got, sizeof(got));
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
		      "misuse %d did not abort (status %#x), stderr: %s", index,
		      status, got);
	ck_assert_str_eq(got, want);
}

int main(void)
{
	SRunner *sr;
	int failed;

	failalloc_install();
	sr = srunner_create(slot_suite());
	srunner_add_suite(sr, kernel_suite());
	srunner_add_suite(sr, concurrency_suite());
	srunner_add_suite(sr, reclaim_suite());
	srunner_add_suite(sr, batch_suite());
	srunner_add_suite(sr, fork_suite());
	srunner_add_suite(sr, faults_suite());
	srunner_add_suite(sr, map_suite());
	srunner_add_suite(sr, map_concurrency_suite());
	srunner_add_suite(sr, map_faults_suite());
	srunner_add_suite(sr, urcu_suite());
	srunner_add_suite(sr, ref_suite());
	srunner_add_suite(sr, ref_concurrency_suite());
	srunner_add_suite(sr, ref_promises_suite());
	srunner_add_suite(sr, ref_flavor_suite());
	srunner_add_suite(sr, list_suite());
	srunner_add_suite(sr, list_concurrency_suite());
	srunner_add_suite(sr, list_promises_suite());
	srunner_add_suite(sr, tree_promises_suite());
	srunner_add_suite(sr, tree_suite());
	srunner_add_suite(sr, tree_concurrency_suite());
	srunner_add_suite(sr, tree_faults_suite());
	srunner_add_suite(sr, contracts_suite());
#ifdef RCUSLOT_DEBUG
	srunner_add_suite(sr, debug_suite());
	srunner_add_suite(sr, map_debug_suite());
	srunner_add_suite(sr, ref_debug_suite());
	srunner_add_suite(sr, list_debug_suite());
	srunner_add_suite(sr, tree_debug_suite());
	srunner_add_suite(sr, contracts_debug_suite());
#endif
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
