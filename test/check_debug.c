/* SPDX-License-Identifier: MIT */
/*
 * Debug builds (RCUSLOT_DEBUG): every misuse aborts with one line naming
 * the function, the slot and the caller's file:line. Each misuse below runs
 * twice: as a test that must die of SIGABRT (Check's raise-signal tests),
 * and in a child whose stderr is captured, to compare the line exactly.
 *
 * A misuse function returns the line of its misuse when run is 0, and
 * commits it when run is 1, so the expected line cannot drift from the code.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_rcuslot.h"
#include "testobj.h"

#ifdef RCUSLOT_DEBUG

/* The misuse statement follows AT(run) on the same line. */
#define AT(run) if (!(run)) return __LINE__; else

static struct tslot *full_slot(void)
{
	static struct tslot s;

	tslot_init(&s, tobj_new(1));
	return &s;
}

static int deref_offline(int run)
{
	struct tslot *s = run ? full_slot() : NULL;

	if (run)
		rcuslot_thread_offline();
	AT(run) (void)tslot_dereference(s);
	return 0;
}

static int deref_outside(int run)
{
	struct tslot *s = run ? full_slot() : NULL;

	AT(run) (void)tslot_dereference(s);
	return 0;
}

static int free_inside(int run)
{
	struct tslot_old old;

	if (run) {
		old = tslot_replace(full_slot(), NULL);
		rcuslot_read_lock();
	}
	AT(run) tslot_old_free(&old);
	return 0;
}

static int reclaim_inside(int run)
{
	struct tslot_old old;

	if (run) {
		old = tslot_replace(full_slot(), NULL);
		rcuslot_read_lock();
	}
	AT(run) tobj_free(tslot_old_reclaim(&old));
	return 0;
}

static int destroy_inside(int run)
{
	struct tslot *s = run ? full_slot() : NULL;

	if (run)
		rcuslot_read_lock();
	AT(run) tslot_destroy(s);
	return 0;
}

static int synchronize_inside(int run)
{
	if (run)
		rcuslot_read_lock();
	AT(run) rcuslot_synchronize();
	return 0;
}

static int barrier_inside(int run)
{
	if (run)
		rcuslot_read_lock();
	AT(run) rcuslot_barrier();
	return 0;
}

static int batch_free_inside(int run)
{
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;

	if (run) {
		struct tslot_old old = tslot_replace(full_slot(), NULL);

		tslot_batch_add(&b, &old);
		rcuslot_read_lock();
	}
	AT(run) rcuslot_batch_free(&b);
	return 0;
}

/* Deferral waits when throttled, so it is checked on every call. */
static int defer_inside(int run)
{
	struct tslot_old old;

	if (run) {
		old = tslot_replace(full_slot(), NULL);
		rcuslot_read_lock();
	}
	AT(run) tslot_old_defer(&old);
	return 0;
}

static int batch_defer_inside(int run)
{
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;

	if (run) {
		struct tslot_old old = tslot_replace(full_slot(), NULL);

		tslot_batch_add(&b, &old);
		rcuslot_read_lock();
	}
	AT(run) rcuslot_batch_defer(&b);
	return 0;
}

static int lock_unregistered(int run)
{
	if (run)
		rcuslot_unregister_thread();
	AT(run) rcuslot_read_lock();
	return 0;
}

static int guard_unregistered(int run)
{
	if (run)
		rcuslot_unregister_thread();
	AT(run) { RCUSLOT_READ_GUARD(); }
	return 0;
}

static int deref_unregistered(int run)
{
	struct tslot *s = run ? full_slot() : NULL;

	if (run)
		rcuslot_unregister_thread();
	AT(run) (void)tslot_dereference(s);
	return 0;
}

static int copy_keep(const struct tobj *old, struct tobj **new_out, void *arg)
{
	(void)arg;
	*new_out = (struct tobj *)old;
	return 0;
}

static int update_unregistered(int run)
{
	struct tslot *s = run ? full_slot() : NULL;
	struct tslot_old old;

	if (run)
		rcuslot_unregister_thread();
	AT(run) if (tslot_copy_update(s, copy_keep, NULL, &old) != 0) return -1;
	return 0;
}

