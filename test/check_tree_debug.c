/* SPDX-License-Identifier: MIT */
/*
 * Debug builds (RCUSLOT_DEBUG): every misuse of an ordered map the kit can
 * detect aborts with one line naming the function, the tree and the
 * caller's file:line. As in check_list_debug.c, each misuse runs twice: as
 * a test that must die of SIGABRT, and in a child whose stderr is compared
 * with the exact line. A misuse function returns the line of its misuse
 * when run is 0 and commits it when run is 1, so the expected line cannot
 * drift.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_tree.h"
#include "check_rcuslot.h"

#ifdef RCUSLOT_DEBUG

/* The misuse statement follows AT(run) on the same line. */
#define AT(run)                                                                \
	if (!(run))                                                            \
		return __LINE__;                                               \
	else

static struct ttree tree_a = RCU_TREE_INITIALIZER;
/* The walks' cursor. */
static const struct tent *cur;

/* Tree a, holding keys 1 to 3 (run only). */
static struct ttree *full_tree(void)
{
	for (uint64_t k = 1; k <= 3; k++)
		if (ttree_insert(&tree_a, tent_new(k, 0)) != 0)
			abort();
	return &tree_a;
}

static struct ttree_old removed(void)
{
	struct ttree_old old;

	if (ttree_remove(full_tree(), 2, &old) != 0)
		abort();
	return old;
}

/* A transaction on tree a, committed (or aborted) already. */
static void ended(struct ttree_txn *x, int commit)
{
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;

	if (ttree_txn_begin(full_tree(), x) != 0 || ttree_txn_remove(x, 1) != 0)
		abort();
	if (!commit)
		ttree_txn_abort(x);
	else if (ttree_txn_commit(x, &b) != 0)
		abort();
	rcuslot_batch_free(&b);
}

/* --- reads outside a read-side section --------------------------------- */

static int find_outside(int run)
{
	struct ttree *t = run ? full_tree() : NULL;

	AT(run)(void) ttree_find(t, 1);
	return 0;
}

static int floor_outside(int run)
{
	struct ttree *t = run ? full_tree() : NULL;

	AT(run)(void) ttree_floor(t, 1);
	return 0;
}

static int ceil_outside(int run)
{
	struct ttree *t = run ? full_tree() : NULL;

	AT(run)(void) ttree_ceil(t, 1);
	return 0;
}

static int first_outside(int run)
{
	struct ttree *t = run ? full_tree() : NULL;

	AT(run)(void) ttree_first(t);
	return 0;
}

static int last_outside(int run)
{
	struct ttree *t = run ? full_tree() : NULL;

	AT(run)(void) ttree_last(t);
	return 0;
}

static int view_outside(int run)
{
	struct ttree *t = run ? full_tree() : NULL;

	AT(run)(void) ttree_view(t);
	return 0;
}

static int foreach_outside(int run)
{
	struct ttree *t = run ? full_tree() : NULL;

	AT(run) RCU_TREE_FOREACH(ttree, t, cur)(void) cur;
	return 0;
}

static int foreach_reverse_outside(int run)
{
	struct ttree *t = run ? full_tree() : NULL;

	AT(run) RCU_TREE_FOREACH_REVERSE(ttree, t, cur)(void) cur;
	return 0;
}

static int foreach_range_outside(int run)
{
	struct ttree *t = run ? full_tree() : NULL;

	AT(run) RCU_TREE_FOREACH_RANGE(ttree, t, cur, 1, 2)(void) cur;
	return 0;
}

/* qsbr: "outside a read-side section" is offline. */
static int find_offline(int run)
{
	struct ttree *t = NULL;

	if (run) {
		t = full_tree();
		rcuslot_thread_offline();
	}
	AT(run)(void) ttree_find(t, 1);
	return 0;
}

static int foreach_offline(int run)
{
	struct ttree *t = NULL;

	if (run) {
		t = full_tree();
		rcuslot_thread_offline();
	}
	AT(run) RCU_TREE_FOREACH(ttree, t, cur)(void) cur;
	return 0;
}

static int find_unregistered(int run)
{
	struct ttree *t = NULL;

	if (run) {
		t = full_tree();
		rcuslot_unregister_thread();
	}
	AT(run)(void) ttree_find(t, 1);
	return 0;
}

