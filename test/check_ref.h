/* SPDX-License-Identifier: MIT */
/*
 * The counted object the RCU_SLOT_DEFINE_REF tests publish: tobj's checks
 * (magic, checksum, poison when freed, every free counted) plus a check, at
 * free time, that no reference remains, and the thread that freed it.
 */
#ifndef RCUSLOT_TEST_CHECK_REF_H
#define RCUSLOT_TEST_CHECK_REF_H

#include <stdatomic.h>
#include <stdint.h>

#include <rcuslot/rcuslot.h>

#define ROBJ_LIVE 0x7ef0b1ecu
#define ROBJ_DEAD 0xdeadbeefu
#define ROBJ_WORDS 4

struct robj {
	struct rcuslot_ref ref;
	uint32_t magic;
	int is_static; /* not from the heap: robj_free only poisons it */
	long id;       /* index in a test's ledger */
	long value;
	uint64_t word[ROBJ_WORDS];
	uint64_t sum;
};

extern atomic_long robj_allocs;
extern atomic_long robj_frees;
/* Frees of a dead object, or of one whose count was not zero. */
extern atomic_long robj_bad_frees;
extern atomic_long robj_last_freed_value;
/* Frees done by the calling thread. */
extern _Thread_local long robj_frees_here;
/* Called by robj_free before it poisons, when set. */
extern void (*robj_free_hook)(struct robj *o);

struct robj *robj_new(long value);
int robj_intact(const struct robj *o);
void robj_free(struct robj *o);
void robj_reset_counters(void);

RCU_SLOT_DEFINE_REF(rslot, struct robj, ref, robj_free);

/* The reference count of o, as the kit keeps it. */
static inline long robj_count(const struct robj *o)
{
	return (long)rcuslot_ref_count(&o->ref);
}

#endif /* RCUSLOT_TEST_CHECK_REF_H */
