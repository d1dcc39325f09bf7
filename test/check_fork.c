/* SPDX-License-Identifier: MIT */
/*
 * fork() with deferred frees pending: parent and child both keep reading,
 * updating and deferring, and both end with every object freed exactly
 * once (each process frees its own copy).
 */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_rcuslot.h"
#include "testobj.h"

static struct tslot slot;
static atomic_int stop;

static void *reader(void *arg)
{
	(void)arg;
	rcuslot_register_thread();
	while (!atomic_load(&stop)) {
		rcuslot_read_lock();
		if (!tobj_intact(tslot_dereference(&slot)))
			atomic_fetch_add(&tobj_bad_frees, 1);
		rcuslot_read_unlock();
		rcuslot_quiescent_state();
	}
	rcuslot_unregister_thread();
	return NULL;
}

/* Read, update and defer for a while after the fork; 0 when all is well. */
static int life_after_fork(long base)
{
	pthread_t t;

	atomic_store(&stop, 0);
	if (pthread_create(&t, NULL, reader, NULL) != 0)
		return 1;
	for (long i = 0; i < 500; i++) {
		struct tslot_old old = tslot_replace(&slot, tobj_new(base + i));

		if (i % 2)
			tslot_old_defer(&old);
		else
			tslot_old_free(&old);
		rcuslot_quiescent_state();
	}
	atomic_store(&stop, 1);
	offline_join(t);
	tslot_destroy(&slot);
	rcuslot_barrier();
	return atomic_load(&tobj_frees) == atomic_load(&tobj_allocs) &&
	       atomic_load(&tobj_bad_frees) == 0 ? 0 : 1;
}

START_TEST(test_fork_with_pending_deferrals)
{
	long pending = 0;
	int status, tries;
	pid_t pid;

	tslot_init(&slot, tobj_new(0));
	/* Fork at a moment when deferred frees are still queued. */
	for (tries = 0; tries < 50 && pending == 0; tries++) {
		for (long i = 1; i <= 2000; i++) {
			struct tslot_old old = tslot_replace(&slot, tobj_new(i));

			tslot_old_defer(&old);
		}
		rcuslot_before_fork();
		pending = rcuslot_defer_pending();
		if (pending == 0)
			rcuslot_after_fork_parent();
	}
	ck_assert_int_gt(pending, 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		rcuslot_after_fork_child();
		exit(life_after_fork(1000000));
	}
	rcuslot_after_fork_parent();
	ck_assert_int_eq(life_after_fork(2000000), 0);
	rcuslot_thread_offline();
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	rcuslot_thread_online();
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

Suite *fork_suite(void)
{
	TCase *tc;
	Suite *s = rcu_suite("fork", &tc, NULL, NULL);

	tcase_add_test(tc, test_fork_with_pending_deferrals);
	return s;
}