static int insert_unregistered(int run)
{
	struct tent *e = run ? tent_new(9, 0) : NULL;

	if (run)
		rcuslot_unregister_thread();
	AT(run) if (ttree_insert(&tree_a, e) != 0) return 1;
	return 0;
}

/* --- a view after its section ------------------------------------------ */

/* Taken in one section, used in the next one. */
static struct ttree_view stale_view(void)
{
	struct ttree_view v;

	full_tree();
	rcuslot_read_lock();
	v = ttree_view(&tree_a);
	rcuslot_read_unlock();
	rcuslot_quiescent_state(); /* where qsbr's section ends (a no-op elsewhere) */
	rcuslot_read_lock();
	return v;
}

static int view_find_next_section(int run)
{
	struct ttree_view v;

	if (run)
		v = stale_view();
	AT(run)(void) ttree_view_find(&v, 1);
	return 0;
}

static int view_floor_next_section(int run)
{
	struct ttree_view v;

	if (run)
		v = stale_view();
	AT(run)(void) ttree_view_floor(&v, 1);
	return 0;
}

static int view_ceil_next_section(int run)
{
	struct ttree_view v;

	if (run)
		v = stale_view();
	AT(run)(void) ttree_view_ceil(&v, 1);
	return 0;
}

static int view_first_next_section(int run)
{
	struct ttree_view v;

	if (run)
		v = stale_view();
	AT(run)(void) ttree_view_first(&v);
	return 0;
}

static int view_last_next_section(int run)
{
	struct ttree_view v;

	if (run)
		v = stale_view();
	AT(run)(void) ttree_view_last(&v);
	return 0;
}

static int view_count_next_section(int run)
{
	struct ttree_view v;

	if (run)
		v = stale_view();
	AT(run)(void) ttree_view_count(&v);
	return 0;
}

static int view_foreach_next_section(int run)
{
	struct ttree_view v;

	if (run)
		v = stale_view();
	AT(run) RCU_TREE_VIEW_FOREACH(ttree, &v, cur)(void) cur;
	return 0;
}

static int view_range_next_section(int run)
{
	struct ttree_view v;

	if (run)
		v = stale_view();
	AT(run) RCU_TREE_VIEW_FOREACH_RANGE(ttree, &v, cur, 1, 3)(void) cur;
	return 0;
}

/* Used after its section, in none. */
static int view_find_after_section(int run)
{
	struct ttree_view v;

	if (run) {
		v = stale_view();
		rcuslot_read_unlock();
	}
	AT(run)(void) ttree_view_find(&v, 1);
	return 0;
}

/* --- a transaction after its end --------------------------------------- */

static int txn_insert_after_commit(int run)
{
	struct ttree_txn x;
	struct tent *e = run ? tent_new(7, 0) : NULL;

	if (run)
		ended(&x, 1);
	AT(run) if (ttree_txn_insert(&x, e) != 0) return 1;
	return 0;
}

static int txn_upsert_after_abort(int run)
{
	struct ttree_txn x;
	struct tent *e = run ? tent_new(7, 0) : NULL;

	if (run)
		ended(&x, 0);
	AT(run) if (ttree_txn_upsert(&x, e) != 0) return 1;
	return 0;
}

static int txn_remove_after_commit(int run)
{
	struct ttree_txn x;

	if (run)
		ended(&x, 1);
	AT(run) if (ttree_txn_remove(&x, 3) != 0) return 1;
	return 0;
}

static int txn_find_after_abort(int run)
{
	struct ttree_txn x;

	if (run)
		ended(&x, 0);
	AT(run)(void) ttree_txn_find(&x, 3);
	return 0;
}

static int txn_commit_twice(int run)
{
	struct ttree_txn x;
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;

	if (run)
		ended(&x, 1);
	AT(run) if (ttree_txn_commit(&x, &b) != 0) return 1;
	return 0;
}

static int txn_commit_after_abort(int run)
{
	struct ttree_txn x;
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;

	if (run)
		ended(&x, 0);
	AT(run) if (ttree_txn_commit(&x, &b) != 0) return 1;
	return 0;
}

static int txn_abort_after_commit(int run)
{
	struct ttree_txn x;

	if (run)
		ended(&x, 1);
	AT(run) ttree_txn_abort(&x);
	return 0;
}

static int txn_abort_twice(int run)
{
	struct ttree_txn x;

	if (run)
		ended(&x, 0);
	AT(run) ttree_txn_abort(&x);
	return 0;
}

