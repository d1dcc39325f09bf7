/* SPDX-License-Identifier: MIT */
/*
 * The ordered map under allocation failure.
 *
 * Tree nodes and a transaction's array of the objects it took out come
 * from the kit's allocator, which the unit suite replaces with failalloc
 * (check_main.c); so do the batch's chunks. Each scenario below builds its
 * trees with memory to spare, then runs its updates with the N-th
 * allocation failing, for N = 1, 2, ... until a run meets no injected
 * failure (the sweep, as check_map_faults.c's). At every N, after every
 * update:
 * - an update that met the failure returned -ENOMEM, its old handle is
 *   empty, the tree is exactly as before (every object, in order, the
 *   count) and the caller still owns the object it passed (intact: the
 *   single-key update is then tried again and succeeds, since the one
 *   failure is spent);
 * - an update that did not meet it did what it says;
 * - a failing transaction operation leaves the transaction as it was
 *   (what txn_find answers for every key, what readers see) and usable:
 *   it goes on and commits, and the tree holds exactly the model without
 *   the failed operation;
 * - a commit or batch_add that meets it (a batch chunk) waits for one grace
 *   period and frees what it was given, and what the batch held;
 * and at the end of the run every entry was freed exactly once (ledger);
 * at the end of the sweep, after destroy and rcuslot_barrier(), every
 * block the kit took is back (failalloc_live()).
 *
 * The same for a string tree, whose separators are object addresses.
 *
 * Then with every allocation failing: a removal copies a path, so it
 * fails with -ENOMEM and changes nothing (single-key, copy_update and in a
 * transaction alike); a commit still publishes; destroy frees everything.
 */
#include "failalloc.h" /* the kit allocates through it (check_main.c) */

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_tree.h"
#include "check_rcuslot.h"

/* Keys of every scenario are below KEYS. */
#define KEYS 4096

/* What the tree must hold: the object under each key, or NULL. */
struct model {
	struct tent *obj[KEYS];
	long n;
};

static struct model model, txn_model;
static long serial;
static long fails_seen;

/* Whether the injected failure happened since the last call. */
static int met_failure(void)
{
	long f = failalloc_failures();
	int met = f > fails_seen;

	fails_seen = f;
	return met;
}

static long frees(void)
{
	return atomic_load(&tent_frees);
}

static struct tent *old_obj(const struct ttree_old *old)
{
	return (struct tent *)rcuslot_priv_strip(old->rcuslot_priv_obj);
}

static void model_set(struct model *m, uint64_t key, struct tent *e)
{
	m->n += (e != NULL) - (m->obj[key] != NULL);
	m->obj[key] = e;
}

/*
 * The tree holds exactly what m says: every object, in order, and the
 * count. (One assertion per walk: Check records each one it passes.)
 */
static void check_tree(struct ttree *t, const struct model *m)
{
	long n = 0, back = 0, bad = -1;

	RCUSLOT_READ_SCOPE({
		const struct tent *o;
		int first = 1;
		uint64_t prev = 0;

		RCU_TREE_FOREACH(ttree, t, o) {
			if (bad < 0 &&
			    (!tent_intact(o) || o->key >= KEYS ||
			     o != m->obj[o->key] || (!first && o->key <= prev)))
				bad = n;
			first = 0;
			prev = o->key;
			n++;
		}
		RCU_TREE_FOREACH_REVERSE(ttree, t, o) {
			if (bad < 0 && (o->key >= KEYS || o != m->obj[o->key]))
				bad = n + back;
			back++;
		}
	})
	ck_assert_msg(bad < 0, "entry %ld of the walk is not the model's", bad);
	ck_assert_int_eq(n, m->n);
	ck_assert_int_eq(back, m->n);
	ck_assert_uint_eq(ttree_count(t), (unsigned long)m->n);
}

/* After an update that succeeded: its key and the count (the run checks all at its end). */
static void check_key(struct ttree *t, uint64_t key)
{
	RCUSLOT_READ_SCOPE(
		{ ck_assert_ptr_eq(ttree_find(t, key), model.obj[key]); })
	ck_assert_uint_eq(ttree_count(t), (unsigned long)model.n);
}

