/* SPDX-License-Identifier: MIT */
/*
 * The ordered map's promises (rcuslot/tree.h's contracts) that the other
 * tree suites do not reach, each tried where it could break: -EDEADLK for
 * every update by a transaction's holder; an ended transaction is inert;
 * an abort gives back what it was given; a commit adds to a batch that
 * holds others' objects; empty handles; a parked reader holds its objects
 * across a removal, a commit and destroy; the writer lock blocks updaters
 * and never readers. Allocation failure is check_tree_faults.c's,
 * snapshots under transactions check_tree_concurrency.c's, and every misuse
 * the pages say aborts in debug builds check_tree_debug.c's.
 *
 * The entry (check_tree.h) is ledgered and poisoned when freed, so an
 * object freed twice, too early or never fails a test without a sanitizer.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_tree.h"
#include "check_rcuslot.h"
#include "failalloc.h"

/* Sleep without a quiescent state: under qsbr the caller stays online. */
static void nap_ms(int ms)
{
	struct timespec ts = { 0, (long)ms * 1000000L };

	nanosleep(&ts, NULL);
}

/* Keys 0, 2, ..., 2 * (n - 1), each with the value of its key. */
static void fill_even(struct ttree *t, long n)
{
	for (long i = 0; i < n; i++)
		ck_assert_int_eq(
			ttree_insert(t, tent_new((uint64_t)i * 2, i * 2)), 0);
}

/* --- the transaction's holder, and ended transactions ------------------ */

#ifndef RCUSLOT_DEBUG
static struct ttree deadlk_tree;

/* A copy callback that tries to update its own tree: it holds the lock. */
static int copy_tries_update(const struct tent *old, struct tent **new_out,
			     void *arg)
{
	struct ttree_txn y;
	struct tent *e = arg;

	(void)old;
	ck_assert_int_eq(ttree_txn_begin(&deadlk_tree, &y), -EDEADLK);
	ck_assert_int_eq(ttree_txn_insert(&y, e), -EINVAL); /* left ended */
	ck_assert_int_eq(ttree_insert(&deadlk_tree, e), -EDEADLK);
	*new_out = NULL;
	return 0;
}

static int copy_never(const struct tent *old, struct tent **new_out, void *arg)
{
	(void)old;
	(void)new_out;
	(void)arg;
	ck_abort_msg("copy called by a transaction's holder");
	return 0;
}

/* Release builds: every update by a transaction's holder is -EDEADLK, nothing else. */
START_TEST(test_deadlk_every_update)
{
	struct ttree *t = &deadlk_tree;
	struct ttree_txn x, y;
	struct ttree_old old = { (struct tent *)&old };
	struct tent *e = tent_new(1, 10);

	fill_even(t, 10);
	ck_assert_int_eq(ttree_txn_begin(t, &x), 0);
	ck_assert_int_eq(ttree_insert(t, e), -EDEADLK);
	ck_assert_int_eq(ttree_upsert(t, e, &old), -EDEADLK);
	ck_assert(ttree_old_is_empty(&old));
	old.rcuslot_priv_obj = (struct tent *)&old;
	ck_assert_int_eq(ttree_replace(t, e, &old), -EDEADLK);
	ck_assert(ttree_old_is_empty(&old));
	old.rcuslot_priv_obj = (struct tent *)&old;
	ck_assert_int_eq(ttree_remove(t, 2, &old), -EDEADLK);
	ck_assert(ttree_old_is_empty(&old));
	old.rcuslot_priv_obj = (struct tent *)&old;
	ck_assert_int_eq(ttree_copy_update(t, 2, copy_never, NULL, &old),
			 -EDEADLK);
	ck_assert(ttree_old_is_empty(&old));
	ck_assert_int_eq(ttree_txn_begin(t, &y), -EDEADLK);
	ck_assert_int_eq(ttree_txn_insert(&y, e),
			 -EINVAL); /* y was left ended */
	/* The holder's own transaction is unharmed. */
	ck_assert_int_eq(ttree_txn_insert(&x, e), 0);
	ttree_txn_abort(&x);
	ck_assert(tent_intact(e));
	/* Inside copy_update's callback, the caller holds the lock too. */
	ck_assert_int_eq(ttree_copy_update(t, 2, copy_tries_update, e, &old),
			 0);
	ttree_old_free(&old);
	RCUSLOT_READ_SCOPE({
		ck_assert_ptr_null(ttree_find(t, 1));
		ck_assert_ptr_null(ttree_find(t, 2));
	})
	ck_assert_uint_eq(ttree_count(t), 9);
	tent_free(e);
	ttree_destroy(t);
}
END_TEST