/* --- the holder of a transaction updating its tree again ------------------ */

/* A transaction on tree a, left open (run only). */
static void holding(struct ttree_txn *x)
{
	if (ttree_txn_begin(full_tree(), x) != 0)
		abort();
}

static int txn_begin_twice(int run)
{
	struct ttree_txn x, y;

	if (run)
		holding(&x);
	AT(run) if (ttree_txn_begin(&tree_a, &y) != 0) return 1;
	return 0;
}

static int insert_while_holding(int run)
{
	struct ttree_txn x;
	struct tent *e = run ? tent_new(8, 0) : NULL;

	if (run)
		holding(&x);
	AT(run) if (ttree_insert(&tree_a, e) != 0) return 1;
	return 0;
}

static int upsert_while_holding(int run)
{
	struct ttree_txn x;
	struct ttree_old old;
	struct tent *e = run ? tent_new(8, 0) : NULL;

	if (run)
		holding(&x);
	AT(run) if (ttree_upsert(&tree_a, e, &old) != 0) return 1;
	return 0;
}

static int replace_while_holding(int run)
{
	struct ttree_txn x;
	struct ttree_old old;
	struct tent *e = run ? tent_new(1, 0) : NULL;

	if (run)
		holding(&x);
	AT(run) if (ttree_replace(&tree_a, e, &old) != 0) return 1;
	return 0;
}

static int remove_while_holding(int run)
{
	struct ttree_txn x;
	struct ttree_old old;

	if (run)
		holding(&x);
	AT(run) if (ttree_remove(&tree_a, 1, &old) != 0) return 1;
	return 0;
}

static int copy_nothing(const struct tent *old, struct tent **new_out,
			void *arg)
{
	(void)arg;
	*new_out = (struct tent *)old;
	return 0;
}

static int copy_update_while_holding(int run)
{
	struct ttree *t = &tree_a;
	struct ttree_txn x;
	struct ttree_old old;

	if (run)
		holding(&x);
	AT(run) if (ttree_copy_update(t, 1, copy_nothing, NULL, &old)) return 1;
	return 0;
}

/* --- old handles consumed twice --------------------------------------- */

static int free_copy_twice(int run)
{
	struct ttree_old old, copy;

	if (run) {
		old = removed();
		copy = old;
		ttree_old_free(&old);
	}
	AT(run) ttree_old_free(&copy);
	return 0;
}

static int batch_then_defer_copy(int run)
{
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	struct ttree_old old, copy;

	if (run) {
		old = removed();
		copy = old;
		ttree_batch_add(&b, &old);
	}
	AT(run) ttree_old_defer(&copy);
	return 0;
}

static int reclaim_then_free_copy(int run)
{
	struct ttree_old old, copy;

	if (run) {
		old = removed();
		copy = old;
		tent_free(ttree_old_reclaim(&old));
	}
	AT(run) ttree_old_free(&copy);
	return 0;
}

/* --- waiting inside a read-side section ------------------------------- */

static int commit_inside(int run)
{
	struct ttree_txn x;
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;

	if (run) {
		holding(&x);
		rcuslot_read_lock();
	}
	AT(run) if (ttree_txn_commit(&x, &b) != 0) return 1;
	return 0;
}

static int destroy_inside(int run)
{
	if (run) {
		full_tree();
		rcuslot_read_lock();
	}
	AT(run) ttree_destroy(&tree_a);
	return 0;
}

static int free_inside(int run)
{
	struct ttree_old old;

	if (run) {
		old = removed();
		rcuslot_read_lock();
	}
	AT(run) ttree_old_free(&old);
	return 0;
}

static int reclaim_inside(int run)
{
	struct ttree_old old;

	if (run) {
		old = removed();
		rcuslot_read_lock();
	}
	AT(run) tent_free(ttree_old_reclaim(&old));
	return 0;
}

/* --- a copy callback that writes nothing ------------------------------- */

static int copy_blank(const struct tent *old, struct tent **new_out, void *arg)
{
	(void)old;
	(void)new_out;
	(void)arg;
	return 0;
}

static int copy_update_untouched(int run)
{
	struct ttree *t = &tree_a;
	struct ttree_old old;

	if (run)
		full_tree();
	AT(run) if (ttree_copy_update(t, 1, copy_blank, NULL, &old)) return 1;
	return 0;
}

