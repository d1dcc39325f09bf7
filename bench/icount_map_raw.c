/* SPDX-License-Identifier: MIT */
/*
 * icount_map_raw.c: the lookup loop of icount_map.c written against
 * liburcu's rculfhash directly, as its users do: a node embedded in the
 * object, a match function, caa_container_of, the read lock around the
 * lookup. The table is created with the same parameters as RCU_MAP_DEFINE's
 * and the hash is the map's seeded hash written out for a 4-byte key
 * (raw_hash.h), under the rcuslot map's seed, so both tables hold the same
 * chains and the comparison measures what the generated code adds.
 * icount_main.c checks that both hash alike.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "raw_urcu.h"
#include <urcu/rculfhash.h>

#include "icount.h"
#include "raw_hash.h"

struct raw_map_obj {
	uint32_t key;
	long value;
	struct cds_lfht_node node;
};

static struct cds_lfht *ht;
static struct raw_map_obj *objs[ICOUNT_MAP_KEYS];

static uint64_t seed;

unsigned long icount_raw_map_hash(unsigned int key)
{
	return raw_hash32(key, seed);
}

static int raw_match(struct cds_lfht_node *node, const void *key)
{
	const struct raw_map_obj *o = caa_container_of(node, struct raw_map_obj, node);

	return memcmp(&o->key, key, sizeof(o->key)) == 0;
}

void icount_raw_map_setup(uint64_t map_seed)
{
	seed = map_seed;
	ht = cds_lfht_new(ICOUNT_MAP_BUCKETS, 1, 0,
			  CDS_LFHT_AUTO_RESIZE | CDS_LFHT_ACCOUNTING, NULL);
	if (!ht)
		abort();
	rcu_read_lock();
	for (uint32_t k = 0; k < ICOUNT_MAP_KEYS; k++) {
		struct raw_map_obj *o = malloc(sizeof(*o));

		if (!o)
			abort();
		o->key = k;
		o->value = k;
		objs[k] = o;
		cds_lfht_node_init(&o->node);
		if (cds_lfht_add_unique(ht, icount_raw_map_hash(k), raw_match, &o->key,
					&o->node) != &o->node)
			abort();
	}
	rcu_read_unlock();
}

long icount_find_raw_map(long n)
{
	long sum = 0;

	for (long i = 0; i < n; i++) {
		uint32_t key = (uint32_t)(i * 7) % ICOUNT_MAP_KEYS;
		struct cds_lfht_iter iter;
		struct cds_lfht_node *node;

		rcu_read_lock();
		cds_lfht_lookup(ht, icount_raw_map_hash(key), raw_match, &key, &iter);
		node = cds_lfht_iter_get_node(&iter);
		sum += caa_container_of(node, struct raw_map_obj, node)->value;
		rcu_read_unlock();
	}
	return sum;
}

/* Out of the table, the table destroyed (offline: qsbr), a grace period, free. */
void icount_raw_map_teardown(void)
{
	rcu_read_lock();
	for (uint32_t k = 0; k < ICOUNT_MAP_KEYS; k++)
		(void)cds_lfht_del(ht, &objs[k]->node);
	rcu_read_unlock();
	BENCH_RAW_OFFLINE();
	(void)cds_lfht_destroy(ht, NULL);
	BENCH_RAW_ONLINE();
	synchronize_rcu();
	for (uint32_t k = 0; k < ICOUNT_MAP_KEYS; k++)
		free(objs[k]);
}
