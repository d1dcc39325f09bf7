/* SPDX-License-Identifier: MIT */
/* The stress program's object and slots (see stress.c). */
#ifndef RCUSLOT_STRESS_H
#define RCUSLOT_STRESS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* The kit's allocator fails at random in updaters (--fail-kit-alloc). */
void *stress_kit_malloc(size_t size);
void stress_kit_free(void *ptr);
/* Small, so that deferral's bound and its throttling are exercised too. */
#define STRESS_DEFER_MAX 256

#include <rcuslot/rcuslot.h>

#define SOBJ_LIVE 0x5350a11e5350a11eu
#define SOBJ_DEAD 0xdeaddeaddeaddeadu
#define SOBJ_WORDS 6

struct sobj {
	/* glibc reuses a freed block's first 16 bytes: magic and gen. */
	uint64_t magic;
	uint64_t gen;        /* from one global counter, at creation */
	uint64_t id;         /* ledger id; kept through poisoning */
	uint64_t word[SOBJ_WORDS];
	uint64_t sum;        /* over gen, id and words */
	_Atomic uint64_t unpub; /* clock stamp before its unpublish; 0: never published */
	struct rcu_head rcu; /* hslot's intrusive deferral */
};

/* Every slot's free_fn: checks, poisons, frees. */
void sobj_free(struct sobj *o);

RCU_SLOT_DEFINE(pslot, struct sobj, sobj_free);
RCU_SLOT_DEFINE_HEAD(hslot, struct sobj, rcu, sobj_free);

#endif