static int copy_update_untouched_absent(int run)
{
	struct ttree *t = &tree_a;
	struct ttree_old old;

	if (run)
		full_tree();
	AT(run) if (ttree_copy_update(t, 42, copy_blank, NULL, &old)) return 1;
	return 0;
}

static int txn_begin_unregistered(int run)
{
	struct ttree_txn x;

	if (run)
		rcuslot_unregister_thread();
	AT(run) if (ttree_txn_begin(&tree_a, &x) != 0) return 1;
	return 0;
}

static int destroy_while_holding(int run)
{
	struct ttree_txn x;

	if (run)
		holding(&x);
	AT(run) ttree_destroy(&tree_a);
	return 0;
}

static int defer_inside(int run)
{
	struct ttree_old old;

	if (run) {
		old = removed();
		rcuslot_read_lock();
	}
	AT(run) ttree_old_defer(&old);
	return 0;
}

static int defer_unregistered(int run)
{
	struct ttree_old old;

	if (run) {
		old = removed();
		rcuslot_unregister_thread();
	}
	AT(run) ttree_old_defer(&old);
	return 0;
}

#define OUTSIDE "called outside a read-side critical section"
#define OFFLINE_ "called from an offline thread"
#define UNREG                                                                  \
	"called from a thread that is not registered "                         \
	"(rcuslot_register_thread)"
#define STALE                                                                  \
	"called on a view after the read-side critical section it was taken "  \
	"in"
#define ENDED "called on a transaction that was committed or aborted already"
#define HOLDER                                                                 \
	"called by the thread that holds a transaction on this tree (it "      \
	"would "                                                               \
	"wait for itself)"
#define TWICE                                                                  \
	"consumed an old handle that was already consumed (through a copy of " \
	"it?)"
#define WAITS                                                                  \
	"called inside a read-side critical section (it would wait for "       \
	"itself forever)"
#define UNTOUCHED                                                              \
	"got 0 from a copy callback that did not write *new_out (write the "   \
	"new "                                                                 \
	"object, NULL to empty, or old for no change)"

static const struct misuse {
	int (*fn)(int run);
	const char *what;
	enum misuse_when when; /* which flavors can show it (check_rcuslot.h) */
} misuses[] = {
	{ find_outside, "ttree_find " OUTSIDE, LOCKED },
	{ floor_outside, "ttree_floor " OUTSIDE, LOCKED },
	{ ceil_outside, "ttree_ceil " OUTSIDE, LOCKED },
	{ first_outside, "ttree_first " OUTSIDE, LOCKED },
	{ last_outside, "ttree_last " OUTSIDE, LOCKED },
	{ view_outside, "ttree_view " OUTSIDE, LOCKED },
	{ foreach_outside, "RCU_TREE_FOREACH(ttree) " OUTSIDE, LOCKED },
	{ foreach_reverse_outside, "RCU_TREE_FOREACH_REVERSE(ttree) " OUTSIDE,
	  LOCKED },
	{ foreach_range_outside, "RCU_TREE_FOREACH_RANGE(ttree) " OUTSIDE,
	  LOCKED },
	{ view_find_after_section, "ttree_view_find " OUTSIDE, LOCKED },
	{ find_offline, "ttree_find " OFFLINE_, OFFLINE },
	{ foreach_offline, "RCU_TREE_FOREACH(ttree) " OFFLINE_, OFFLINE },
	{ find_unregistered, "ttree_find " UNREG, REG },
	{ insert_unregistered, "ttree_insert " UNREG, REG },
	{ view_find_next_section, "ttree_view_find " STALE, ANY },
	{ view_floor_next_section, "ttree_view_floor " STALE, ANY },
	{ view_ceil_next_section, "ttree_view_ceil " STALE, ANY },
	{ view_first_next_section, "ttree_view_first " STALE, ANY },
	{ view_last_next_section, "ttree_view_last " STALE, ANY },
	{ view_count_next_section, "ttree_view_count " STALE, ANY },
	{ view_foreach_next_section, "RCU_TREE_VIEW_FOREACH(ttree) " STALE,
	  ANY },
	{ view_range_next_section, "RCU_TREE_VIEW_FOREACH_RANGE(ttree) " STALE,
	  ANY },
	{ txn_insert_after_commit, "ttree_txn_insert " ENDED, ANY },
	{ txn_upsert_after_abort, "ttree_txn_upsert " ENDED, ANY },
	{ txn_remove_after_commit, "ttree_txn_remove " ENDED, ANY },
	{ txn_find_after_abort, "ttree_txn_find " ENDED, ANY },
	{ txn_commit_twice, "ttree_txn_commit " ENDED, ANY },
	{ txn_commit_after_abort, "ttree_txn_commit " ENDED, ANY },
	{ txn_abort_after_commit, "ttree_txn_abort " ENDED, ANY },
	{ txn_abort_twice, "ttree_txn_abort " ENDED, ANY },
	{ txn_begin_twice, "ttree_txn_begin " HOLDER, ANY },
	{ insert_while_holding, "ttree_insert " HOLDER, ANY },
	{ upsert_while_holding, "ttree_upsert " HOLDER, ANY },
	{ replace_while_holding, "ttree_replace " HOLDER, ANY },
	{ remove_while_holding, "ttree_remove " HOLDER, ANY },
	{ copy_update_while_holding, "ttree_copy_update " HOLDER, ANY },
	{ free_copy_twice, "ttree_old_free " TWICE, ANY },
	{ batch_then_defer_copy, "ttree_old_defer " TWICE, ANY },
	{ reclaim_then_free_copy, "ttree_old_free " TWICE, ANY },
	{ commit_inside, "ttree_txn_commit " WAITS, LOCKED },
	{ destroy_inside, "ttree_destroy " WAITS, LOCKED },
	{ free_inside, "ttree_old_free " WAITS, LOCKED },
	{ reclaim_inside, "ttree_old_reclaim " WAITS, LOCKED },
	{ defer_inside, "ttree_old_defer " WAITS, LOCKED },
	{ defer_unregistered, "ttree_old_defer " UNREG, REG },
	{ txn_begin_unregistered, "ttree_txn_begin " UNREG, REG },
	{ destroy_while_holding, "ttree_destroy " HOLDER, ANY },
	{ copy_update_untouched, "ttree_copy_update " UNTOUCHED, ANY },
	{ copy_update_untouched_absent, "ttree_copy_update " UNTOUCHED, ANY },
};

