/* SPDX-License-Identifier: MIT */
/*
 * Readers on one ordered map while three updaters change it, for a bounded
 * number of updates, against the real liburcu, in the configuration's
 * flavor:
 * - the tree holds STABLE keys 0 .. STABLE - 1 whose values sum to SUM; a
 *   mover runs transactions of 1 to 10,000 changes that move value between
 *   them (each change replaces an object, often one the transaction
 *   inserted itself), so the sum is SUM in every committed version;
 * - a blocker inserts the BLOCK keys of [BLOCK_LO, BLOCK_LO + BLOCK) in
 *   one transaction and removes them in the next: a version holds all of
 *   them or none;
 * - a single-key updater replaces stable objects by copy_update (same
 *   value: the sum holds), and inserts and removes transient keys one at a
 *   time.
 * Each retires what it took out in turn by old_free, old_defer,
 * old_reclaim, batch_free and batch_defer.
 *
 * Checked by each reader: one FOREACH sees the sum SUM, every stable key,
 * the block whole or absent, keys in ascending order, every object intact
 * (also at the end of the section); a view does the same through its point
 * lookups and range, and its count agrees with its walk; a stable key
 * looked up alone is never missing. Checked by free_fn, through the ledger
 * and a clock (check_concurrency.c's argument): every object is freed
 * exactly once, and never while a reader whose section began before the
 * object was taken out is still inside. An updater stamps an object from
 * the clock before it takes it out; the first stamp wins.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "check_tree.h"
#include "check_rcuslot.h"

#define READERS 2
#define STABLE 256
#define SUM (STABLE * 100L)
#define BLOCK_LO 100000u
#define BLOCK 100
#define TRANSIENT_LO 200000u
#define TRANSIENTS 64
#define MOVER_TXNS 60
#define BLOCKER_TXNS 60
#define SINGLES 600
/*
 * RCUSLOT_TEST_QUICK=1 (the valgrind run, whose one thread at a time makes
 * every step slow): a tenth of the updates, the 1-to-10,000 sweep of
 * transaction sizes still whole, and readers that yield.
 */
static int scale = 1;

static struct ttree tree;
static atomic_ulong clock_now;
static atomic_ulong reader_begin[READERS];
static atomic_int stop;
static atomic_long walks, views, bad_walks, bad_views, torn, early_frees,
	missing;

static void check_not_held(struct tent *e)
{
	uint64_t unpub = atomic_load(&e->unpub);

	if (unpub ==
	    0) /* never taken out by a stamped updater: never published */
		return;
	for (int r = 0; r < READERS; r++) {
		unsigned long b = atomic_load(&reader_begin[r]);

		if (b != 0 && b <= unpub)
			atomic_fetch_add(&early_frees, 1);
	}
}

/* A random number generator per thread (splitmix64). */
static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* Stamp before taking out; the first stamp is kept (see the top). */
static void stamp(const struct tent *e)
{
	uint64_t zero = 0, now = atomic_fetch_add(&clock_now, 1);

	if (e)
		atomic_compare_exchange_strong(&((struct tent *)e)->unpub,
					       &zero, now);
}

/* What a reader checks of one version, however it walked it. */
struct tally {
	long sum, stable, block, other, n;
	uint64_t last;
	int order_ok;
};

static void tally_add(struct tally *t, const struct tent *e)
{
	if (!tent_intact(e)) {
		atomic_fetch_add(&torn, 1);
		t->order_ok = 0;
		return;
	}
	if (t->n++ && e->key <= t->last)
		t->order_ok = 0;
	t->last = e->key;
	if (e->key < STABLE) {
		t->sum += e->value;
		t->stable++;
	} else if (e->key >= BLOCK_LO && e->key < BLOCK_LO + BLOCK) {
		t->block++;
	} else {
		t->other++;
	}
}

static int tally_ok(const struct tally *t)
{
	return t->order_ok && t->sum == SUM && t->stable == STABLE &&
	       (t->block == 0 || t->block == BLOCK);
}

static void reader_section_begin(int r)
{
	rcuslot_read_lock();
	atomic_store(&reader_begin[r], atomic_load(&clock_now));
}

static void reader_section_end(int r)
{
	atomic_store(&reader_begin[r], 0);
	rcuslot_read_unlock();
	rcuslot_quiescent_state();
}

static void walk_once(int r)
{
	struct tally t = { 0, 0, 0, 0, 0, 0, 1 };
	const struct tent *e, *first = NULL;

	reader_section_begin(r);
	RCU_TREE_FOREACH(ttree, &tree, e) {
		if (!first)
			first = e;
		tally_add(&t, e);
	}
	if (!tally_ok(&t))
		atomic_fetch_add(&bad_walks, 1);
	if (first && !tent_intact(first)) /* still intact at the end */
		atomic_fetch_add(&torn, 1);
	reader_section_end(r);
	atomic_fetch_add(&walks, 1);
}