/*
 * Retire an old handle into batch b. A chunk that cannot be had makes
 * batch_add wait for a grace period and free it with what b held.
 */
static void retire(struct rcuslot_batch *b, struct ttree_old *old)
{
	long frees0 = frees();
	long held = (long)rcuslot_batch_count(b) + !ttree_old_is_empty(old);
	unsigned long gps = rcuslot_grace_periods_waited();

	ttree_batch_add(b, old);
	ck_assert(ttree_old_is_empty(old));
	if (met_failure()) {
		ck_assert_uint_eq(rcuslot_batch_count(b), 0);
		ck_assert_int_eq(frees(), frees0 + held);
		ck_assert_uint_eq(rcuslot_grace_periods_waited(), gps + 1);
	} else {
		ck_assert_uint_eq(rcuslot_batch_count(b), (unsigned long)held);
		ck_assert_int_eq(frees(), frees0);
	}
}

/* --- single-key updates, each checked on both outcomes ----------------- */

static void do_insert(struct ttree *t, uint64_t key, struct rcuslot_batch *b)
{
	struct tent *e = tent_new(key, ++serial);
	int rc = ttree_insert(t, e);

	(void)b;
	if (met_failure()) {
		ck_assert_int_eq(rc, -ENOMEM);
		ck_assert(tent_intact(e));
		check_tree(t, &model);
		rc = ttree_insert(t,
				  e); /* the caller's still: it goes in now */
		ck_assert(!met_failure());
	}
	ck_assert_int_eq(rc, model.obj[key] ? -EEXIST : 0);
	if (rc)
		tent_free(e);
	else
		model_set(&model, key, e);
	check_key(t, key);
}

/* upsert, replace (replace = 1) */
static void do_put(struct ttree *t, uint64_t key, int replace,
		   struct rcuslot_batch *b)
{
	struct tent *e = tent_new(key, ++serial), *was = model.obj[key];
	struct ttree_old old;
	int rc = replace ? ttree_replace(t, e, &old) : ttree_upsert(t, e, &old);

	if (met_failure()) {
		ck_assert_int_eq(rc, -ENOMEM);
		ck_assert(ttree_old_is_empty(&old));
		ck_assert(tent_intact(e));
		check_tree(t, &model);
		rc = replace ? ttree_replace(t, e, &old)
			     : ttree_upsert(t, e, &old);
		ck_assert(!met_failure());
	}
	if (replace && !was) {
		ck_assert_int_eq(rc, -ENOENT);
		ck_assert(ttree_old_is_empty(&old));
		tent_free(e);
	} else {
		ck_assert_int_eq(rc, 0);
		ck_assert_ptr_eq(old_obj(&old), was);
		model_set(&model, key, e);
		retire(b, &old);
	}
	check_key(t, key);
}

static void do_remove(struct ttree *t, uint64_t key, struct rcuslot_batch *b)
{
	struct tent *was = model.obj[key];
	struct ttree_old old;
	int rc = ttree_remove(t, key, &old);

	if (met_failure()) {
		ck_assert_int_eq(rc, -ENOMEM);
		ck_assert(ttree_old_is_empty(&old));
		check_tree(t, &model);
		rc = ttree_remove(t, key, &old);
		ck_assert(!met_failure());
	}
	ck_assert_int_eq(rc, was ? 0 : -ENOENT);
	ck_assert_ptr_eq(old_obj(&old), was);
	if (was) {
		model_set(&model, key, NULL);
		retire(b, &old);
	}
	check_key(t, key);
}

/* copy_update's callback: a copy with the value + 1, or a removal. */
struct bump {
	int remove;
	int calls;
	struct tent *made;
};

static int bump_fn(const struct tent *old, struct tent **new_out, void *arg)
{
	struct bump *a = arg;

	a->calls++;
	if (a->remove) {
		*new_out = NULL;
		return 0;
	}
	/* The program's object: plain malloc, never the swept allocator. */
	a->made = tent_new(old ? old->key : 0, old ? old->value + 1 : 1);
	*new_out = a->made;
	return 0;
}