#define NMISUSES ((int)(sizeof(misuses) / sizeof(misuses[0])))

static const struct misuse *checked[NMISUSES];
static int nchecked;

START_TEST(test_tree_misuse_aborts)
{
	checked[_i]->fn(1);
}
END_TEST

START_TEST(test_tree_misuse_message)
{
	misuse_expect_message(checked[_i]->fn, checked[_i]->what,
			      "check_tree_debug.c", _i);
}
END_TEST

/* Correct use next to each misuse above raises nothing. */
START_TEST(test_tree_correct_use_passes)
{
	static struct ttree t;
	struct ttree_txn x, y;
	struct ttree_old old, empty;
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	long n = 0;

	for (uint64_t k = 1; k <= 5; k++)
		ck_assert_int_eq(ttree_insert(&t, tent_new(k, 0)), 0);
	/* Every read inside a section; a view through its whole section. */
	rcuslot_read_lock();
	{
		struct ttree_view v = ttree_view(&t);
		const struct tent *o;

		ck_assert_ptr_nonnull(ttree_find(&t, 1));
		ck_assert_ptr_nonnull(ttree_floor(&t, 9));
		ck_assert_ptr_nonnull(ttree_ceil(&t, 0));
		ck_assert_ptr_nonnull(ttree_first(&t));
		ck_assert_ptr_nonnull(ttree_last(&t));
		RCU_TREE_FOREACH(ttree, &t, o)
			n++;
		RCU_TREE_FOREACH_REVERSE(ttree, &t, o)
			n++;
		RCU_TREE_FOREACH_RANGE(ttree, &t, o, 2, 3)
			n++;
		/* An update inside the section: the view keeps its version. */
		ck_assert_int_eq(ttree_remove(&t, 5, &old), 0);
		ck_assert_ptr_nonnull(ttree_view_find(&v, 5));
		ck_assert_uint_eq(ttree_view_count(&v), 5);
		RCU_TREE_VIEW_FOREACH(ttree, &v, o)
			n++;
		RCU_TREE_VIEW_FOREACH_RANGE(ttree, &v, o, 1, 5)
			n++;
		ck_assert_ptr_nonnull(ttree_view_first(&v));
		ck_assert_ptr_nonnull(ttree_view_last(&v));
		ck_assert_ptr_nonnull(ttree_view_floor(&v, 9));
		ck_assert_ptr_nonnull(ttree_view_ceil(&v, 0));
	}
	rcuslot_read_unlock();
	ck_assert_int_eq(n, 5 + 5 + 2 + 5 + 5);
	ttree_old_free(&old);
	/* A fresh view in the next section. */
	RCUSLOT_READ_SCOPE({
		struct ttree_view v = ttree_view(&t);

		ck_assert_uint_eq(ttree_view_count(&v), 4);
	})
	/* A transaction used until its end, then a new one in the same struct. */
	ck_assert_int_eq(ttree_txn_begin(&t, &x), 0);
	ck_assert_int_eq(ttree_txn_remove(&x, 4), 0);
	ck_assert_ptr_null(ttree_txn_find(&x, 4));
	/* Another tree while holding this one's transaction. */
	{
		static struct ttree u;
		struct tent *mine = tent_new(1, 0);

		ck_assert_int_eq(ttree_txn_begin(&u, &y), 0);
		ck_assert_int_eq(ttree_txn_insert(&y, mine), 0);
		ttree_txn_abort(&y);
		tent_free(mine); /* the caller's again */
		ck_assert_int_eq(ttree_insert(&u, tent_new(2, 0)), 0);
		ttree_destroy(&u);
	}
	ck_assert_int_eq(ttree_txn_commit(&x, &b), 0);
	ck_assert_int_eq(ttree_txn_begin(&t, &x), 0);
	ttree_txn_abort(&x);
	/* A handle consumed once; its emptied copy is a no-op. */
	ck_assert_int_eq(ttree_remove(&t, 3, &old), 0);
	ttree_batch_add(&b, &old);
	ttree_old_free(&old);
	ck_assert_int_eq(ttree_remove(&t, 3, &empty), -ENOENT);
	ttree_old_defer(&empty);
	/* Updates inside a section never wait: allowed there. */
	RCUSLOT_READ_SCOPE({
		struct tent *mine = tent_new(1, 1);

		ck_assert_int_eq(
			ttree_copy_update(&t, 1, copy_nothing, NULL, &old), 0);
		ck_assert(ttree_old_is_empty(&old));
		ck_assert_int_eq(ttree_txn_begin(&t, &x), 0);
		ck_assert_int_eq(ttree_txn_upsert(&x, mine), 0);
		ttree_txn_abort(&x);
		tent_free(mine);
	})
	rcuslot_batch_free(&b);
	ttree_destroy(&t);
}
END_TEST

