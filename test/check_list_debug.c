/* SPDX-License-Identifier: MIT */
/*
 * Debug builds (RCUSLOT_DEBUG): every list misuse the kit can detect aborts
 * with one line naming the function, the list and the caller's file:line.
 * As in check_debug.c, each misuse runs twice: as a test that must die of
 * SIGABRT, and in a child whose stderr is compared with the exact line.
 * A misuse function returns the line of its misuse when run is 0 and
 * commits it when run is 1, so the expected line cannot drift.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_list.h"
#include "check_rcuslot.h"

#ifdef RCUSLOT_DEBUG

/* The misuse statement follows AT(run) on the same line. */
#define AT(run)                                                                \
	if (!(run))                                                            \
		return __LINE__;                                               \
	else

static struct llist list_a = RCU_LIST_INITIALIZER(list_a);
static struct llist list_b = RCU_LIST_INITIALIZER(list_b);

/* An entry linked in list a (run only). */
static struct lent *in_a(long key)
{
	struct lent *e = lent_new(key);

	llist_add_tail(&list_a, e);
	return e;
}

/* An entry never inserted, whose node holds garbage (as malloc may give). */
static struct lent *garbage(void)
{
	struct lent *e = lent_new(0);

	memset(&e->node, 0xa5, sizeof(e->node));
	return e;
}

static struct llist_old removed(void)
{
	return llist_remove(&list_a, in_a(1));
}

static int first_outside(int run)
{
	if (run)
		in_a(1);
	AT(run)(void) llist_first(&list_a);
	return 0;
}

static int next_outside(int run)
{
	const struct lent *e = NULL;

	if (run) {
		in_a(1);
		rcuslot_read_lock();
		e = llist_first(&list_a);
		rcuslot_read_unlock();
	}
	AT(run)(void) llist_next(&list_a, e);
	return 0;
}

/* qsbr: a walk from an offline thread (its "outside a read-side section"). */
static int first_offline(int run)
{
	if (run) {
		in_a(1);
		rcuslot_thread_offline();
	}
	AT(run)(void) llist_first(&list_a);
	return 0;
}

static int next_offline(int run)
{
	const struct lent *e = NULL;

	if (run) {
		in_a(1);
		e = llist_first(&list_a);
		rcuslot_thread_offline();
	}
	AT(run)(void) llist_next(&list_a, e);
	return 0;
}

static int free_inside(int run)
{
	struct llist_old old;

	if (run) {
		old = removed();
		rcuslot_read_lock();
	}
	AT(run) llist_old_free(&old);
	return 0;
}

static int reclaim_inside(int run)
{
	struct llist_old old;

	if (run) {
		old = removed();
		rcuslot_read_lock();
	}
	AT(run) lent_free(llist_old_reclaim(&old));
	return 0;
}

static int defer_inside(int run)
{
	struct llist_old old;

	if (run) {
		old = removed();
		rcuslot_read_lock();
	}
	AT(run) llist_old_defer(&old);
	return 0;
}

static int destroy_inside(int run)
{
	if (run) {
		in_a(1);
		rcuslot_read_lock();
	}
	AT(run) llist_destroy(&list_a);
	return 0;
}

static int add_twice(int run)
{
	struct lent *e = run ? in_a(1) : NULL;

	AT(run) llist_add_tail(&list_a, e);
	return 0;
}

static int add_to_second_list(int run)
{
	struct lent *e = run ? in_a(1) : NULL;

	AT(run) llist_add_head(&list_b, e);
	return 0;
}

static int add_after_linked(int run)
{
	struct lent *pos = run ? in_a(1) : NULL, *e = run ? in_a(2) : NULL;

	AT(run) if (llist_add_after(&list_a, pos, e) == 0) return -1;
	return 0;
}

static int replace_with_linked(int run)
{
	struct lent *o = run ? in_a(1) : NULL, *n = run ? in_a(2) : NULL;
	struct llist_old old;

	AT(run) if (llist_replace(&list_a, o, n, &old) != 0) return 1;
	llist_old_free(&old);
	return 0;
}

