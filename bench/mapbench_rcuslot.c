/* SPDX-License-Identifier: MIT */
/* mapbench: RCU_MAP_DEFINE, as a user writes it (memb, _LGPL_SOURCE). */
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

#include "mapbench.h"

struct entry {
	uint32_t key;
	long value;
	struct rcuslot_map_node node;
};

static void entry_free(struct entry *e)
{
	free(e);
}

RCU_MAP_DEFINE(bmap, struct entry, node, key, entry_free);

static struct bmap map;

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
	if (bmap_init(&map, keys) != 0)
		abort();
	for (uint32_t i = 0; i < keys; i++)
		if (bmap_insert(&map, entry_new(mapbench_key(i), mapbench_key(i))) != 0)
			abort();
}

static long lookup(uint32_t key)
{
	const struct entry *e;
	long v;

	rcuslot_read_lock();
	e = bmap_find(&map, &key);
	v = e ? e->value : -1;
	rcuslot_read_unlock();
	return v;
}

static void update(uint32_t key, long value)
{
	struct bmap_old old;

	if (bmap_upsert(&map, entry_new(key, value), &old) != 0)
		abort(); /* the map has its table (bmap_init): cannot fail */
	bmap_old_defer(&old);
}

static void teardown(void)
{
	bmap_destroy(&map);
	rcuslot_barrier();
}

const struct map_impl mapbench_rcuslot = {
	.name = "rcuslot-map",
	.what = "RCU_MAP_DEFINE: find in a read-side section; upsert + old_defer",
	.setup = setup,
	.lookup = lookup,
	.update = update,
	.teardown = teardown,
	.thread_online = rcuslot_register_thread,
	.thread_offline = rcuslot_unregister_thread,
	.quiescent = rcuslot_quiescent_state,
	.barrier = rcuslot_barrier,
};
