/* SPDX-License-Identifier: MIT */
/*
 * Debug builds (RCUSLOT_DEBUG): the "Abort when ..." clauses of the API
 * documentation that check_debug.c, check_map_debug.c and
 * check_list_debug.c did not try (test/contracts.txt names, for each
 * sentence, the test and case that holds each clause). As there, each
 * misuse runs in a child that must die of SIGABRT having printed exactly
 * its line; a misuse function returns the line of its misuse when run is 0
 * and commits it when run is 1.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_list.h"
#include "check_map.h"
#include "check_rcuslot.h"
#include "failalloc.h"
#include "testobj.h"

#ifdef RCUSLOT_DEBUG

/* The misuse statement follows AT(run) on the same line. */
#define AT(run)                                                                \
	if (!(run))                                                            \
		return __LINE__;                                               \
	else

static struct tslot_old slot_old(void)
{
	static struct tslot s;

	tslot_init(&s, tobj_new(1));
	return tslot_replace(&s, NULL);
}

static struct llist list_a;

static struct llist_old list_old(void)
{
	struct lent *e = lent_new(1);

	llist_init(&list_a);
	llist_add_tail(&list_a, e);
	return llist_remove(&list_a, e);
}

/* rcuslot/slot.h, NAME_old_defer(): "from an unregistered thread". */
static int slot_defer_unregistered(int run)
{
	struct tslot_old old;

	if (run) {
		old = slot_old();
		rcuslot_unregister_thread();
	}
	AT(run) tslot_old_defer(&old);
	return 0;
}

/* rcuslot/slot.h, NAME_batch_add(): "already consumed through a copy". */
static int slot_batch_add_copy_twice(int run)
{
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	struct tslot_old old, copy;

	if (run) {
		old = slot_old();
		copy = old;
		tslot_old_free(&old);
	}
	AT(run) tslot_batch_add(&b, &copy);
	return 0;
}

/* batch.h, rcuslot_batch_defer(): "A registered thread ...; debug builds
 * abort otherwise". */
static int batch_defer_unregistered(int run)
{
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;

	if (run) {
		struct tslot_old old = slot_old();

		tslot_batch_add(&b, &old);
		rcuslot_unregister_thread();
	}
	AT(run) rcuslot_batch_defer(&b);
	return 0;
}

/* rcuslot/map.h, MAP_destroy(): "or from an unregistered thread". */
static int map_destroy_unregistered(int run)
{
	static struct tmap m;

	if (run) {
		ck_assert_int_eq(tmap_init(&m, 0), 0);
		rcuslot_unregister_thread();
	}
	AT(run) tmap_destroy(&m);
	return 0;
}

/* rcuslot/list.h, LIST_add_before(): "`pos` ... was never inserted". */
static int list_add_before_never_inserted(int run)
{
	struct lent *pos = NULL, *n = NULL;
	int rc;

	if (run) {
		llist_init(&list_a);
		pos = lent_new(1);
		memset(&pos->node, 0xa5, sizeof(pos->node));
		n = lent_new(2);
	}
	AT(run) rc = llist_add_before(&list_a, pos, n);
	return rc == 0 ? -1 : 0;
}

/* rcuslot/list.h, LIST_add_after(): "the `_locked` variants also when the lock
 * is not held". */
static int list_add_after_locked_without_lock(int run)
{
	struct lent *pos = NULL;
	int rc;

	if (run) {
		llist_init(&list_a);
		pos = lent_new(1);
		llist_add_tail(&list_a, pos);
	}
	AT(run) rc = llist_add_after_locked(&list_a, pos, lent_new(2));
	return rc == 0 ? -1 : 0;
}

/* rcuslot/list.h, LIST_remove(): "the `_locked` variant also when the lock is
 * not held". */
static int list_remove_locked_without_lock(int run)
{
	struct lent *e = NULL;
	struct llist_old old;

	if (run) {
		llist_init(&list_a);
		e = lent_new(1);
		llist_add_tail(&list_a, e);
	}
	AT(run) old = llist_remove_locked(&list_a, e);
	llist_old_free(&old);
	return 0;
}

/* rcuslot/list.h, LIST_batch_add(): "Abort when the entry was already
 * consumed". */
