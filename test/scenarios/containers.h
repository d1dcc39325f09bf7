/* SPDX-License-Identifier: MIT */
/*
 * A map and a counted slot shared by two units built in different modes
 * (run.py builds containers_lib.c and containers.c with and without
 * RCUSLOT_DEBUG, both under AddressSanitizer): objects made on one side
 * are taken out and retired on the other.
 */
#ifndef SCENARIO_CONTAINERS_H
#define SCENARIO_CONTAINERS_H

#include <stdint.h>
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

/* Frees and allocations of both kinds, counted in containers_lib.c. */
extern long item_allocs, item_frees, counted_allocs, counted_frees;

/* The node last: a node of another size would run past the allocation. */
struct item {
	uint32_t key;
	uint32_t value;
	struct rcuslot_map_node node;
};

static inline void item_free(struct item *it)
{
	__atomic_add_fetch(&item_frees, 1,
			   __ATOMIC_RELAXED); /* call_rcu's thread too */
	free(it);
}

static inline struct item *item_new(uint32_t key)
{
	struct item *it = (struct item *)malloc(
		sizeof(*it)); /* node left as malloc gives it */

	if (!it)
		abort();
	it->key = key;
	it->value = key;
	item_allocs++;
	return it;
}

RCU_MAP_DEFINE(item_map, struct item, node, key, item_free);

/* The counter last, likewise. */
struct counted {
	int value;
	struct rcuslot_ref ref;
};

static inline void counted_free(struct counted *c)
{
	__atomic_add_fetch(&counted_frees, 1, __ATOMIC_RELAXED);
	free(c);
}

static inline struct counted *counted_new(int value)
{
	struct counted *c = (struct counted *)calloc(1, sizeof(*c));

	if (!c)
		abort();
	c->value = value;
	counted_allocs++;
	return c;
}

RCU_SLOT_DEFINE_REF(counted_slot, struct counted, ref, counted_free);

/* containers_lib.c, the other unit. */
extern struct item_map lib_map;
extern struct counted_slot lib_counted;
void lib_containers_init(void);
void lib_map_insert(uint32_t key);
void lib_map_remove_free(uint32_t key);
void lib_map_remove_defer(uint32_t key);
struct item_map_old lib_map_remove(uint32_t key); /* a handle for the caller */
void lib_map_destroy(void);
void lib_counted_publish(int value); /* the old one freed */
struct counted_slot_old lib_counted_replace(int value);
const struct counted *lib_counted_get(void);
void lib_counted_put(const struct counted *c);
void lib_counted_old_free(struct counted_slot_old *old);

#endif