static int remove_of_other_list(int run)
{
	struct lent *e = run ? in_a(1) : NULL;
	struct llist_old old;

	AT(run) old = llist_remove(&list_b, e);
	llist_old_free(&old);
	return 0;
}

static int remove_never_inserted(int run)
{
	struct lent *e = run ? garbage() : NULL;
	struct llist_old old;

	AT(run) old = llist_remove(&list_a, e);
	llist_old_free(&old);
	return 0;
}

static int replace_of_other_list(int run)
{
	struct lent *e = run ? in_a(1) : NULL, *n = run ? lent_new(2) : NULL;
	struct llist_old old;

	AT(run) if (llist_replace(&list_b, e, n, &old) != 0) return 1;
	llist_old_free(&old);
	return 0;
}

static int add_before_other_list(int run)
{
	struct lent *pos = run ? in_a(1) : NULL, *n = run ? lent_new(2) : NULL;

	AT(run) if (llist_add_before(&list_b, pos, n) == 0) return -1;
	return 0;
}

static int remove_locked_other_list(int run)
{
	struct lent *e = run ? in_a(1) : NULL;
	struct llist_old old;

	if (run)
		llist_lock(&list_b);
	AT(run) old = llist_remove_locked(&list_b, e);
	llist_unlock(&list_b);
	llist_old_free(&old);
	return 0;
}

static int add_locked_without_lock(int run)
{
	struct lent *e = run ? lent_new(1) : NULL;

	AT(run) llist_add_tail_locked(&list_a, e);
	return 0;
}

static int first_locked_without_lock(int run)
{
	AT(run)(void) llist_first_locked(&list_a);
	return 0;
}

static int free_copy_twice(int run)
{
	struct llist_old old, copy;

	if (run) {
		old = removed();
		copy = old;
		llist_old_free(&old);
	}
	AT(run) llist_old_free(&copy);
	return 0;
}

static int batch_then_defer_copy(int run)
{
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	struct llist_old old, copy;

	if (run) {
		old = removed();
		copy = old;
		llist_batch_add(&b, &old);
	}
	AT(run) llist_old_defer(&copy);
	return 0;
}

static int defer_unregistered(int run)
{
	struct llist_old old;

	if (run) {
		old = removed();
		rcuslot_unregister_thread();
	}
	AT(run) llist_old_defer(&old);
	return 0;
}

static int walk_unregistered(int run)
{
	if (run) {
		in_a(1);
		rcuslot_unregister_thread();
	}
	AT(run)(void) llist_first(&list_a);
	return 0;
}

#define WAITS                                                                  \
	"called inside a read-side critical section (it would wait for "       \
	"itself forever)"
#define UNREG                                                                  \
	"called from a thread that is not registered "                         \
	"(rcuslot_register_thread)"
#define TWICE                                                                  \
	"consumed an old handle that was already consumed (through a copy of " \
	"it?)"
#define LINKED                                                                 \
	"called with an entry that is already in a list (remove it, and let "  \
	"a grace period pass, first)"
#define OTHER "called with an entry of another list"
#define NOT_IN "called with an entry that is not in this list"
#define UNLOCKED                                                               \
	"called without the list's lock held (take it with the list's _lock "  \
	"function)"