/*
 * Sections nest: a view taken in the outer one stays valid across an inner
 * section until the outer one ends (a false abort here would stop correct
 * programs), in every flavor: under qsbr read locks are no-ops and only a
 * quiescent state or going offline ends the section.
 */
START_TEST(test_tree_view_in_nested_sections)
{
	static struct ttree t;

	ck_assert_int_eq(ttree_insert(&t, tent_new(1, 0)), 0);
	rcuslot_read_lock();
	{
		struct ttree_view v = ttree_view(&t);

		rcuslot_read_lock();
		ck_assert_ptr_nonnull(ttree_view_find(&v, 1));
		rcuslot_read_unlock();
		ck_assert_ptr_nonnull(ttree_view_find(&v, 1));
		ck_assert_uint_eq(ttree_view_count(&v), 1);
	}
	rcuslot_read_unlock();
	ttree_destroy(&t);
}
END_TEST

Suite *tree_debug_suite(void)
{
	const char *fork = getenv("CK_FORK");
	TCase *tc;
	Suite *s =
		rcu_suite("tree-debug-checks", &tc, tree_setup, tree_teardown);

	for (int i = 0; i < NMISUSES; i++)
		if (misuse_checked_here(misuses[i].when))
			checked[nchecked++] = &misuses[i];
	if (!fork || strcmp(fork, "no") != 0)
		tcase_add_loop_test_raise_signal(tc, test_tree_misuse_aborts,
						 SIGABRT, 0, nchecked);
	tcase_add_loop_test(tc, test_tree_misuse_message, 0, nchecked);
	tcase_add_test(tc, test_tree_correct_use_passes);
	tcase_add_test(tc, test_tree_view_in_nested_sections);
	return s;
}

#endif /* RCUSLOT_DEBUG */
