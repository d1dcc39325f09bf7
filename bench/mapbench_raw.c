/* SPDX-License-Identifier: MIT */
/*
 * mapbench: the same map written over liburcu's rculfhash by hand, with
 * rcuslot's seeded hash (raw_hash.h, written out for a 4-byte key) under a
 * seed from getrandom() and the same table parameters, so the two differ
 * only in the wrapper.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "raw_urcu.h"
#include <urcu/rculfhash.h>

#include "mapbench.h"
#include "raw_hash.h"

struct entry {
	uint32_t key;
	long value;
	struct cds_lfht_node node;
	struct rcu_head rcu;
};

static struct cds_lfht *ht;

/* A seed of its own, as the rcuslot map draws one. */
static uint64_t seed;

static unsigned long hash32(uint32_t key)
{
	return raw_hash32(key, seed);
}

static int match(struct cds_lfht_node *node, const void *key)
{
	const struct entry *e = caa_container_of(node, struct entry, node);

	return memcmp(&e->key, key, sizeof(e->key)) == 0;
}

static void entry_free_cb(struct rcu_head *head)
{
	free(caa_container_of(head, struct entry, rcu));
}

static struct entry *entry_new(uint32_t key, long value)
{
	struct entry *e = malloc(sizeof(*e));

	if (!e)
		abort();
	e->key = key;
	e->value = value;
	cds_lfht_node_init(&e->node);
	return e;
}

static void setup(uint32_t keys)
{
	unsigned long size = 1;

	if (getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
		abort();
	while (size < keys)
		size <<= 1;
	ht = cds_lfht_new(size, 1, 0, CDS_LFHT_AUTO_RESIZE | CDS_LFHT_ACCOUNTING, NULL);
	if (!ht)
		abort();
	for (uint32_t i = 0; i < keys; i++) {
		uint32_t k = mapbench_key(i);
		struct entry *e = entry_new(k, k);

		rcu_read_lock();
		if (cds_lfht_add_unique(ht, hash32(k), match, &e->key, &e->node) != &e->node)
			abort();
		rcu_read_unlock();
	}
}

static long lookup(uint32_t key)
{
	struct cds_lfht_iter iter;
	struct cds_lfht_node *node;
	long v;

	rcu_read_lock();
	cds_lfht_lookup(ht, hash32(key), match, &key, &iter);
	node = cds_lfht_iter_get_node(&iter);
	v = node ? caa_container_of(node, struct entry, node)->value : -1;
	rcu_read_unlock();
	return v;
}

static void update(uint32_t key, long value)
{
	struct entry *e = entry_new(key, value);
	struct cds_lfht_node *old;

	rcu_read_lock();
	old = cds_lfht_add_replace(ht, hash32(key), match, &e->key, &e->node);
	rcu_read_unlock();
	if (old)
		call_rcu(&caa_container_of(old, struct entry, node)->rcu, entry_free_cb);
}

static void teardown(void)
{
	struct cds_lfht_iter iter;
	struct cds_lfht_node *node;

	rcu_read_lock();
	cds_lfht_for_each(ht, &iter, node) {
		if (cds_lfht_del(ht, node) == 0)
			call_rcu(&caa_container_of(node, struct entry, node)->rcu, entry_free_cb);
	}
	rcu_read_unlock();
	(void)cds_lfht_destroy(ht, NULL);
	rcu_barrier();
}

static void quiescent(void)
{
	BENCH_RAW_QUIESCENT();
}

static void online(void)
{
	rcu_register_thread();
}

static void offline(void)
{
	rcu_unregister_thread();
}

static void barrier(void)
{
	rcu_barrier();
}

const struct map_impl mapbench_raw_lfht = {
	.name = "raw-rculfhash",
	.what = "rculfhash by hand: lookup in rcu_read_lock; add_replace + call_rcu",
	.setup = setup,
	.lookup = lookup,
	.update = update,
	.teardown = teardown,
	.thread_online = online,
	.thread_offline = offline,
	.quiescent = quiescent,
	.barrier = barrier,
};
