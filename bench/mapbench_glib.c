/* SPDX-License-Identifier: MIT */
/*
 * mapbench: what a C programmer uses today, GLib's GHashTable under one
 * pthread_rwlock: readers take it shared for each lookup, the updater
 * exclusively to replace an entry (the old value freed by the table).
 */
#include <pthread.h>
#include <stdlib.h>

#include <glib.h>

#include "mapbench.h"

struct entry {
	uint32_t key;
	long value;
};

static GHashTable *table;
static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;

static struct entry *entry_new(uint32_t key, long value)
{
	struct entry *e = malloc(sizeof(*e));

	if (!e)
		abort();
	e->key = key;
	e->value = value;
	return e;
}

static void setup(uint32_t keys)
{
	table = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, free);
	for (uint32_t i = 0; i < keys; i++)
		g_hash_table_insert(table, GUINT_TO_POINTER(mapbench_key(i)),
				    entry_new(mapbench_key(i), mapbench_key(i)));
}

static long lookup(uint32_t key)
{
	const struct entry *e;
	long v;

	pthread_rwlock_rdlock(&lock);
	e = g_hash_table_lookup(table, GUINT_TO_POINTER(key));
	v = e ? e->value : -1;
	pthread_rwlock_unlock(&lock);
	return v;
}

static void update(uint32_t key, long value)
{
	struct entry *e = entry_new(key, value);

	pthread_rwlock_wrlock(&lock);
	g_hash_table_replace(table, GUINT_TO_POINTER(key), e);
	pthread_rwlock_unlock(&lock);
}

static void teardown(void)
{
	g_hash_table_destroy(table);
}

static void nothing(void)
{
}

const struct map_impl mapbench_glib_rwlock = {
	.name = "glib-rwlock",
	.what = "GLib GHashTable under a pthread_rwlock: rdlock per lookup",
	.setup = setup,
	.lookup = lookup,
	.update = update,
	.teardown = teardown,
	.thread_online = nothing,
	.thread_offline = nothing,
	.quiescent = nothing,
	.barrier = nothing,
};