static void do_copy_update(struct ttree *t, uint64_t key, int remove,
			   struct rcuslot_batch *b)
{
	struct tent *was = model.obj[key];
	struct bump a = { remove, 0, NULL };
	struct ttree_old old;
	long frees0 = frees();
	int rc;

	if (!was && !remove)
		ck_abort_msg("the scenarios copy_update present keys only");
	rc = ttree_copy_update(t, key, bump_fn, &a, &old);
	ck_assert_int_eq(a.calls, 1);
	if (met_failure()) {
		ck_assert_int_eq(rc, -ENOMEM);
		ck_assert(ttree_old_is_empty(&old));
		/* The tree could not take the copy: freed by free_fn, once. */
		ck_assert_int_eq(frees(), frees0 + !remove);
		check_tree(t, &model);
		a.calls = 0;
		rc = ttree_copy_update(t, key, bump_fn, &a, &old);
		ck_assert_int_eq(a.calls, 1);
		ck_assert(!met_failure());
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_eq(old_obj(&old), was);
	if (remove && !was) {
		ck_assert(ttree_old_is_empty(&old));
	} else {
		ck_assert_int_eq(a.made ? a.made->value : 0,
				 remove ? 0 : was->value + 1);
		model_set(&model, key, remove ? NULL : a.made);
		retire(b, &old);
	}
	check_key(t, key);
}

/* Fill t with `keys` (unswept: the run arms the failure after this). */
static void fill(struct ttree *t, const uint64_t *keys, long n)
{
	for (long i = 0; i < n; i++) {
		struct tent *e = tent_new(keys[i], ++serial);

		ck_assert_int_eq(ttree_insert(t, e), 0);
		model_set(&model, keys[i], e);
	}
}

/* The same in one transaction (one commit: cheaper than 1000 of them). */
static void fill_range(struct ttree *t, uint64_t from, uint64_t to,
		       uint64_t step)
{
	struct ttree_txn x;
	struct rcuslot_batch none = RCUSLOT_BATCH_INITIALIZER;

	ck_assert_int_eq(ttree_txn_begin(t, &x), 0);
	for (uint64_t k = from; k < to; k += step) {
		struct tent *e = tent_new(k, ++serial);

		ck_assert_int_eq(ttree_txn_insert(&x, e), 0);
		model_set(&model, k, e);
	}
	ck_assert_int_eq(ttree_txn_commit(&x, &none), 0);
	ck_assert_uint_eq(rcuslot_batch_count(&none), 0);
}

/* --- the scenarios ----------------------------------------------------- */

/* An empty tree: the first leaf, and the way back to no node at all. */
static void empty_setup(struct ttree *t, struct rcuslot_batch *b)
{
	(void)t;
	(void)b;
}

static void empty_run(struct ttree *t, struct rcuslot_batch *b)
{
	do_remove(t, 7, b); /* absent: nothing allocated */
	do_put(t, 7, 1, b); /* replace of an absent key */
	do_insert(t, 7, b);
	do_remove(t, 7, b); /* back to an empty tree */
	do_put(t, 9, 0, b); /* upsert into an empty tree */
	do_copy_update(t, 9, 1, b);
	do_copy_update(t, 9, 1, b); /* absent: no change */
}

/* A tree of one leaf. */
static void leaf_setup(struct ttree *t, struct rcuslot_batch *b)
{
	static const uint64_t keys[] = { 50, 10, 40, 20, 30 };

	(void)b;
	fill(t, keys, 5);
}

static void leaf_run(struct ttree *t, struct rcuslot_batch *b)
{
	do_insert(t, 25, b);
	do_insert(t, 30, b); /* -EEXIST */
	do_put(t, 10, 0, b);
	do_put(t, 40, 1, b);
	do_copy_update(t, 20, 0, b);
	do_copy_update(t, 25, 1, b);
	for (uint64_t k = 10; k <= 50; k += 10)
		do_remove(t, k, b); /* down to nothing */
	do_insert(t, 1, b);
}

/*
 * 1024 keys inserted in order: 32 full leaves under a full root. An insert
 * in the middle splits the leaf and the root: three levels.
 */
static void full_setup(struct ttree *t, struct rcuslot_batch *b)
{
	(void)b;
	fill_range(t, 0, 2048, 2);
}

static void full_run(struct ttree *t, struct rcuslot_batch *b)
{
	do_insert(t, 1001, b); /* leaf, root and a new root */
	do_insert(t, 4001, b); /* at the end: a new leaf */
	do_put(t, 1000, 0, b);
	do_put(t, 3, 0, b);
	do_put(t, 2, 1, b);
	do_copy_update(t, 1002, 0, b);
	do_remove(t, 1001, b);
	do_remove(t, 4001, b);
	do_copy_update(t, 0, 1, b);
}

/* The shape of a version: levels, and the root's children's entries. */
static int depth_of(const struct rcuslot_priv_tnode *r)
{
	return r ? r->level + 1 : 0;
}

static int depth(struct ttree *t)
{
	return depth_of(t->rcuslot_priv_tree.root);
}

static unsigned child_n(const struct rcuslot_priv_tnode *r, unsigned i)
{
	ck_assert_uint_gt(r->level, 0);
	ck_assert_uint_lt(i, r->n);
	return ((const struct rcuslot_priv_tnode *)r->ptr[i])->n;
}

/*
 * Three levels whose internal nodes can merge: 1024 keys in order (32 full
 * leaves under a full root), one more in the middle (the leaf and the root
 * split in half: 16 and 17 leaves under a new root), then keys removed
 * from the top until the right half has 8 leaves (leaves borrow and merge
 * on the way). The run goes on removing from the top: leaves merge, the
 * right half falls under a quarter and merges with the left, the root is
 * left with one child and the tree with two levels; then inserts split
 * again.
 */
static uint64_t top;

static void deep_setup(struct ttree *t, struct rcuslot_batch *b)
{
	struct ttree_txn x;
	const struct rcuslot_priv_tnode *r;

	fill_range(t, 0, 2048, 2);
	ck_assert_int_eq(depth(t), 2);
	ck_assert_int_eq(ttree_txn_begin(t, &x), 0);
	ck_assert_int_eq(ttree_txn_insert(&x, tent_new(1025, ++serial)), 0);
	model_set(&model, 1025, (struct tent *)ttree_txn_find(&x, 1025));
	r = x.rcuslot_priv_txn.root;
	ck_assert_int_eq(depth_of(r), 3);
	ck_assert_uint_eq(r->n, 2);
	ck_assert_uint_eq(child_n(r, 0) + child_n(r, 1), 33);
	for (top = 2046; child_n(x.rcuslot_priv_txn.root, 1) > 8; top -= 2) {
		ck_assert_int_eq(ttree_txn_remove(&x, top), 0);
		model_set(&model, top, NULL);
	}
	ck_assert_int_eq(ttree_txn_commit(&x, b), 0);
	ck_assert_int_eq(depth(t), 3);
}

static void deep_run(struct ttree *t, struct rcuslot_batch *b)
{
	for (uint64_t k = top; depth(t) == 3; k -= 2) {
		ck_assert_uint_gt(k, top - 200);
		do_remove(t, k, b);
	}
	ck_assert_int_eq(depth(t), 2);
	do_put(t, 1000, 0, b);
	do_copy_update(t, 1025, 1, b);
	do_copy_update(t, 20, 0, b);
	/* Into full leaves of the left half: they split. */
	do_insert(t, 101, b);
	do_insert(t, 501, b);
	do_put(t, 901, 1, b); /* -ENOENT */
	do_remove(t, 1024, b);
}

/*
 * A transaction of many inserts, upserts and removes on a three-level
 * tree, committed into a batch: the nodes it copies, its array of objects
 * taken out (16, 32, 64, 128 ...), and the batch's chunks at the commit
 * (more than 60 objects: several chunks) are all swept.
 */
static void txn_setup(struct ttree *t, struct rcuslot_batch *b)
{
	(void)b;
	fill_range(t, 0, 3300, 3); /* 1100 keys: three levels */
}

/* The transaction answers as txn_model says, for every key. */
static void check_txn(struct ttree_txn *x)
{
	long bad = -1;

	for (uint64_t k = 0; k < KEYS; k++)
		if (bad < 0 && ttree_txn_find(x, k) != txn_model.obj[k])
			bad = (long)k;
	ck_assert_msg(bad < 0, "the transaction answers otherwise for key %ld",
		      bad);
}

/*
 * One transaction operation: op 0 insert, 1 upsert, 2 remove. On failure
 * the transaction is as it was, readers see the tree as before, and the
 * object is the caller's (freed: the model goes on without it).
 */
static void txn_op(struct ttree *t, struct ttree_txn *x, int op, uint64_t key,
		   struct tent **taken, long *ntaken)
{
	struct tent *e = op < 2 ? tent_new(key, ++serial) : NULL;
	struct tent *was = txn_model.obj[key];
	int rc = op == 0   ? ttree_txn_insert(x, e)
		 : op == 1 ? ttree_txn_upsert(x, e)
			   : ttree_txn_remove(x, key);

