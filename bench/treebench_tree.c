/* SPDX-License-Identifier: MIT */
/*
 * treebench: rcuslot's ordered map, RCU_TREE_DEFINE over uint64_t keys, as
 * a user writes it (memb, _LGPL_SOURCE): find, ceil and FOREACH_RANGE in a
 * read-side section each; upsert + old_defer; a batch of changes as one
 * transaction whose retired objects are deferred together.
 *
 * The kit's allocator is a counting one, installed before anything is
 * allocated: the tree's nodes come from it, so what it holds after the
 * build is the tree's own memory (objects are the program's). It counts
 * what glibc gives each block (malloc_usable_size) plus the chunk's size
 * word, as mallinfo2 counts the heap of the other implementations.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdatomic.h>
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

#include "treebench.h"

struct entry {
	uint64_t key;
	uint64_t value;
};

static void entry_free(struct entry *e)
{
	treebench_free(e);
}

RCU_TREE_DEFINE(tb_tree, struct entry, key, entry_free);

static struct tb_tree tree = RCU_TREE_INITIALIZER;
static struct entry *objects;
static atomic_long held;

/* The heap a block takes: what glibc gives it and its chunk's size word. */
static long block_bytes(void *p)
{
	return (long)(malloc_usable_size(p) + sizeof(size_t));
}

/* Relaxed: a counter read after the build, by the thread that built. */
static void *count_alloc(size_t size)
{
	void *p = malloc(size);

	if (p)
		atomic_fetch_add_explicit(&held, block_bytes(p),
					  memory_order_relaxed);
	return p;
}

static void count_free(void *p)
{
	if (p)
		atomic_fetch_sub_explicit(&held, block_bytes(p),
					  memory_order_relaxed);
	free(p);
}

static void prepare(size_t n)
{
	if (rcuslot_set_allocator(count_alloc, count_free) != 0)
		abort();
	objects = treebench_objects(n, sizeof(*objects));
}

static void build(const uint64_t *keys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		objects[i].key = objects[i].value = keys[i];
		if (tb_tree_insert(&tree, &objects[i]) != 0)
			abort();
	}
}

static double own_bytes(void)
{
	return (double)atomic_load_explicit(&held, memory_order_relaxed);
}

static uint64_t lookup(uint64_t key)
{
	const struct entry *e;
	uint64_t v;

	rcuslot_read_lock();
	e = tb_tree_find(&tree, key);
	v = e ? e->value : UINT64_MAX;
	rcuslot_read_unlock();
	return v;
}

static int ceil_(uint64_t key, uint64_t *out)
{
	const struct entry *e;
	int found = 0;

	rcuslot_read_lock();
	e = tb_tree_ceil(&tree, key);
	if (e) {
		*out = e->key;
		found = e->value == e->key ? 1 : -1;
	}
	rcuslot_read_unlock();
	return found;
}

static int scan(uint64_t lo, uint64_t *out)
{
	const struct entry *e;
	int n = 0, bad = 0;

	rcuslot_read_lock();
	RCU_TREE_FOREACH_RANGE(tb_tree, &tree, e, lo, UINT64_MAX) {
		bad |= e->value != e->key;
		out[n++] = e->key;
		if (n == TREEBENCH_SCAN)
			break;
	}
	rcuslot_read_unlock();
	return bad ? -1 : n;
}

static struct entry *entry_new(uint64_t key)
{
	struct entry *e = malloc(sizeof(*e));

	if (!e)
		abort();
	e->key = e->value = key;
	return e;
}

static void update(uint64_t key)
{
	struct tb_tree_old old;

	if (tb_tree_upsert(&tree, entry_new(key), &old) != 0)
		abort();
	tb_tree_old_defer(&old);
}

static void batch(const uint64_t *keys, size_t n)
{
	struct rcuslot_batch retired = RCUSLOT_BATCH_INITIALIZER;
	struct tb_tree_txn txn;

	if (tb_tree_txn_begin(&tree, &txn) != 0)
		abort();
	for (size_t i = 0; i < n; i++)
		if (tb_tree_txn_upsert(&txn, entry_new(keys[i])) != 0)
			abort();
	if (tb_tree_txn_commit(&txn, &retired) != 0)
		abort();
	rcuslot_batch_defer(&retired);
}

static void teardown(void)
{
	tb_tree_destroy(&tree);
	rcuslot_barrier();
}

const struct tree_impl treebench_rcuslot_tree = {
	.name = "rcuslot-tree",
	.what = "RCU_TREE_DEFINE: find, ceil, FOREACH_RANGE in a read-side "
		"section; upsert + old_defer; a batch as one transaction",
	.ordered = 1,
	.txn = 1,
	.prepare = prepare,
	.build = build,
	.own_bytes = own_bytes,
	.lookup = lookup,
	.ceil = ceil_,
	.scan = scan,
	.update = update,
	.batch = batch,
	.teardown = teardown,
	.thread_online = rcuslot_register_thread,
	.thread_offline = rcuslot_unregister_thread,
	.quiescent = rcuslot_quiescent_state,
	.barrier = rcuslot_barrier,
};