static int list_batch_add_copy_twice(int run)
{
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	struct llist_old old, copy;

	if (run) {
		old = list_old();
		copy = old;
		llist_old_free(&old);
	}
	AT(run) llist_batch_add(&b, &copy);
	return 0;
}

#define UNREG                                                                  \
	"called from a thread that is not registered "                         \
	"(rcuslot_register_thread)"
#define TWICE                                                                  \
	"consumed an old handle that was already consumed (through a copy of " \
	"it?)"
#define NOT_IN "called with an entry that is not in this list"
#define UNLOCKED                                                               \
	"called without the list's lock held (take it with the list's _lock "  \
	"function)"

static const struct misuse {
	int (*fn)(int run);
	const char *what;
	enum misuse_when when; /* which flavors can show it (check_rcuslot.h) */
} misuses[] = {
	{ slot_defer_unregistered, "tslot_old_defer " UNREG, REG },
	{ slot_batch_add_copy_twice, "tslot_batch_add " TWICE, ANY },
	{ batch_defer_unregistered, "rcuslot_batch_defer " UNREG, REG },
	{ map_destroy_unregistered, "tmap_destroy " UNREG, REG },
	{ list_add_before_never_inserted, "llist_add_before " NOT_IN, ANY },
	{ list_add_after_locked_without_lock,
	  "llist_add_after_locked " UNLOCKED, ANY },
	{ list_remove_locked_without_lock, "llist_remove_locked " UNLOCKED,
	  ANY },
	{ list_batch_add_copy_twice, "llist_batch_add " TWICE, ANY },
};

#define NMISUSES ((int)(sizeof(misuses) / sizeof(misuses[0])))

static const struct misuse *checked[NMISUSES];
static int nchecked;

/* The exact line on stderr, and the abort, from a child. */
START_TEST(test_contract_misuse_message)
{
	misuse_expect_message(checked[_i]->fn, checked[_i]->what,
			      "check_contracts_debug.c", _i);
}
END_TEST

/*
 * NAME_batch_add(), MAP_batch_add(), LIST_batch_add() "in the
 * out-of-memory fallback, when called inside a read-side critical
 * section": the fallback waits for a grace period, so it aborts (before
 * the check, it waited for itself forever). The check is in librcuslot,
 * which names the generated function by its address, so the location is
 * not compared.
 */
static int batch_add_oom_inside(int which)
{
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	struct tslot_old sold = slot_old();
	struct llist_old lold = list_old();
	static struct tmap m;
	struct tmap_old mold;
	uint32_t k = 1;

	ck_assert_int_eq(tmap_init(&m, 0), 0);
	ck_assert_int_eq(tmap_insert(&m, mobj_new(1, 1)), 0);
	mold = tmap_remove(&m, &k);
	failalloc_fail_all(1);
	rcuslot_read_lock();
	if (which == 0)
		tslot_batch_add(&b, &sold);
	else if (which == 1)
		tmap_batch_add(&b, &mold);
	else
		llist_batch_add(&b, &lold);
	return 0; /* not reached when the check works */
}

START_TEST(test_batch_add_out_of_memory_inside_section)
{
	static const char want[] =
		"rcuslot: batch_add without memory for its batch called inside "
		"a read-side critical section (it would wait for itself "
		"forever) (";
	char got[1024] = "";
	int status;

	if (!misuse_checked_here(LOCKED))
		return;
	status = misuse_run(batch_add_oom_inside, _i, got, sizeof(got));
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
		      "batch_add %d did not abort (status %#x), stderr: %s", _i,
		      status, got);
	ck_assert_msg(strncmp(got, want, sizeof(want) - 1) == 0, "stderr: %s",
		      got);
}
END_TEST

Suite *contracts_debug_suite(void)
{
	TCase *tc;
	Suite *s = rcu_suite("contracts-debug", &tc, NULL, NULL);

	for (int i = 0; i < NMISUSES; i++)
		if (misuse_checked_here(misuses[i].when))
			checked[nchecked++] = &misuses[i];
	tcase_add_loop_test(tc, test_contract_misuse_message, 0, nchecked);
	tcase_add_loop_test(tc, test_batch_add_out_of_memory_inside_section, 0,
			    3);
	return s;
}

#endif /* RCUSLOT_DEBUG */