	if (met_failure()) {
		ck_assert_int_eq(rc, -ENOMEM);
		if (e) {
			ck_assert(tent_intact(e));
			tent_free(e);
		}
		check_txn(x);
		check_tree(t, &model);
		return;
	}
	if (op == 0 && was) {
		ck_assert_int_eq(rc, -EEXIST);
		tent_free(e);
		return;
	}
	if (op == 2 && !was) {
		ck_assert_int_eq(rc, -ENOENT);
		return;
	}
	ck_assert_int_eq(rc, 0);
	if (was && op != 0)
		taken[(*ntaken)++] = was;
	model_set(&txn_model, key, e);
	ck_assert_ptr_eq(ttree_txn_find(x, key), e);
}

#define TXN_OPS 240

static void txn_run(struct ttree *t, struct rcuslot_batch *b)
{
	static struct tent *taken[TXN_OPS];
	struct ttree_txn x;
	long ntaken = 0, frees0;
	unsigned long gps;
	int rc;

	memcpy(&txn_model, &model, sizeof(model));
	ck_assert_int_eq(ttree_txn_begin(t, &x), 0); /* allocates nothing */
	ck_assert(!met_failure());
	for (long i = 0; i < TXN_OPS; i++) {
		uint64_t j = (uint64_t)(i * 37 % 1100);

		/* Half of the keys in the tree; the op independent of that. */
		txn_op(t, &x, (int)(j / 2 % 3), j % 2 ? j * 3 : j * 3 + 1,
		       taken, &ntaken);
	}
	/* Its own insert, upserted and removed again: both taken out. */
	txn_op(t, &x, 0, 3001, taken, &ntaken);
	txn_op(t, &x, 1, 3001, taken, &ntaken);
	txn_op(t, &x, 2, 3001, taken, &ntaken);
	check_tree(t, &model); /* nobody sees any of it yet */
	ck_assert_int_gt(ntaken, 60);
	frees0 = frees();
	gps = rcuslot_grace_periods_waited();
	rc = ttree_txn_commit(&x, b);
	ck_assert_int_eq(rc, 0);
	memcpy(&model, &txn_model, sizeof(model));
	check_tree(t, &model);
	/* Every object taken out is in the batch, or freed after a grace period. */
	if (met_failure()) {
		ck_assert_uint_eq(rcuslot_grace_periods_waited(), gps + 1);
		ck_assert_int_eq((long)rcuslot_batch_count(b) + frees() -
					 frees0,
				 ntaken);
		ck_assert_int_gt(frees(), frees0);
	} else {
		ck_assert_uint_eq(rcuslot_batch_count(b),
				  (unsigned long)ntaken);
		ck_assert_int_eq(frees(), frees0);
	}
	/* The lock is free: a single-key update, then a transaction that aborts. */
	do_insert(t, 3301, b);
	ck_assert_int_eq(ttree_txn_begin(t, &x), 0);
	memcpy(&txn_model, &model, sizeof(model));
	txn_op(t, &x, 2, 3301, taken, &ntaken);
	ttree_txn_abort(&x);
	check_tree(t, &model);
}

static const struct scenario {
	const char *name;
	void (*setup)(struct ttree *t, struct rcuslot_batch *b);
	void (*run)(struct ttree *t, struct rcuslot_batch *b);
} scenarios[] = {
	{ "empty tree", empty_setup, empty_run },
	{ "one leaf", leaf_setup, leaf_run },
	{ "two full levels", full_setup, full_run },
	{ "three levels", deep_setup, deep_run },
	{ "transaction", txn_setup, txn_run },
};

#define NSCENARIOS ((int)(sizeof(scenarios) / sizeof(scenarios[0])))

/* The kit's blocks before a sweep's first run: every later run ends with them. */
static long sweep_live0;

/*
 * One run with the n-th allocation failing (0: none); the allocations it
 * made. The batch is freed and the tree destroyed in place, so every
 * entry is freed by the run's end; the nodes the run's commits retired
 * through call_rcu are counted back once, after the sweep's barrier.
 */
static long run_once(const struct scenario *sc, long n, long *failures)
{
	static struct ttree t;
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	long calls;

	if (n == 1) {
		rcuslot_barrier();
		sweep_live0 = failalloc_live();
	}
	tent_reset();
	memset(&model, 0, sizeof(model));
	sc->setup(&t, &b);
	check_tree(&t, &model);
	failalloc_reset();
	fails_seen = 0;
	failalloc_fail_nth(n);
	sc->run(&t, &b);
	calls = failalloc_calls();
	*failures = failalloc_failures();
	failalloc_reset();
	rcuslot_batch_free(&b);
	check_tree(&t, &model);
	ttree_destroy(&t);
	/* Every entry freed exactly once. */
	ck_assert_int_eq(tent_bad_frees, 0);
	ck_assert_int_eq(frees(), tent_allocs);
	ck_assert_int_eq(rcuslot_defer_pending(), 0);
	return calls;
}

START_TEST(test_tree_alloc_failure_sweep)
{
	const struct scenario *sc = &scenarios[_i];
	long n, allocs = 0, failures;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (n = 1; n < 5000; n++) {
		long calls = run_once(sc, n, &failures);

		ck_assert_int_le(failures, 1);
		if (failures == 0) {
			allocs = calls;
			break;
		}
	}
	ck_assert_int_lt(n, 5000);
	/* Every block back with the allocator, whichever allocation failed. */
	rcuslot_barrier();
	ck_assert_int_eq(failalloc_live(), sweep_live0);
	/* Every allocation of a clean run was failed once, in turn. */
	ck_assert_int_eq(allocs, n - 1);
	ck_assert_int_gt(allocs, 0);
	ck_assert_int_eq(tent_ledger_live(), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("tree fault sweep, %s: failed allocations N = 1..%ld in turn; "
	       "a clean run makes %ld (%ld ms)\n",
	       sc->name, n - 1, allocs,
	       (long)((t1.tv_sec - t0.tv_sec) * 1000 +
		      (t1.tv_nsec - t0.tv_nsec) / 1000000));
}
END_TEST

/*
 * A string tree: its nodes hold the objects' addresses as keys, and the
 * least key of each node is its parent's separator, so replacing or
 * removing the first object of a leaf rewrites its parent. The same sweep
 * over such updates, single-key and in a transaction: on failure, no
 * separator changed (every key still found, the walk intact).
 */
#define SKEYS 300

struct sent {
	char name[16]; /* "k0000": zero-padded, so strcmp order is numeric */
	long value;
};

static atomic_long sent_allocs, sent_frees;

static void sent_free(struct sent *e)
{
	atomic_fetch_add(&sent_frees, 1);
	free(e);
}

RCU_TREE_DEFINE_STRING(stree, struct sent, name, sent_free);

static struct sent *smodel[SKEYS], *pending[SKEYS];

static struct sent *sent_new(int i)
{
	struct sent *e = malloc(sizeof(*e));

	ck_assert_ptr_nonnull(e);
	snprintf(e->name, sizeof(e->name), "k%04d", i);
	e->value = ++serial;
	atomic_fetch_add(&sent_allocs, 1);
	return e;
}

static void check_stree(struct stree *t)
{
	int bad = -1;

	RCUSLOT_READ_SCOPE({
		const struct sent *o;
		char name[16];
		int n = 0;

		RCU_TREE_FOREACH(stree, t, o) {
			while (n < SKEYS && !smodel[n])
				n++;
			if (bad < 0 && (n == SKEYS || o != smodel[n]))
				bad = n;
			n++;
		}
		for (int i = 0; i < SKEYS; i++) {
			snprintf(name, sizeof(name), "k%04d", i);
			if (bad < 0 && stree_find(t, name) != smodel[i])
				bad = 1000 + i;
		}
	})
	ck_assert_msg(bad < 0, "the string tree differs from its model at %d",
		      bad);
}

/* upsert (remove 0) or remove (1) key i; on failure, unchanged, then again */
static void supdate(struct stree *t, int i, int remove, struct rcuslot_batch *b)
{
	struct sent *e = remove ? NULL : sent_new(i);
	struct stree_old old;
	char name[16];
	int rc;

	snprintf(name, sizeof(name), "k%04d", i);
	rc = remove ? stree_remove(t, name, &old) : stree_upsert(t, e, &old);
	if (met_failure()) {
		ck_assert_int_eq(rc, -ENOMEM);
		ck_assert(stree_old_is_empty(&old));
		check_stree(t);
		rc = remove ? stree_remove(t, name, &old)
			    : stree_upsert(t, e, &old);
		ck_assert(!met_failure());
	}
	ck_assert_int_eq(rc, remove && !smodel[i] ? -ENOENT : 0);
	ck_assert_ptr_eq(rcuslot_priv_strip(old.rcuslot_priv_obj), smodel[i]);
	smodel[i] = e;
	stree_batch_add(b, &old);
	met_failure(); /* a batch chunk: its fallback is check_map_faults.c's */
}

static long srun_once(long n, long *failures)
{
	static struct stree t;
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	struct stree_txn x;
	long calls, live0;

	rcuslot_barrier();
	live0 = failalloc_live();
	memset(smodel, 0, sizeof(smodel));
	ck_assert_int_eq(stree_txn_begin(&t, &x), 0);
	for (int i = 0; i < SKEYS; i++) {
		smodel[i] = sent_new(i);
		ck_assert_int_eq(stree_txn_insert(&x, smodel[i]), 0);
	}
	ck_assert_int_eq(stree_txn_commit(&x, &b), 0);
	failalloc_reset();
	fails_seen = 0;
	failalloc_fail_nth(n);
	/* Keys inserted in order: leaf j starts with key 32 j. */
	supdate(&t, 0, 0, &b);
	supdate(&t, 32, 0, &b);
	supdate(&t, 64, 1, &b);
	supdate(&t, 64, 0, &b);
	supdate(&t, 299, 1, &b);
	/* A transaction: the first keys of three leaves replaced, one removed. */
	ck_assert_int_eq(stree_txn_begin(&t, &x), 0);
	for (int i = 96; i <= 192; i += 32) {
		struct sent *e = i == 192 ? NULL : sent_new(i);
		char name[16];
		int rc;

		snprintf(name, sizeof(name), "k%04d", i);
		rc = e ? stree_txn_upsert(&x, e) : stree_txn_remove(&x, name);
		if (met_failure()) {
			ck_assert_int_eq(rc, -ENOMEM);
			ck_assert_ptr_eq(stree_txn_find(&x, name), smodel[i]);
			if (e)
				sent_free(e);
			pending[i] = smodel[i];
			continue;
		}
		ck_assert_int_eq(rc, 0);
		ck_assert_ptr_eq(stree_txn_find(&x, name), e);
		pending[i] = e;
	}
	check_stree(&t); /* nobody sees the transaction yet */
	ck_assert_int_eq(stree_txn_commit(&x, &b), 0);
	met_failure();
	for (int i = 96; i <= 192; i += 32)
		smodel[i] = pending[i];
	calls = failalloc_calls();
	*failures = failalloc_failures();
	failalloc_reset();
	check_stree(&t);
	rcuslot_batch_free(&b);
	stree_destroy(&t);
	rcuslot_barrier();
	ck_assert_int_eq(sent_frees, sent_allocs);
	ck_assert_int_eq(failalloc_live(), live0);
	return calls;
}

START_TEST(test_tree_string_alloc_failure_sweep)
{
	long n, allocs = 0, failures;

	for (n = 1; n < 1000; n++) {
		long calls = srun_once(n, &failures);

		ck_assert_int_le(failures, 1);
		if (failures == 0) {
			allocs = calls;
			break;
		}
	}
	ck_assert_int_eq(allocs, n - 1);
	ck_assert_int_gt(allocs, 0);
	printf("tree fault sweep, string keys: failed allocations N = 1..%ld "
	       "in "
	       "turn; a clean run makes %ld\n",
	       n - 1, allocs);
}
END_TEST

/*
 * With every allocation failing: a removal needs a copy of its path, so it
 * fails (-ENOMEM, nothing changed, empty handle), even of the last key;
 * a transaction's removal too, and the transaction goes on; a commit of
 * what was done before still publishes, its batch freed through the
 * fallback; destroy needs no memory.
 */
START_TEST(test_tree_no_memory)
{
	static struct ttree one, deep;
	struct ttree_old old;
	struct ttree_txn x;
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	struct bump a = { 1, 0, NULL };
	struct tent *e = tent_new(5000, 0);
	long live0, frees0;
	unsigned long gps;

	rcuslot_barrier();
	live0 = failalloc_live();
	memset(&model, 0, sizeof(model));
	fill_range(&deep, 0, 2400, 1);
	ck_assert_int_eq(ttree_insert(&one, tent_new(1, 0)), 0);
	/* Memory for the transaction's first removals, then none at all. */
	ck_assert_int_eq(ttree_txn_begin(&deep, &x), 0);
	for (uint64_t k = 100; k < 105; k++)
		ck_assert_int_eq(ttree_txn_remove(&x, k), 0);
	failalloc_reset();
	failalloc_fail_all(1);

	ck_assert_int_eq(ttree_txn_remove(&x, 200), -ENOMEM);
	ck_assert_ptr_nonnull(ttree_txn_find(&x, 200));
	ck_assert_ptr_null(ttree_txn_find(&x, 100));
	ck_assert_int_eq(ttree_txn_remove(&x, 100), -ENOENT);
	ck_assert_int_eq(ttree_txn_insert(&x, e), -ENOMEM);
	ck_assert(tent_intact(e));
	check_tree(&deep, &model);

	ck_assert_int_eq(ttree_remove(&one, 1, &old), -ENOMEM);
	ck_assert(ttree_old_is_empty(&old));
	ck_assert_int_eq(ttree_copy_update(&one, 1, bump_fn, &a, &old),
			 -ENOMEM);
	ck_assert(ttree_old_is_empty(&old));
	ck_assert_uint_eq(ttree_count(&one), 1);
	RCUSLOT_READ_SCOPE({ ck_assert_ptr_nonnull(ttree_find(&one, 1)); })
	ck_assert_int_eq(ttree_insert(&one, e), -ENOMEM);
	ck_assert(tent_intact(e));
	tent_free(e);

	/* The commit allocates no node: it publishes; the batch falls back. */
	frees0 = frees();
	gps = rcuslot_grace_periods_waited();
	ck_assert_int_eq(ttree_txn_commit(&x, &b), 0);
	for (uint64_t k = 100; k < 105; k++)
		model_set(&model, k, NULL);
	check_tree(&deep, &model);
	ck_assert_uint_eq(rcuslot_batch_count(&b), 0);
	ck_assert_int_eq(frees(), frees0 + 5);
	ck_assert_uint_eq(rcuslot_grace_periods_waited(), gps + 5);

	ttree_destroy(&deep);
	ttree_destroy(&one);
	ck_assert_uint_eq(ttree_count(&deep), 0);
	ck_assert_int_gt(failalloc_failures(), 0);
	failalloc_reset();
	rcuslot_barrier();
	ck_assert_int_eq(failalloc_live(), live0);
}
END_TEST

static void setup(void)
{
	tree_setup();
	failalloc_reset();
}

static void teardown(void)
{
	failalloc_reset();
	tree_teardown();
}

Suite *tree_faults_suite(void)
{
	TCase *tc;
	Suite *s = rcu_suite("tree-faults", &tc, setup, teardown);

	tcase_add_loop_test(tc, test_tree_alloc_failure_sweep, 0, NSCENARIOS);
	tcase_add_test(tc, test_tree_string_alloc_failure_sweep);
	tcase_add_test(tc, test_tree_no_memory);
	return s;
}