/* Release builds: a transaction that ended is inert; -EINVAL, NULL, nothing. */
START_TEST(test_txn_ended_is_inert)
{
	static struct ttree t;
	struct ttree_txn x;
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	struct tent *e = tent_new(3, 0);

	fill_even(&t, 10);
	for (int ended_by_commit = 0; ended_by_commit < 2; ended_by_commit++) {
		ck_assert_int_eq(ttree_txn_begin(&t, &x), 0);
		ck_assert_int_eq(ttree_txn_remove(&x, 4), 0);
		if (ended_by_commit) {
			ck_assert_int_eq(ttree_txn_commit(&x, &b), 0);
			ck_assert_uint_eq(rcuslot_batch_count(&b), 1);
		} else {
			ttree_txn_abort(&x);
		}
		ck_assert_int_eq(ttree_txn_insert(&x, e), -EINVAL);
		ck_assert_int_eq(ttree_txn_upsert(&x, e), -EINVAL);
		ck_assert_int_eq(ttree_txn_remove(&x, 6), -EINVAL);
		ck_assert_ptr_null(ttree_txn_find(&x, 6));
		ck_assert_int_eq(ttree_txn_commit(&x, &b), -EINVAL);
		ttree_txn_abort(&x); /* does nothing */
		ck_assert_uint_eq(rcuslot_batch_count(&b),
				  (size_t)ended_by_commit);
		/* Nothing more published (round 0 added one, round 1 removed one). */
		ck_assert_uint_eq(ttree_count(&t), 10);
		/* The lock is free: a single-key update works. */
		ck_assert_int_eq(
			ttree_insert(
				&t,
				tent_new(100 + (uint64_t)ended_by_commit, 0)),
			0);
	}
	rcuslot_batch_free(&b);
	tent_free(e);
	ttree_destroy(&t);
}
END_TEST

/* Release builds: a callback that returns 0 without writing *new_out changes nothing. */
static int copy_untouched(const struct tent *old, struct tent **new_out,
			  void *arg)
{
	(void)old;
	(void)new_out;
	(void)arg;
	return 0;
}

START_TEST(test_copy_untouched_changes_nothing)
{
	static struct ttree t;
	struct ttree_old old = { (struct tent *)&old };

	fill_even(&t, 10);
	ck_assert_int_eq(ttree_copy_update(&t, 4, copy_untouched, NULL, &old),
			 0);
	ck_assert(ttree_old_is_empty(&old));
	ck_assert_int_eq(ttree_copy_update(&t, 5, copy_untouched, NULL, &old),
			 0);
	ck_assert(ttree_old_is_empty(&old));
	ck_assert_uint_eq(ttree_count(&t), 10);
	RCUSLOT_READ_SCOPE({
		ck_assert_int_eq(ttree_find(&t, 4)->value, 4);
		ck_assert_ptr_null(ttree_find(&t, 5));
	})
	ttree_destroy(&t);
}
END_TEST
#endif /* !RCUSLOT_DEBUG */

/* --- what a transaction gives back and hands on ------------------------ */

/*
 * An abort: every object given (even one the transaction then replaced or
 * removed) is the caller's again, intact; every published object it took
 * out stays in the tree; nothing is freed.
 */