/* No copy of the slot's object and no explicit "no change": a slip. */
static int copy_untouched_fn(const struct tobj *old, struct tobj **new_out, void *arg)
{
	(void)old;
	(void)new_out;
	(void)arg;
	return 0;
}

static int copy_untouched(int run)
{
	struct tslot *s = run ? full_slot() : NULL;
	struct tslot_old old;

	AT(run) if (tslot_copy_update(s, copy_untouched_fn, NULL, &old) != 0) return -1;
	return 0;
}

static int free_copy_twice(int run)
{
	struct tslot_old old, copy;

	if (run) {
		old = tslot_replace(full_slot(), NULL);
		copy = old;
		tslot_old_free(&old);
	}
	AT(run) tslot_old_free(&copy);
	return 0;
}

static int defer_then_reclaim_copy(int run)
{
	struct tslot_old old, copy;

	if (run) {
		old = tslot_replace(full_slot(), NULL);
		copy = old;
		tslot_old_defer(&old);
	}
	AT(run) tobj_free(tslot_old_reclaim(&copy));
	return 0;
}

static int batch_then_defer_copy(int run)
{
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	struct tslot_old old, copy;

	if (run) {
		old = tslot_replace(full_slot(), NULL);
		copy = old;
		tslot_batch_add(&b, &old);
	}
	AT(run) tslot_old_defer(&copy);
	return 0;
}

#if RCUSLOT_HAVE_POLL
static int poll_start_unregistered(int run)
{
	if (run)
		rcuslot_unregister_thread();
	AT(run) (void)rcuslot_poll_start();
	return 0;
}

static int old_poll_start_unregistered(int run)
{
	struct tslot_pending p = RCUSLOT_PENDING_INITIALIZER;
	struct tslot_old old;

	if (run) {
		old = tslot_replace(full_slot(), NULL);
		rcuslot_unregister_thread();
	}
	AT(run) if (!tslot_old_poll_start(&old, &p)) return -1;
	return 0;
}

static int free_then_poll_copy(int run)
{
	struct tslot_pending p = RCUSLOT_PENDING_INITIALIZER;
	struct tslot_old old, copy;

	if (run) {
		old = tslot_replace(full_slot(), NULL);
		copy = old;
		tslot_old_free(&old);
	}
	AT(run) if (!tslot_old_poll_start(&copy, &p)) return -1;
	return 0;
}
#endif

static int unlock_unbalanced(int run)
{
	AT(run) rcuslot_read_unlock();
	return 0;
}

static int unlock_twice(int run)
{
	if (run) {
		rcuslot_read_lock();
		rcuslot_read_unlock();
	}
	AT(run) rcuslot_read_unlock();
	return 0;
}

#define WAITS "called inside a read-side critical section (it would wait for itself forever)"
#define UNREG "called from a thread that is not registered (rcuslot_register_thread)"
#define TWICE "consumed an old handle that was already consumed (through a copy of it?)"

#define UNTOUCHED "got 0 from a copy callback that did not write *new_out " \
	"(write the new object, NULL to empty, or old for no change)"

