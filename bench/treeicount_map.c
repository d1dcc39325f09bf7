/* SPDX-License-Identifier: MIT */
/*
 * treeicount: rcuslot's hash map (RCU_MAP_DEFINE, uint64_t keys), one
 * lookup per read-side section, as treebench_map.c does it.
 */
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

#include "treebench.h"
#include "treeicount.h"

struct entry {
	uint64_t key;
	uint64_t value;
	struct rcuslot_map_node node;
};

static void entry_free(struct entry *e)
{
	(void)e; /* the objects are one array, never freed */
}

RCU_MAP_DEFINE(ti_map, struct entry, node, key, entry_free);

static struct ti_map map;

void treeicount_map_setup(void)
{
	struct entry *e = calloc(TREEICOUNT_KEYS, sizeof(*e));

	if (!e || ti_map_init(&map, TREEICOUNT_KEYS) != 0)
		abort();
	rcuslot_register_thread();
	for (uint64_t i = 0; i < TREEICOUNT_KEYS; i++) {
		e[i].key = e[i].value = treebench_key(i);
		if (ti_map_insert(&map, &e[i]) != 0)
			abort();
	}
}

long treeicount_find_map(long n)
{
	long sum = 0;

	for (long i = 0; i < n; i++) {
		const struct entry *e;

		rcuslot_read_lock();
		e = ti_map_find(&map, &treeicount_probe[i % TREEICOUNT_PROBES]);
		sum += (long)e->value;
		rcuslot_read_unlock();
	}
	return sum;
}