START_TEST(test_txn_abort_gives_back)
{
	static struct ttree t;
	struct ttree_txn x;
	struct tent *given[4];

	fill_even(&t, 100);
	ck_assert_int_eq(ttree_txn_begin(&t, &x), 0);
	given[0] = tent_new(10, -1); /* replaces a published object */
	ck_assert_int_eq(ttree_txn_upsert(&x, given[0]), 0);
	given[1] = tent_new(11, -1); /* inserted, then replaced by given[2] */
	ck_assert_int_eq(ttree_txn_insert(&x, given[1]), 0);
	given[2] = tent_new(11, -2);
	ck_assert_int_eq(ttree_txn_upsert(&x, given[2]), 0);
	given[3] = tent_new(13, -1); /* inserted, then removed */
	ck_assert_int_eq(ttree_txn_insert(&x, given[3]), 0);
	ck_assert_int_eq(ttree_txn_remove(&x, 13), 0);
	ck_assert_int_eq(ttree_txn_remove(&x, 20), 0); /* a published one */
	ck_assert_ptr_eq(ttree_txn_find(&x, 11), given[2]);
	ttree_txn_abort(&x);
	ck_assert_int_eq(atomic_load(&tent_frees), 0);
	for (int i = 0; i < 4; i++) {
		ck_assert(tent_intact(given[i]));
		tent_free(given[i]);
	}
	ck_assert_uint_eq(ttree_count(&t), 100);
	RCUSLOT_READ_SCOPE({
		ck_assert_int_eq(ttree_find(&t, 10)->value, 10);
		ck_assert_int_eq(ttree_find(&t, 20)->value, 20);
		ck_assert_ptr_null(ttree_find(&t, 11));
	})
	ttree_destroy(&t);
}
END_TEST

RCU_SLOT_DEFINE(tent_slot, struct tent, tent_free);

/*
 * A commit adds what it took out to a batch the caller owns, which may hold
 * other containers' objects already; nothing is freed before the batch is.
 */
START_TEST(test_txn_commit_into_shared_batch)
{
	static struct ttree t;
	static struct tent_slot s;
	struct tent_slot_old sold;
	struct ttree_txn x;
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	struct tent *inserted = tent_new(1001, 5);

	tent_slot_init(&s, tent_new(9999, 0));
	sold = tent_slot_replace(&s, NULL);
	tent_slot_batch_add(&b, &sold);
	fill_even(&t, 100);
	ck_assert_int_eq(ttree_txn_begin(&t, &x), 0);
	for (uint64_t k = 0; k < 20; k += 2)
		ck_assert_int_eq(ttree_txn_remove(&x, k), 0);
	ck_assert_int_eq(ttree_txn_upsert(&x, tent_new(40, 1)), 0);
	ck_assert_int_eq(ttree_txn_insert(&x, inserted), 0);
	ck_assert_int_eq(ttree_txn_upsert(&x, tent_new(1001, 6)),
			 0); /* its own */
	ck_assert_int_eq(ttree_txn_commit(&x, &b), 0);
	ck_assert_uint_eq(rcuslot_batch_count(&b), 1 + 10 + 1 + 1);
	ck_assert_int_eq(atomic_load(&tent_frees), 0);
	ck_assert(tent_intact(inserted));
	rcuslot_batch_free(&b);
	ck_assert_int_eq(atomic_load(&tent_frees), 13);
	ck_assert_uint_eq(ttree_count(&t), 91);
	tent_slot_destroy(&s);
	ttree_destroy(&t);
}
END_TEST

/* --- old handles and views that own or find nothing -------------------- */