static const struct misuse {
	int (*fn)(int run);
	const char *what;
	enum misuse_when when;
} misuses[] = {
	{ deref_outside, "tslot_dereference called outside a read-side critical section", LOCKED },
	{ deref_offline, "tslot_dereference called from an offline thread", OFFLINE },
	{ free_inside, "tslot_old_free " WAITS, LOCKED },
	{ reclaim_inside, "tslot_old_reclaim " WAITS, LOCKED },
	{ destroy_inside, "tslot_destroy " WAITS, LOCKED },
	{ synchronize_inside, "rcuslot_synchronize " WAITS, LOCKED },
	{ barrier_inside, "rcuslot_barrier " WAITS, LOCKED },
	{ batch_free_inside, "rcuslot_batch_free " WAITS, LOCKED },
	{ defer_inside, "tslot_old_defer " WAITS, LOCKED },
	{ batch_defer_inside, "rcuslot_batch_defer " WAITS, LOCKED },
	{ lock_unregistered, "rcuslot_read_lock " UNREG, REG },
	{ guard_unregistered, "rcuslot_read_lock " UNREG, REG },
	{ deref_unregistered, "tslot_dereference " UNREG, REG },
	{ update_unregistered, "tslot_copy_update " UNREG, REG },
	{ free_copy_twice, "tslot_old_free " TWICE, ANY },
	{ defer_then_reclaim_copy, "tslot_old_reclaim " TWICE, ANY },
	{ batch_then_defer_copy, "tslot_old_defer " TWICE, ANY },
#if RCUSLOT_HAVE_POLL
	{ poll_start_unregistered, "rcuslot_poll_start " UNREG, REG },
	{ old_poll_start_unregistered, "tslot_old_poll_start " UNREG, REG },
	{ free_then_poll_copy, "tslot_old_poll_start " TWICE, ANY },
#endif
	{ unlock_unbalanced, "rcuslot_read_unlock called without a matching rcuslot_read_lock", LOCKED },
	{ unlock_twice, "rcuslot_read_unlock called without a matching rcuslot_read_lock", LOCKED },
	{ copy_untouched, "tslot_copy_update " UNTOUCHED, ANY },
};


#define NMISUSES ((int)(sizeof(misuses) / sizeof(misuses[0])))

/* The misuses the checks see under this flavor. */
static const struct misuse *checked[NMISUSES];
static int nchecked;

/* Dies of SIGABRT (the test is registered to expect it). */
START_TEST(test_misuse_aborts)
{
	checked[_i]->fn(1);
}
END_TEST

/* The exact line on stderr, and the abort, from a child. */
START_TEST(test_misuse_message)
{
	misuse_expect_message(checked[_i]->fn, checked[_i]->what, "check_debug.c", _i);
}
END_TEST

/* Correct use, copies included, raises nothing. */
START_TEST(test_correct_use_passes)
{
	struct tslot *s = full_slot();
	struct tslot_old old = tslot_replace(s, tobj_new(2)), empty;
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;

	tslot_old_free(&old);
	/* A copy taken after the consume is empty: consuming it is a no-op. */
	empty = old;
	tslot_old_free(&empty);
	RCUSLOT_READ_SCOPE({
		RCUSLOT_READ_GUARD(); /* nests */
		ck_assert_int_eq(tslot_dereference(s)->value, 2);
	})
	old = tslot_replace(s, tobj_new(3));
	tslot_batch_add(&b, &old);
	rcuslot_batch_defer(&b);
	old = tslot_replace(s, NULL);
	tslot_old_defer(&old);
	rcuslot_barrier();
	ck_assert_int_eq(tobj_frees, 3);
}
END_TEST

/* An exchange takes no read lock: any thread may replace, registered or not. */
START_TEST(test_replace_needs_no_registration)
{
	struct tslot *s = full_slot();
	struct tslot_old old;

	rcuslot_unregister_thread();
	old = tslot_replace(s, tobj_new(4));
	rcuslot_register_thread();
	tslot_old_free(&old);
	tslot_destroy(s);
	ck_assert_int_eq(tobj_frees, 2);
}
END_TEST

Suite *debug_suite(void)
{
	const char *fork = getenv("CK_FORK");
	TCase *tc;
	Suite *s = rcu_suite("debug-checks", &tc, NULL, NULL);

	for (int i = 0; i < NMISUSES; i++)
		if (misuse_checked_here(misuses[i].when))
			checked[nchecked++] = &misuses[i];
	/* A raise-signal test kills the runner when Check does not fork. */
	if (!fork || strcmp(fork, "no") != 0)
		tcase_add_loop_test_raise_signal(tc, test_misuse_aborts, SIGABRT, 0, nchecked);
	tcase_add_loop_test(tc, test_misuse_message, 0, nchecked);
	tcase_add_test(tc, test_correct_use_passes);
	tcase_add_test(tc, test_replace_needs_no_registration);
	return s;
}

#endif /* RCUSLOT_DEBUG */
