/* SPDX-License-Identifier: MIT */
/*
 * fork() with deferred frees pending: parent and child both keep reading,
 * updating and deferring, and both end with every object freed exactly
 * once (each process frees its own copy).
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check_rcuslot.h"
#include "failalloc.h"
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

/*
 * fork() while another thread holds a lock of the core. The settings lock
 * (defer.c) is the one a thread can be parked in: rcuslot_set_allocator()
 * gives the node blocks back to the old allocator's free while holding it,
 * so a free that waits parks that thread with the lock taken. The test
 * thread forks meanwhile and a helper lets the holder go 100 ms later: the
 * fork handlers must wait for it (or the child inherits the lock taken and
 * its first deferral, which must carve a new node block, never returns).
 */
static sem_t holder_parked, holder_go, helpers_may_exit;
static atomic_int park_next_free;

static void *park_malloc(size_t size)
{
	return malloc(size);
}

static void park_free(void *p)
{
	if (atomic_exchange(&park_next_free, 0)) {
		sem_post(&holder_parked);
		sem_wait(&holder_go);
	}
	free(p);
}

static void *settings_holder(void *arg)
{
	*(int *)arg = rcuslot_set_allocator(NULL, NULL); /* parks in park_free */
	sem_wait(&helpers_may_exit); /* blocked, not exiting, across the fork */
	return NULL;
}

static void *holder_releaser(void *arg)
{
	struct timespec ts = { 0, 100 * 1000000L };

	(void)arg;
	nanosleep(&ts, NULL);
	sem_post(&holder_go);
	sem_wait(&helpers_may_exit);
	return NULL;
}

/* A deferral from a thread that exits: its cached nodes go back to the pool. */
static void *defer_once(void *arg)
{
	struct tslot_old old;

	(void)arg;
	rcuslot_register_thread();
	old = tslot_replace(&slot, tobj_new(7));
	tslot_old_defer(&old);
	rcuslot_unregister_thread();
	return NULL;
}

/* The child: every path through the settings lock, then a deferral's end. */
static int child_after_settings_fork(void)
{
	struct tslot_old old;

	if (rcuslot_set_defer_max(rcuslot_defer_max()) != 0)
		return 1;
	old = tslot_replace(&slot, tobj_new(8)); /* the pool is empty: a new block */
	tslot_old_defer(&old);
	rcuslot_barrier();
	return atomic_load(&tobj_frees) == 2 ? 0 : 1; /* 1 before the fork, 7 here */
}

/* The child's exit status, or -1 when it has not exited within `ms`. */
static int wait_child_ms(pid_t pid, int ms)
{
	int status;

	for (int waited = 0; waited < ms; waited += 10) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		offline_sleep_ms(10);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

START_TEST(test_fork_while_settings_lock_held)
{
	pthread_t holder, releaser, deferrer;
	int held_ret = -1, child;
	pid_t pid;

	sem_init(&holder_parked, 0, 0);
	sem_init(&holder_go, 0, 0);
	sem_init(&helpers_may_exit, 0, 0);
	tslot_init(&slot, tobj_new(1));
	rcuslot_barrier();
	/* The pool all home, then one block from park_malloc, home again. */
	ck_assert_int_eq(rcuslot_set_allocator(park_malloc, park_free), 0);
	ck_assert_int_eq(pthread_create(&deferrer, NULL, defer_once, NULL), 0);
	offline_join(deferrer);
	rcuslot_barrier();
	atomic_store(&park_next_free, 1);
	ck_assert_int_eq(pthread_create(&holder, NULL, settings_holder, &held_ret), 0);
	offline_sem_wait(&holder_parked);
	ck_assert_int_eq(pthread_create(&releaser, NULL, holder_releaser, NULL), 0);

	rcuslot_before_fork(); /* waits for the holder, released 100 ms on */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		rcuslot_after_fork_child();
		_exit(child_after_settings_fork());
	}
	rcuslot_after_fork_parent();
	sem_post(&helpers_may_exit);
	sem_post(&helpers_may_exit);
	offline_join(releaser);
	offline_join(holder);
	child = wait_child_ms(pid, 10000);
	ck_assert_msg(child != -1, "the child forked while the settings lock was held hung");
	ck_assert_int_eq(child, 0);
	ck_assert_int_eq(held_ret, 0);

	tslot_destroy(&slot);
	rcuslot_barrier();
	failalloc_install(); /* the runner's allocator, back */
	sem_destroy(&holder_parked);
	sem_destroy(&holder_go);
	sem_destroy(&helpers_may_exit);
}
END_TEST

