/* SPDX-License-Identifier: MIT */
/*
 * The ledger: every object the stress program allocates gets a serial id,
 * and the ledger records each id's state (unused, live, freed), so that
 * "freed exactly once" is checked per object, exactly, in any build: a
 * second free of an id, or a free of an id never handed out, is refused,
 * and at the end of a phase no id may still be live.
 *
 * Ids are handed out in order, so the states live in chunks of 4096 ids,
 * allocated on first use. A chunk whose ids have all been freed once is
 * retired: its flag alone then answers "already freed" for any of its ids,
 * and its memory is released a few retirements later (so a free that read
 * the chunk pointer just before the retirement still finds it mapped), which
 * keeps a long run's memory flat.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "ledger.h"

#define CHUNK_BITS 12
#define CHUNK_IDS ((uint64_t)1 << CHUNK_BITS)
#define NCHUNKS ((uint64_t)1 << 20) /* 2^32 ids: hours of the fastest run */
#define GRAVE 8                     /* retired chunks kept mapped */

enum { UNUSED, LIVE, FREED };

struct chunk {
	atomic_long freed;
	_Atomic uint8_t state[CHUNK_IDS];
};

static _Atomic(struct chunk *) chunks[NCHUNKS];
static atomic_uchar retired[NCHUNKS];
static atomic_uint_fast64_t next_id;
static atomic_long live;

static pthread_mutex_t grave_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t grave[GRAVE];
static unsigned grave_n;

static struct chunk *chunk_get(uint64_t ci)
{
	struct chunk *c = atomic_load(&chunks[ci]), *fresh;

	if (c)
		return c;
	fresh = calloc(1, sizeof(*fresh));
	if (!fresh) {
		fprintf(stderr, "stress: ledger: out of memory\n");
		abort();
	}
	if (atomic_compare_exchange_strong(&chunks[ci], &c, fresh))
		return fresh;
	free(fresh); /* another thread installed it first */
	return c;
}

/* Every id of chunk ci was freed once: keep only the flag. */
static void chunk_retire(uint64_t ci)
{
	uint64_t old = UINT64_MAX;

	atomic_store(&retired[ci], 1);
	pthread_mutex_lock(&grave_lock);
	if (grave_n >= GRAVE)
		old = grave[grave_n % GRAVE];
	grave[grave_n++ % GRAVE] = ci;
	pthread_mutex_unlock(&grave_lock);
	if (old != UINT64_MAX)
		free(atomic_exchange(&chunks[old], NULL));
}

uint64_t ledger_alloc(void)
{
	uint64_t id = atomic_fetch_add(&next_id, 1);
	struct chunk *c;

	if ((id >> CHUNK_BITS) >= NCHUNKS) {
		fprintf(stderr, "stress: ledger: out of ids\n");
		abort();
	}
	c = chunk_get(id >> CHUNK_BITS);
	atomic_store(&c->state[id & (CHUNK_IDS - 1)], LIVE);
	atomic_fetch_add(&live, 1);
	return id;
}

bool ledger_free(uint64_t id)
{
	uint64_t ci = id >> CHUNK_BITS;
	struct chunk *c;

	if (id >= atomic_load(&next_id) || atomic_load(&retired[ci]))
		return false;
	c = atomic_load(&chunks[ci]);
	if (!c || atomic_exchange(&c->state[id & (CHUNK_IDS - 1)], FREED) != LIVE)
		return false;
	atomic_fetch_sub(&live, 1);
	if (atomic_fetch_add(&c->freed, 1) + 1 == (long)CHUNK_IDS)
		chunk_retire(ci);
	return true;
}

long ledger_live(void)
{
	return atomic_load(&live);
}

uint64_t ledger_ids(void)
{
	return atomic_load(&next_id);
}

int ledger_list_live(uint64_t *out, int max)
{
	uint64_t end = atomic_load(&next_id);
	int n = 0;

	for (uint64_t ci = 0; end && ci <= (end - 1) >> CHUNK_BITS && n < max; ci++) {
		struct chunk *c = atomic_load(&retired[ci]) ? NULL : atomic_load(&chunks[ci]);

		for (uint64_t i = 0; c && i < CHUNK_IDS && n < max; i++)
			if (atomic_load(&c->state[i]) == LIVE)
				out[n++] = (ci << CHUNK_BITS) | i;
	}
	return n;
}
