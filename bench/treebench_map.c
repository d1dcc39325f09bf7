/* SPDX-License-Identifier: MIT */
/*
 * treebench: rcuslot's hash map (RCU_MAP_DEFINE, memb, _LGPL_SOURCE), for
 * point lookups only (a hash map has no order): what an ordered map gives
 * up against it. Its node lives in the object; the bucket table is sized
 * for the keys at init.
 */
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

#include "treebench.h"

struct entry {
	uint64_t key;
	uint64_t value;
	struct rcuslot_map_node node;
};

static void entry_free(struct entry *e)
{
	treebench_free(e);
}

RCU_MAP_DEFINE(tb_map, struct entry, node, key, entry_free);

static struct tb_map map;
static struct entry *objects;

static void prepare(size_t n)
{
	objects = treebench_objects(n, sizeof(*objects));
}

static void build(const uint64_t *keys, size_t n)
{
	if (tb_map_init(&map, (unsigned long)n) != 0)
		abort();
	for (size_t i = 0; i < n; i++) {
		objects[i].key = objects[i].value = keys[i];
		if (tb_map_insert(&map, &objects[i]) != 0)
			abort();
	}
}

static uint64_t lookup(uint64_t key)
{
	const struct entry *e;
	uint64_t v;

	rcuslot_read_lock();
	e = tb_map_find(&map, &key);
	v = e ? e->value : UINT64_MAX;
	rcuslot_read_unlock();
	return v;
}

static void update(uint64_t key)
{
	struct entry *e = malloc(sizeof(*e));
	struct tb_map_old old;

	if (!e)
		abort();
	e->key = e->value = key;
	if (tb_map_upsert(&map, e, &old) != 0)
		abort(); /* the map has its table (tb_map_init): cannot fail */
	tb_map_old_defer(&old);
}

static void teardown(void)
{
	tb_map_destroy(&map);
	rcuslot_barrier();
}

const struct tree_impl treebench_rcuslot_map = {
	.name = "rcuslot-map",
	.what = "RCU_MAP_DEFINE (hash, point lookups only): find in a "
		"read-side section; "
		"upsert + old_defer",
	.embedded = sizeof(struct rcuslot_map_node),
	.prepare = prepare,
	.build = build,
	.lookup = lookup,
	.update = update,
	.teardown = teardown,
	.thread_online = rcuslot_register_thread,
	.thread_offline = rcuslot_unregister_thread,
	.quiescent = rcuslot_quiescent_state,
	.barrier = rcuslot_barrier,
};
