/* SPDX-License-Identifier: MIT */
/*
 * batch.c: many old objects, of any slot types, retired with one grace
 * period per flavor they belong to.
 */
#include <errno.h>
#include <stdlib.h>

#include "core_priv.h"

#define CHUNK_ENTRIES 60

struct entry {
	void *obj;
	rcuslot_priv_free_fn *free_fn;
};

/* The first chunk's rcu_head carries the whole chain through call_rcu. */
struct chunk {
	struct rcu_head head;
	struct chunk *next;
	unsigned int n;
	struct entry entry[CHUNK_ENTRIES];
};

/* Free every object of a chain, then the chain; returns how many objects. */
static long chain_release(struct chunk *c)
{
	long n = 0;

	while (c) {
		struct chunk *next = c->next;

		for (unsigned int i = 0; i < c->n; i++, n++)
			c->entry[i].free_fn(c->entry[i].obj);
		core_chunk_free(c);
		c = next;
	}
	return n;
}

/* One grace period of each flavor in the mask. */
static void wait_flavors(unsigned mask)
{
	for (unsigned i = 0; mask; i++, mask >>= 1)
		if (mask & 1u)
			rcuslot_priv_synchronize(core_flavor_at(i));
}

static void batch_take(struct rcuslot_batch *batch, struct chunk **chain, unsigned *mask)
{
	*chain = (struct chunk *)batch->rcuslot_priv_chunks;
	*mask = batch->rcuslot_priv_flavors;
	rcuslot_batch_init(batch);
}

/*
 * Debug builds: the out-of-memory fallback below waits for a grace period
 * of each flavor in the mask, which from inside a read-side section of one
 * of them never ends: abort instead, naming the generated batch_add (the
 * return address is in it).
 */
static void dbg_no_wait(unsigned mask, const void *ret)
{
	const struct rcuslot_priv_dbg_loc loc = { NULL, 0, ret };

	for (unsigned i = 0; mask; i++, mask >>= 1)
		if ((mask & 1u) && core_flavor_reading(core_flavor_at(i)))
			rcuslot_priv_dbg_fail("batch_add without memory for its batch",
					      "called inside a read-side critical section "
					      "(it would wait for itself forever)",
					      &loc);
}

/*
 * Without memory for the batch, wait here and free the object with what the
 * batch holds: it was unpublished before the wait begins.
 */
RCUSLOT_PRIV_EXPORT void rcuslot_priv_batch_add(struct rcuslot_batch *batch,
						const struct rcu_flavor_struct *fl, void *handle,
						rcuslot_priv_free_fn *free_fn)
{
	void *obj = core_consume(handle, __builtin_return_address(0));
	struct chunk *c = (struct chunk *)batch->rcuslot_priv_chunks;
	unsigned mask;

	if (!obj)
		return;
	batch->rcuslot_priv_flavors |= 1u << core_flavor_index(fl);
	if (!c || c->n == CHUNK_ENTRIES) {
		c = core_chunk_alloc(sizeof(*c));
		if (!c) {
			batch_take(batch, &c, &mask);
			if (core_dbg_enabled())
				dbg_no_wait(mask, __builtin_return_address(0));
			wait_flavors(mask);
			chain_release(c);
			free_fn(obj);
			return;
		}
		c->next = (struct chunk *)batch->rcuslot_priv_chunks;
		c->n = 0;
		batch->rcuslot_priv_chunks = c;
	}
	c->entry[c->n].obj = obj;
	c->entry[c->n].free_fn = free_fn;
	c->n++;
	batch->rcuslot_priv_count++;
}

RCUSLOT_PRIV_EXPORT void rcuslot_batch_free(struct rcuslot_batch *batch)
{
	struct chunk *chain;
	unsigned mask;

	batch_take(batch, &chain, &mask);
	if (!chain)
		return;
	wait_flavors(mask);
	chain_release(chain);
}

static void batch_cb(struct rcu_head *head)
{
	RCUSLOT_PRIV_TSAN_ACQUIRE(head); /* the deferring thread's call_rcu */
	CORE_TSAN_GP_DONE();
	core_defer_done(chain_release(caa_container_of(head, struct chunk, head)));
}

/*
 * One callback for the whole chain, under the batch's one flavor. A batch
 * that mixes flavors would need a grace period of each before its callback
 * runs; it is freed here instead (documented in batch.h).
 */
RCUSLOT_PRIV_EXPORT void rcuslot_batch_defer(struct rcuslot_batch *batch)
{
	struct chunk *chain = (struct chunk *)batch->rcuslot_priv_chunks;
	unsigned mask = batch->rcuslot_priv_flavors;
	long n = (long)batch->rcuslot_priv_count;

	if (!chain)
		return;
	if ((mask & (mask - 1)) != 0 || !core_defer_reserve(n)) {
		rcuslot_batch_free(batch);
		return;
	}
	rcuslot_batch_init(batch);
	RCUSLOT_PRIV_TSAN_RELEASE(&chain->head); /* pairs with batch_cb's acquire */
	core_flavor_at((unsigned)__builtin_ctz(mask))->update_call_rcu(&chain->head, batch_cb);
}
