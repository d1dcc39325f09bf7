/* SPDX-License-Identifier: MIT */
/*
 * treeicount: rcuslot's ordered map (RCU_TREE_DEFINE, uint64_t keys), as
 * treebench_tree.c uses it: one find, one ceil, or one scan of
 * TREEBENCH_SCAN entries (RCU_TREE_FOREACH_RANGE from a key, broken off
 * after TREEBENCH_SCAN) per read-side section.
 */
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

#include "treebench.h"
#include "treeicount.h"

struct entry {
	uint64_t key;
	uint64_t value;
};

static struct entry *objects;

/* The build's objects are one array; updates' are malloc'd. */
static void entry_free(struct entry *e)
{
	if (e < objects || e >= objects + TREEICOUNT_KEYS)
		free(e);
}

RCU_TREE_DEFINE(ti_tree, struct entry, key, entry_free);

static struct ti_tree tree = RCU_TREE_INITIALIZER;

void treeicount_tree_setup(void)
{
	struct entry *e = objects = calloc(TREEICOUNT_KEYS, sizeof(*e));

	if (!e)
		abort();
	rcuslot_register_thread();
	for (uint64_t i = 0; i < TREEICOUNT_KEYS; i++) {
		e[i].key = e[i].value = treebench_key(i);
		if (ti_tree_insert(&tree, &e[i]) != 0)
			abort();
	}
}

long treeicount_find_tree(long n)
{
	long sum = 0;

	for (long i = 0; i < n; i++) {
		const struct entry *e;

		rcuslot_read_lock();
		e = ti_tree_find(&tree,
				 treeicount_probe[i % TREEICOUNT_PROBES]);
		sum += (long)e->value;
		rcuslot_read_unlock();
	}
	return sum;
}

long treeicount_ceil_tree(long n)
{
	long sum = 0;

	for (long i = 0; i < n; i++) {
		const struct entry *e;

		rcuslot_read_lock();
		e = ti_tree_ceil(&tree,
				 treeicount_probe[i % TREEICOUNT_PROBES] + 1);
		if (e)
			sum += (long)e->value;
		rcuslot_read_unlock();
	}
	return sum;
}

long treeicount_scan_tree(long n)
{
	long sum = 0;

	for (long i = 0; i < n; i++) {
		const struct entry *e;
		int k = 0;

		rcuslot_read_lock();
		RCU_TREE_FOREACH_RANGE(ti_tree, &tree, e,
				      treeicount_probe[i % TREEICOUNT_PROBES] +
					      1,
				      UINT64_MAX) {
			sum += (long)e->value;
			if (++k == TREEBENCH_SCAN)
				break;
		}
		rcuslot_read_unlock();
	}
	return sum;
}

static struct entry *entry_new(uint64_t key)
{
	struct entry *e = malloc(sizeof(*e));

	if (!e)
		abort();
	e->key = e->value = key;
	return e;
}

long treeicount_update_tree(long n)
{
	for (long i = 0; i < n; i++) {
		struct ti_tree_old old;

		if (ti_tree_upsert(
			    &tree,
			    entry_new(treeicount_probe[i % TREEICOUNT_PROBES]),
			    &old) != 0)
			abort();
		ti_tree_old_defer(&old);
	}
	return n;
}

long treeicount_txn_tree(long n)
{
	struct rcuslot_batch retired = RCUSLOT_BATCH_INITIALIZER;
	struct ti_tree_txn txn;

	if (ti_tree_txn_begin(&tree, &txn) != 0)
		abort();
	for (long i = 0; i < n; i++)
		if (ti_tree_txn_upsert(
			    &txn,
			    entry_new(
				    treeicount_probe[i % TREEICOUNT_PROBES])) !=
		    0)
			abort();
	if (ti_tree_txn_commit(&txn, &retired) != 0)
		abort();
	rcuslot_batch_defer(&retired);
	return n;
}