static void view_once(int r, uint64_t *seed)
{
	struct tally t = { 0, 0, 0, 0, 0, 0, 1 };

	reader_section_begin(r);
	{
		struct ttree_view v = ttree_view(&tree);
		const struct tent *e;
		long block = 0, all = 0;

		for (uint64_t k = 0; k < STABLE; k++) {
			e = ttree_view_find(&v, k);
			if (e)
				tally_add(&t, e);
		}
		RCU_TREE_VIEW_FOREACH_RANGE(ttree, &v, e, BLOCK_LO,
					   BLOCK_LO + BLOCK - 1)
			block++;
		RCU_TREE_VIEW_FOREACH(ttree, &v, e)
			all++;
		t.block = block;
		if (!tally_ok(&t) || (unsigned long)all != ttree_view_count(&v))
			atomic_fetch_add(&bad_views, 1);
		/* A key always present is never missing, alone either. */
		if (!ttree_find(&tree, rnd(seed) % STABLE))
			atomic_fetch_add(&missing, 1);
	}
	reader_section_end(r);
	atomic_fetch_add(&views, 1);
}

static void *reader(void *arg)
{
	int r = (int)(intptr_t)arg;
	uint64_t seed = (uint64_t)r + 99;

	rcuslot_register_thread();
	while (!atomic_load(&stop)) {
		walk_once(r);
		/*
		 * No sched_yield() (on a busy machine a reader that yields
		 * outside its sections lets every commit pass unwatched), but
		 * under valgrind, which runs one thread at a time: there a
		 * reader that never yields holds the updaters back.
		 */
		view_once(r, &seed);
		if (scale > 1)
			sched_yield();
	}
	rcuslot_unregister_thread();
	return NULL;
}

/* --- retiring, in turn ----------------------------------------------- */

struct retirer {
	struct rcuslot_batch batch;
	unsigned turn;
};

static void retire_old(struct retirer *t, struct ttree_old *old)
{
	switch (t->turn++ % 4) {
	case 0:
		ttree_old_free(old);
		break;
	case 1:
		ttree_old_defer(old);
		break;
	case 2: {
		struct tent *e = ttree_old_reclaim(old);

		if (e)
			tent_free(e);
		break;
	}
	default:
		ttree_batch_add(&t->batch, old);
		if (rcuslot_batch_count(&t->batch) >= 8)
			rcuslot_batch_free(&t->batch);
		break;
	}
}

static void retire_batch(struct retirer *t, struct rcuslot_batch *b)
{
	if (t->turn++ % 2)
		rcuslot_batch_free(b);
	else
		rcuslot_batch_defer(b);
}

/* --- the updaters ------------------------------------------------------ */

static const long mover_sizes[] = { 1, 2, 10, 100, 1000, 10000 };

/* Transactions moving value between stable keys: one change per replaced object. */
static void *mover(void *arg)
{
	uint64_t seed = 7;
	struct retirer t = { RCUSLOT_BATCH_INITIALIZER, 0 };

	(void)arg;
	rcuslot_register_thread();
	for (int i = 0; i < MOVER_TXNS / scale; i++) {
		/* The largest only twice: they dominate the run time. */
		long changes = mover_sizes[i % 6 == 5 && i > 12 ? 4 : i % 6];
		struct ttree_txn x;
		struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;

		ck_assert_int_eq(ttree_txn_begin(&tree, &x), 0);
		for (long c = 0; c + 1 < changes || c == 0; c += 2) {
			uint64_t from = rnd(&seed) % STABLE,
				 to = rnd(&seed) % STABLE;
			const struct tent *a = ttree_txn_find(&x, from), *z;
			long amount = (long)(rnd(&seed) % 5);

			ck_assert_ptr_nonnull(a);
			stamp(a);
			ck_assert_int_eq(
				ttree_txn_upsert(
					&x, tent_new(from, a->value - amount)),
				0);
			z = ttree_txn_find(&x, to);
			stamp(z);
			ck_assert_int_eq(
				ttree_txn_upsert(
					&x, tent_new(to, z->value + amount)),
				0);
		}
		ck_assert_int_eq(ttree_txn_commit(&x, &b), 0);
		retire_batch(&t, &b);
		rcuslot_quiescent_state();
	}
	rcuslot_batch_free(&t.batch);
	rcuslot_unregister_thread();
	return NULL;
}

/* A block of keys in one transaction, out in the next. */
static void *blocker(void *arg)
{
	struct retirer t = { RCUSLOT_BATCH_INITIALIZER, 1 };

	(void)arg;
	rcuslot_register_thread();
	for (int i = 0; i < BLOCKER_TXNS / scale; i++) {
		struct ttree_txn x;
		struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;

		ck_assert_int_eq(ttree_txn_begin(&tree, &x), 0);
		for (uint64_t k = BLOCK_LO; k < BLOCK_LO + BLOCK; k++) {
			if (i % 2 == 0) {
				ck_assert_int_eq(
					ttree_txn_insert(&x, tent_new(k, i)),
					0);
			} else {
				stamp(ttree_txn_find(&x, k));
				ck_assert_int_eq(ttree_txn_remove(&x, k), 0);
			}
		}
		ck_assert_int_eq(ttree_txn_commit(&x, &b), 0);
		retire_batch(&t, &b);
		rcuslot_quiescent_state();
	}
	rcuslot_batch_free(&t.batch);
	rcuslot_unregister_thread();
	return NULL;
}

