/* SPDX-License-Identifier: MIT */
/*
 * treebench: what a C programmer uses today, GLib's GTree (a balanced
 * binary tree) under one pthread_rwlock: readers take it shared for each
 * lookup, ceil (g_tree_lower_bound) or scan (g_tree_node_next), the updater
 * exclusively to replace an object (the old one freed by the tree), and a
 * batch of changes is done under one exclusive hold. The key is kept in
 * the tree's key pointer itself (a uint64_t fits in a pointer on the
 * LP64 machines this runs on), so a descent compares without touching an
 * object: GTree at its fastest.
 */
#include <pthread.h>
#include <stdlib.h>

#include <glib.h>

#include "treebench.h"
#include "treebench_gtree.h"

static GTree *tree;
static struct entry *objects;
static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;

static void entry_free(gpointer e)
{
	treebench_free(e);
}

static void prepare(size_t n)
{
	objects = treebench_objects(n, sizeof(*objects));
}

static void build(const uint64_t *keys, size_t n)
{
	tree = g_tree_new_full(key_cmp, NULL, NULL, entry_free);
	for (size_t i = 0; i < n; i++) {
		objects[i].key = objects[i].value = keys[i];
		g_tree_insert(tree, KEY(keys[i]), &objects[i]);
	}
}

static uint64_t lookup(uint64_t key)
{
	const struct entry *e;
	uint64_t v;

	pthread_rwlock_rdlock(&lock);
	e = g_tree_lookup(tree, KEY(key));
	v = e ? e->value : UINT64_MAX;
	pthread_rwlock_unlock(&lock);
	return v;
}

static int ceil_(uint64_t key, uint64_t *out)
{
	GTreeNode *node;
	int found = 0;

	pthread_rwlock_rdlock(&lock);
	node = g_tree_lower_bound(tree, KEY(key));
	if (node) {
		const struct entry *e = g_tree_node_value(node);

		*out = e->key;
		found = e->value == e->key ? 1 : -1;
	}
	pthread_rwlock_unlock(&lock);
	return found;
}

static int scan(uint64_t lo, uint64_t *out)
{
	GTreeNode *node;
	int n = 0, bad = 0;

	pthread_rwlock_rdlock(&lock);
	for (node = g_tree_lower_bound(tree, KEY(lo));
	     node && n < TREEBENCH_SCAN; node = g_tree_node_next(node)) {
		const struct entry *e = g_tree_node_value(node);

		bad |= e->value != e->key;
		out[n++] = e->key;
	}
	pthread_rwlock_unlock(&lock);
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
	struct entry *e = entry_new(key);

	pthread_rwlock_wrlock(&lock);
	g_tree_replace(tree, KEY(key), e);
	pthread_rwlock_unlock(&lock);
}

static void batch(const uint64_t *keys, size_t n)
{
	pthread_rwlock_wrlock(&lock);
	for (size_t i = 0; i < n; i++)
		g_tree_replace(tree, KEY(keys[i]), entry_new(keys[i]));
	pthread_rwlock_unlock(&lock);
}

static void teardown(void)
{
	g_tree_destroy(tree);
}

static void nothing(void)
{
}

const struct tree_impl treebench_gtree = {
	.name = "gtree-rwlock",
	.what = "GLib GTree under a pthread_rwlock: rdlock per operation",
	.ordered = 1,
	.txn = 1,
	.prepare = prepare,
	.build = build,
	.lookup = lookup,
	.ceil = ceil_,
	.scan = scan,
	.update = update,
	.batch = batch,
	.teardown = teardown,
	.thread_online = nothing,
	.thread_offline = nothing,
	.quiescent = nothing,
	.barrier = nothing,
};