#ifndef RCUSLOT_PRIV_TSAN /* see fork_suite() */
/*
 * The other lock of the core: the registry of old handles (debug.c), which
 * every debug unit's handle creation and consumption takes. Nothing it
 * calls out to can park a thread inside it, so the test makes it slow
 * instead: REGISTRY_KEPT entries all in one of its buckets (made-up
 * addresses 16 KiB apart: the registry only compares them), and a thread
 * that consumes the oldest, which walks the whole chain under the lock,
 * and enters it again, over and over. The lock is then nearly always held
 * while the test thread forks; each child enters one more entry (the lock
 * again) and exits. A child that inherited the lock taken would never
 * exit. The hammer yields between two operations, so the fork handler
 * does not starve on the lock.
 */
#define REGISTRY_FORKS 50 /* without the handler, about one in four hangs */
#define REGISTRY_KEPT 20000
#define REGISTRY_STRIDE 16384 /* the registry's buckets times its granule */
static void *registry_handle[REGISTRY_KEPT];
static atomic_int hammer_stop;

static void *registry_addr(long i)
{
	return (void *)(uintptr_t)(REGISTRY_STRIDE * (uintptr_t)(i + 1));
}

static void *registry_hammer(void *arg)
{
	const struct rcuslot_priv_dbg_loc loc = { __FILE__, __LINE__, NULL };
	long oldest = 0;

	(void)arg;
	while (!atomic_load(&hammer_stop)) {
		/* Entered first, so last in its chain: the whole chain is walked. */
		rcuslot_priv_dbg_consume("registry_hammer", registry_handle[oldest], &loc);
		registry_handle[oldest] = rcuslot_priv_dbg_own(registry_addr(oldest));
		oldest = (oldest + 1) % REGISTRY_KEPT;
		sched_yield();
	}
	return NULL;
}

START_TEST(test_fork_while_registry_in_use)
{
	const struct rcuslot_priv_dbg_loc loc = { __FILE__, __LINE__, NULL };
	pthread_t t;
	int hung = 0, failed = 0;

	if (!RCUSLOT_PRIV_OWNED_TAG)
		return; /* 32-bit: no registry */
	for (long i = 0; i < REGISTRY_KEPT; i++)
		registry_handle[i] = rcuslot_priv_dbg_own(registry_addr(i));
	atomic_store(&hammer_stop, 0);
	ck_assert_int_eq(pthread_create(&t, NULL, registry_hammer, NULL), 0);
	for (int n = 0; n < REGISTRY_FORKS; n++) {
		pid_t pid;
		int child;

		rcuslot_before_fork();
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			rcuslot_after_fork_child();
			_exit(rcuslot_priv_dbg_own(registry_addr(-2)) != NULL ? 0 : 1);
		}
		rcuslot_after_fork_parent();
		child = wait_child_ms(pid, 5000);
		hung += child == -1;
		failed += child != 0 && child != -1;
		if (hung)
			break;
	}
	atomic_store(&hammer_stop, 1);
	offline_join(t);
	for (long i = 0; i < REGISTRY_KEPT; i++)
		rcuslot_priv_dbg_consume("registry test", registry_handle[i], &loc);
	ck_assert_msg(hung == 0, "%d of %d children forked while the registry was in use hung",
		      hung, REGISTRY_FORKS);
	ck_assert_int_eq(failed, 0);
}
END_TEST
#endif

Suite *fork_suite(void)
{
	TCase *tc;
	Suite *s = rcu_suite("fork", &tc, NULL, NULL);

	tcase_add_test(tc, test_fork_with_pending_deferrals);
	tcase_add_test(tc, test_fork_while_settings_lock_held);
#ifndef RCUSLOT_PRIV_TSAN
	/*
	 * Not under TSan: its fork with a thread inside malloc and the
	 * registry, followed by a child that starts threads, is what TSan
	 * does not support (test/README.md); the other builds run it.
	 */
	tcase_add_test(tc, test_fork_while_registry_in_use);
#endif
	return s;
}