START_TEST(test_empty_handles_do_nothing)
{
	static struct ttree t;
	struct ttree_old old;
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	unsigned long waited;

	fill_even(&t, 4);
	ck_assert_int_eq(ttree_remove(&t, 3, &old), -ENOENT);
	ck_assert(ttree_old_is_empty(&old));
	rcuslot_barrier();
	waited = rcuslot_grace_periods_waited();
	ttree_old_free(&old);
	ck_assert_ptr_null(ttree_old_reclaim(&old));
	ttree_old_defer(&old);
	ttree_batch_add(&b, &old);
	ck_assert_uint_eq(rcuslot_batch_count(&b), 0);
	ck_assert_uint_eq(rcuslot_grace_periods_waited(), waited);
	ck_assert(ttree_old_is_empty(&old));
	/* A consumed handle is empty: consuming it again is a no-op. */
	ck_assert_int_eq(ttree_remove(&t, 2, &old), 0);
	ttree_old_free(&old);
	ck_assert(ttree_old_is_empty(&old));
	ttree_old_free(&old);
	ttree_old_defer(&old);
	ck_assert_int_eq(atomic_load(&tent_frees), 1);
	ttree_destroy(&t);
}
END_TEST

/* A view answers NULL where its version has nothing, whatever comes later. */
START_TEST(test_view_answers_none)
{
	static struct ttree t;

	RCUSLOT_READ_SCOPE({
		struct ttree_view v = ttree_view(&t);

		fill_even(&t, 10); /* after the view: not in its version */
		ck_assert_ptr_null(ttree_view_first(&v));
		ck_assert_ptr_null(ttree_view_last(&v));
		ck_assert_ptr_null(ttree_view_find(&v, 4));
		ck_assert_ptr_null(ttree_view_floor(&v, 100));
		ck_assert_ptr_null(ttree_view_ceil(&v, 0));
		ck_assert_uint_eq(ttree_view_count(&v), 0);
	})
	RCUSLOT_READ_SCOPE({
		struct ttree_view v = ttree_view(&t);
		const struct tent *o;
		unsigned long n = 0;

		ck_assert_ptr_null(ttree_view_find(&v, 1));
		ck_assert_ptr_null(ttree_view_find(&v, 5));
		ck_assert_ptr_null(ttree_view_ceil(&v, 19));
		ck_assert_uint_eq(ttree_view_floor(&v, 19)->key, 18);
		ck_assert_uint_eq(ttree_view_ceil(&v, 1)->key, 2);
		RCU_TREE_VIEW_FOREACH(ttree, &v, o)
			n++;
		ck_assert_uint_eq(ttree_view_count(&v), n);
		ck_assert_uint_eq(n, 10);
	})
	ttree_destroy(&t);
}
END_TEST

/* --- a parked reader --------------------------------------------------- */

static struct ttree parked;
static atomic_int parked_done;
static int parked_path;

/* What the other thread does while the test thread is parked in a section. */
static void *parked_updater(void *arg)
{
	struct ttree_old old;
	struct ttree_txn x;
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;

	(void)arg;
	rcuslot_register_thread();
	switch (parked_path) {
	case 0: /* remove, then free: waits for the reader */
		ck_assert_int_eq(ttree_remove(&parked, 10, &old), 0);
		ttree_old_free(&old);
		break;
	case 1: /* replace, then reclaim */
		ck_assert_int_eq(ttree_upsert(&parked, tent_new(10, -1), &old),
				 0);
		tent_free(ttree_old_reclaim(&old));
		break;
	case 2: /* a transaction's commit, its batch freed */
		ck_assert_int_eq(ttree_txn_begin(&parked, &x), 0);
		for (uint64_t k = 0; k < 200; k += 2)
			ck_assert_int_eq(ttree_txn_remove(&x, k), 0);
		ck_assert_int_eq(ttree_txn_commit(&x, &b), 0);
		rcuslot_batch_free(&b);
		break;
	default: /* destroy */
		ttree_destroy(&parked);
		break;
	}
	atomic_store(&parked_done, 1);
	rcuslot_unregister_thread();
	return NULL;
}

#define PARKED_PATHS 4

/*
 * The object a reader found, and every node of the version it walks, stay
 * valid and unchanged until its outermost section ends, whatever is taken
 * out meanwhile: the updater's free, reclaim, batch and destroy wait.
 */
