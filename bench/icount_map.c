/* SPDX-License-Identifier: MIT */
/*
 * icount_map.c: the rcuslot side of the map lookup comparison: a
 * RCU_MAP_DEFINE map of ICOUNT_MAP_KEYS objects, looked up one key per
 * read-side section. icount_map_raw.c is the same loop over rculfhash
 * written by hand, with the same hash and the same match.
 */
#include <stdint.h>
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

#include "icount.h"

struct imap_obj {
	uint32_t key;
	long value;
	struct rcuslot_map_node node;
};

static void imap_free(struct imap_obj *o)
{
	free(o);
}

RCU_MAP_DEFINE(imap, struct imap_obj, node, key, imap_free);

static struct imap map;

void icount_map_setup(void)
{
	if (imap_init(&map, ICOUNT_MAP_BUCKETS) != 0)
		abort();
	for (uint32_t k = 0; k < ICOUNT_MAP_KEYS; k++) {
		struct imap_obj *o = malloc(sizeof(*o));

		if (!o)
			abort();
		o->key = k;
		o->value = k;
		if (imap_insert(&map, o) != 0)
			abort();
	}
}

long icount_find_map(long n)
{
	long sum = 0;

	for (long i = 0; i < n; i++) {
		uint32_t key = (uint32_t)(i * 7) % ICOUNT_MAP_KEYS;
		const struct imap_obj *o;

		rcuslot_read_lock();
		o = imap_find(&map, &key);
		sum += o->value;
		rcuslot_read_unlock();
	}
	return sum;
}

unsigned long icount_map_hash(unsigned int key)
{
	uint32_t k = key;

	return imap_priv_hash(&map, &k);
}

uint64_t icount_map_seed(void)
{
	return map.rcuslot_priv_seed;
}

void icount_map_teardown(void)
{
	imap_destroy(&map);
}