static const struct misuse {
	int (*fn)(int run);
	const char *what;
	enum misuse_when when; /* which flavors can show it (check_rcuslot.h) */
} misuses[] = {
	{ first_outside,
	  "llist_first called outside a read-side critical section", LOCKED },
	{ next_outside,
	  "llist_next called outside a read-side critical section", LOCKED },
	{ first_offline, "llist_first called from an offline thread", OFFLINE },
	{ next_offline, "llist_next called from an offline thread", OFFLINE },
	{ free_inside, "llist_old_free " WAITS, LOCKED },
	{ reclaim_inside, "llist_old_reclaim " WAITS, LOCKED },
	{ defer_inside, "llist_old_defer " WAITS, LOCKED },
	{ destroy_inside, "llist_destroy " WAITS, LOCKED },
	{ add_twice, "llist_add_tail " LINKED, ANY },
	{ add_to_second_list, "llist_add_head " LINKED, ANY },
	{ add_after_linked, "llist_add_after " LINKED, ANY },
	{ replace_with_linked, "llist_replace " LINKED, ANY },
	{ remove_of_other_list, "llist_remove " OTHER, ANY },
	{ remove_never_inserted, "llist_remove " NOT_IN, ANY },
	{ replace_of_other_list, "llist_replace " OTHER, ANY },
	{ add_before_other_list, "llist_add_before " OTHER, ANY },
	{ remove_locked_other_list, "llist_remove_locked " OTHER, ANY },
	{ add_locked_without_lock, "llist_add_tail_locked " UNLOCKED, ANY },
	{ first_locked_without_lock, "llist_first_locked " UNLOCKED, ANY },
	{ free_copy_twice, "llist_old_free " TWICE, ANY },
	{ batch_then_defer_copy, "llist_old_defer " TWICE, ANY },
	{ defer_unregistered, "llist_old_defer " UNREG, REG },
	{ walk_unregistered, "llist_first " UNREG, REG },
};

#define NMISUSES ((int)(sizeof(misuses) / sizeof(misuses[0])))

static const struct misuse *checked[NMISUSES];
static int nchecked;

START_TEST(test_list_misuse_aborts)
{
	checked[_i]->fn(1);
}
END_TEST

START_TEST(test_list_misuse_message)
{
	misuse_expect_message(checked[_i]->fn, checked[_i]->what,
			      "check_list_debug.c", _i);
}
END_TEST

/* Correct use next to each misuse above raises nothing. */
START_TEST(test_list_correct_use_passes)
{
	struct llist l = RCU_LIST_INITIALIZER(l);
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	struct lent *a = lent_new(1), *c = lent_new(3), *fresh = lent_new(4);
	struct llist_old old = { NULL }, empty;

	llist_add_tail(&l, a);
	llist_add_tail(&l, c);
	ck_assert_int_eq(llist_add_after(&l, a, lent_new(2)), 0);
	RCUSLOT_READ_SCOPE({
		const struct lent *e;

		RCU_LIST_FOREACH(llist, &l, e)
			ck_assert(lent_intact(e));
		old = llist_remove(&l, a);
		/* removed meanwhile: not a misuse */
		empty = llist_remove(&l, a);
		ck_assert(llist_old_is_empty(&empty));
		ck_assert_int_eq(llist_add_before(&l, a, fresh), -ENOENT);
	})
	/* Reinserted after its grace period, into another list. */
	a = llist_old_reclaim(&old);
	llist_add_head(&list_b, a);
	old = llist_remove(&list_b, a);
	llist_batch_add(&b, &old);
	rcuslot_batch_defer(&b);
	llist_lock(&l);
	ck_assert_int_eq(llist_replace_locked(&l, c, fresh, &old), 0);
	llist_unlock(&l);
	llist_old_defer(&old);
	llist_old_defer(&old); /* emptied: a no-op */
	llist_destroy(&l);
	rcuslot_barrier();
	ck_assert_int_eq(lent_frees, 4);
}
END_TEST

Suite *list_debug_suite(void)
{
	const char *fork = getenv("CK_FORK");
	TCase *tc;
	Suite *s = rcu_suite("list-debug-checks", &tc, list_setup, NULL);

	for (int i = 0; i < NMISUSES; i++)
		if (misuse_checked_here(misuses[i].when))
			checked[nchecked++] = &misuses[i];
	if (!fork || strcmp(fork, "no") != 0)
		tcase_add_loop_test_raise_signal(tc, test_list_misuse_aborts,
						 SIGABRT, 0, nchecked);
	tcase_add_loop_test(tc, test_list_misuse_message, 0, nchecked);
	tcase_add_test(tc, test_list_correct_use_passes);
	return s;
}

#endif /* RCUSLOT_DEBUG */