START_TEST(test_parked_reader_holds_its_version)
{
	pthread_t th;
	const struct tent *found, *o;
	struct ttree_view v;
	long n = 0;

	parked_path = _i;
	atomic_store(&parked_done, 0);
	fill_even(&parked, 100);
	rcuslot_read_lock();
	rcuslot_read_lock(); /* nested: only the outermost unlock ends it */
	found = ttree_find(&parked, 10);
	v = ttree_view(&parked);
	ck_assert_int_eq(pthread_create(&th, NULL, parked_updater, NULL), 0);
	/* Walk half, let the updater take things out, walk the rest. */
	RCU_TREE_VIEW_FOREACH(ttree, &v, o) {
		ck_assert(tent_intact(o));
		if (++n == 50)
			nap_ms(30);
	}
	ck_assert_int_eq(n, 100);
	ck_assert_uint_eq(ttree_view_count(&v), 100);
	rcuslot_read_unlock(); /* the inner one: the view still answers */
	ck_assert_uint_eq(ttree_view_count(&v), 100);
	nap_ms(20);
	ck_assert_int_eq(atomic_load(&parked_done), 0);
	ck_assert(tent_intact(found));
	ck_assert_int_eq(found->value, 10);
	ck_assert_int_eq(atomic_load(&tent_frees), 0);
	rcuslot_read_unlock();
	offline_join(th);
	ck_assert_int_eq(atomic_load(&parked_done), 1);
	ck_assert_int_ge(atomic_load(&tent_frees), 1);
	ttree_destroy(&parked);
}
END_TEST

/* --- the writer lock ---------------------------------------------------- */

static struct ttree locked;
static atomic_int locked_inserted;

static void *blocked_inserter(void *arg)
{
	(void)arg;
	rcuslot_register_thread();
	ck_assert_int_eq(ttree_insert(&locked, tent_new(7, 7)), 0);
	atomic_store(&locked_inserted, 1);
	rcuslot_unregister_thread();
	return NULL;
}

/*
 * A transaction holds the lock until its end: another thread's update
 * waits for it, and lands after it; readers never wait.
 */
START_TEST(test_txn_lock_blocks_updaters_not_readers)
{
	pthread_t th;
	struct ttree_txn x;
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;

	atomic_store(&locked_inserted, 0);
	fill_even(&locked, 10);
	ck_assert_int_eq(ttree_txn_begin(&locked, &x), 0);
	ck_assert_int_eq(ttree_txn_insert(&x, tent_new(5, 5)), 0);
	ck_assert_int_eq(pthread_create(&th, NULL, blocked_inserter, NULL), 0);
	offline_sleep_ms(50);
	ck_assert_int_eq(atomic_load(&locked_inserted), 0);
	RCUSLOT_READ_SCOPE({
		ck_assert_int_eq(ttree_find(&locked, 4)->value, 4);
		ck_assert_ptr_null(ttree_find(&locked, 5));
		ck_assert_ptr_null(ttree_find(&locked, 7));
	})
	ck_assert_int_eq(ttree_txn_commit(&x, &b), 0);
	rcuslot_batch_free(&b);
	offline_join(th);
	ck_assert_int_eq(atomic_load(&locked_inserted), 1);
	ck_assert_uint_eq(ttree_count(&locked), 12);
	ttree_destroy(&locked);
}
END_TEST

Suite *tree_promises_suite(void)
{
	TCase *tc;
	Suite *s = rcu_suite("tree-promises", &tc, tree_setup, tree_teardown);

#ifndef RCUSLOT_DEBUG
	tcase_add_test(tc, test_deadlk_every_update);
	tcase_add_test(tc, test_txn_ended_is_inert);
	tcase_add_test(tc, test_copy_untouched_changes_nothing);
#endif
	tcase_add_test(tc, test_txn_abort_gives_back);
	tcase_add_test(tc, test_txn_commit_into_shared_batch);
	tcase_add_test(tc, test_empty_handles_do_nothing);
	tcase_add_test(tc, test_view_answers_none);
	tcase_add_loop_test(tc, test_parked_reader_holds_its_version, 0,
			    PARKED_PATHS);
	tcase_add_test(tc, test_txn_lock_blocks_updaters_not_readers);
	return s;
}
