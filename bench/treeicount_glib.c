/* SPDX-License-Identifier: MIT */
/*
 * treeicount: GLib's GTree, as treebench_glib.c uses it (the key in the
 * tree's key pointer), looked up without a lock and under a
 * pthread_rwlock; a ceil (g_tree_lower_bound) and a scan of TREEBENCH_SCAN
 * entries (g_tree_node_next) under the rwlock.
 */
#include <pthread.h>
#include <stdlib.h>

#include <glib.h>

#include "treebench.h"
#include "treebench_gtree.h"
#include "treeicount.h"

static GTree *tree;
static struct entry *objects;
static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;

/* The build's objects are one array; updates' are malloc'd. */
static void entry_free(gpointer p)
{
	struct entry *e = p;

	if (e < objects || e >= objects + TREEICOUNT_KEYS)
		free(e);
}

void treeicount_gtree_setup(void)
{
	struct entry *e = calloc(TREEICOUNT_KEYS, sizeof(*e));

	if (!e)
		abort();
	objects = e;
	tree = g_tree_new_full(key_cmp, NULL, NULL, entry_free);
	for (uint64_t i = 0; i < TREEICOUNT_KEYS; i++) {
		e[i].key = e[i].value = treebench_key(i);
		g_tree_insert(tree, KEY(e[i].key), &e[i]);
	}
}

long treeicount_find_gtree(long n)
{
	long sum = 0;

	for (long i = 0; i < n; i++) {
		const struct entry *e = g_tree_lookup(
			tree, KEY(treeicount_probe[i % TREEICOUNT_PROBES]));

		sum += (long)e->value;
	}
	return sum;
}

long treeicount_find_gtree_rwlock(long n)
{
	long sum = 0;

	for (long i = 0; i < n; i++) {
		const struct entry *e;

		pthread_rwlock_rdlock(&lock);
		e = g_tree_lookup(tree,
				  KEY(treeicount_probe[i % TREEICOUNT_PROBES]));
		sum += (long)e->value;
		pthread_rwlock_unlock(&lock);
	}
	return sum;
}

long treeicount_ceil_gtree(long n)
{
	long sum = 0;

	for (long i = 0; i < n; i++) {
		GTreeNode *node;

		pthread_rwlock_rdlock(&lock);
		node = g_tree_lower_bound(
			tree, KEY(treeicount_probe[i % TREEICOUNT_PROBES] + 1));
		if (node)
			sum += (long)((const struct entry *)g_tree_node_value(
					      node))
				       ->value;
		pthread_rwlock_unlock(&lock);
	}
	return sum;
}

long treeicount_scan_gtree(long n)
{
	long sum = 0;

	for (long i = 0; i < n; i++) {
		GTreeNode *node;
		int k = 0;

		pthread_rwlock_rdlock(&lock);
		for (node = g_tree_lower_bound(
			     tree,
			     KEY(treeicount_probe[i % TREEICOUNT_PROBES] + 1));
		     node && k < TREEBENCH_SCAN;
		     node = g_tree_node_next(node), k++)
			sum += (long)((const struct entry *)g_tree_node_value(
					      node))
				       ->value;
		pthread_rwlock_unlock(&lock);
	}
	return sum;
}

long treeicount_update_gtree(long n)
{
	for (long i = 0; i < n; i++) {
		struct entry *e = malloc(sizeof(*e));

		if (!e)
			abort();
		e->key = e->value = treeicount_probe[i % TREEICOUNT_PROBES];
		pthread_rwlock_wrlock(&lock);
		g_tree_replace(tree, KEY(e->key), e);
		pthread_rwlock_unlock(&lock);
	}
	return n;
}