/* copy_update: the same value in a new object, the old one stamped. */
static int same_value(const struct tent *old, struct tent **new_out, void *arg)
{
	(void)arg;
	stamp(old);
	*new_out = tent_new(old->key, old->value);
	return 0;
}

static void *single(void *arg)
{
	uint64_t seed = 11;
	struct retirer t = { RCUSLOT_BATCH_INITIALIZER, 2 };

	(void)arg;
	rcuslot_register_thread();
	for (int i = 0; i < SINGLES / scale; i++) {
		struct ttree_old old = { NULL };
		uint64_t k = rnd(&seed) % STABLE;

		/* Half of them inside a read-side section, as they may be. */
		if (i % 2)
			rcuslot_read_lock();
		if (i % 3 == 0) {
			ck_assert_int_eq(ttree_copy_update(&tree, k, same_value,
							   NULL, &old),
					 0);
			ck_assert(!ttree_old_is_empty(&old));
		} else {
			uint64_t tk = TRANSIENT_LO + rnd(&seed) % TRANSIENTS;
			struct tent *e = tent_new(tk, 0);
			int err = ttree_insert(&tree, e);

			if (err == -EEXIST) {
				tent_free(e);
				RCUSLOT_READ_SCOPE(
					{ /* only this thread removes */
					  stamp(ttree_find(&tree, tk));
					})
				ck_assert_int_eq(ttree_remove(&tree, tk, &old),
						 0);
			} else {
				ck_assert_int_eq(err, 0);
			}
		}
		if (i % 2)
			rcuslot_read_unlock();
		retire_old(&t, &old);
		rcuslot_quiescent_state();
	}
	rcuslot_batch_free(&t.batch);
	rcuslot_unregister_thread();
	return NULL;
}

START_TEST(test_snapshots_and_grace_periods)
{
	pthread_t readers[READERS], updaters[3];

	if (getenv("RCUSLOT_TEST_QUICK"))
		scale = 10;
	atomic_store(&clock_now, 1);
	tent_free_hook = check_not_held;
	for (uint64_t k = 0; k < STABLE; k++)
		ck_assert_int_eq(ttree_insert(&tree, tent_new(k, 100)), 0);
	for (int r = 0; r < READERS; r++)
		ck_assert_int_eq(pthread_create(&readers[r], NULL, reader,
						(void *)(intptr_t)r),
				 0);
	ck_assert_int_eq(pthread_create(&updaters[0], NULL, mover, NULL), 0);
	ck_assert_int_eq(pthread_create(&updaters[1], NULL, blocker, NULL), 0);
	ck_assert_int_eq(pthread_create(&updaters[2], NULL, single, NULL), 0);
	for (int u = 0; u < 3; u++)
		offline_join(updaters[u]);
	atomic_store(&stop, 1);
	for (int r = 0; r < READERS; r++)
		offline_join(readers[r]);
	rcuslot_barrier();
	printf("tree concurrency: %ld walks, %ld views\n", atomic_load(&walks),
	       atomic_load(&views));
	{
		long nwalks = atomic_load(&walks), nviews = atomic_load(&views),
		     ntorn = atomic_load(&torn),
		     nbad_walks = atomic_load(&bad_walks),
		     nbad_views = atomic_load(&bad_views),
		     nmissing = atomic_load(&missing),
		     nearly = atomic_load(&early_frees);

		ck_assert_int_gt(nwalks, 0);
		ck_assert_int_gt(nviews, 0);
		ck_assert_int_eq(ntorn, 0);
		ck_assert_int_eq(nbad_walks, 0);
		ck_assert_int_eq(nbad_views, 0);
		ck_assert_int_eq(nmissing, 0);
		ck_assert_int_eq(nearly, 0);
	}
	{
		/* The final version holds the sum too. */
		long sum = 0;

		RCUSLOT_READ_SCOPE({
			const struct tent *e;

			RCU_TREE_FOREACH_RANGE(ttree, &tree, e, 0, STABLE - 1)
				sum += e->value;
		})
		ck_assert_int_eq(sum, SUM);
	}
	ttree_destroy(&tree);
	ck_assert_int_eq(atomic_load(&early_frees), 0);
	ck_assert_int_eq(tent_ledger_live(), 0);
}
END_TEST

Suite *tree_concurrency_suite(void)
{
	TCase *tc;
	Suite *s =
		rcu_suite("tree-concurrency", &tc, tree_setup, tree_teardown);

	tcase_add_test(tc, test_snapshots_and_grace_periods);
	return s;
}
