/* SPDX-License-Identifier: MIT */
/*
 * What the map suites share: the object they store (a key, a value, a
 * magic word poisoned when freed, every free counted) and its maps.
 */
#ifndef RCUSLOT_TEST_CHECK_MAP_H
#define RCUSLOT_TEST_CHECK_MAP_H

#include <stdatomic.h>
#include <stdint.h>

#include <check.h>

#include <rcuslot/rcuslot.h>

#define MOBJ_LIVE 0x4d4f424au
#define MOBJ_DEAD 0xdeadbeefu

struct mobj {
	uint32_t magic;
	uint32_t key;
	long value;
	struct rcuslot_map_node node;
	/* Concurrency tests: the ledger's id for this object, and the clock
	 * stamp taken just before its unpublish (0: never published). */
	long id;
	_Atomic uint64_t unpub;
};

extern atomic_long mobj_allocs;
extern atomic_long mobj_frees;
extern atomic_long mobj_bad_frees;
/* Called by mobj_free before it poisons, when set. */
extern void (*mobj_free_hook)(struct mobj *o);

struct mobj *mobj_new(uint32_t key, long value);
void mobj_free(struct mobj *o);
/* 1 if o is a live object. */
int mobj_live(const struct mobj *o);

RCU_MAP_DEFINE(tmap, struct mobj, node, key, mobj_free);

/* The object an old handle owns (test only; debug builds tag the handle). */
#define RCUSLOT_TEST_OLD_OBJ(old) ((struct mobj *)rcuslot_priv_strip((old)->rcuslot_priv_obj))

/* Fixture: the RCU thread fixture, plus the mobj counters zeroed. */
void map_setup(void);

Suite *map_suite(void);
Suite *map_concurrency_suite(void);
Suite *map_faults_suite(void);
#ifdef RCUSLOT_DEBUG
Suite *map_debug_suite(void);
#endif

#endif
