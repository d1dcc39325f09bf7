/* SPDX-License-Identifier: MIT */
/*
 * The object the unit tests publish: it carries a magic number, a value and
 * a checksum over both, is poisoned when freed, and every free is counted,
 * so a test can tell an intact object from a torn, freed or twice-freed one.
 */
#ifndef RCUSLOT_TEST_TESTOBJ_H
#define RCUSLOT_TEST_TESTOBJ_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

#define TOBJ_LIVE 0x5107ab1eu
#define TOBJ_DEAD 0xdeadbeefu
#define TOBJ_WORDS 8

struct tobj {
	uint32_t magic;
	long value;
	uint64_t word[TOBJ_WORDS];
	uint64_t sum;
	/* Concurrency tests: clock stamp taken just before unpublish. */
	_Atomic uint64_t unpub;
};

/* Frees, double frees and allocations, kit-wide for one test process. */
extern atomic_long tobj_allocs;
extern atomic_long tobj_frees;
extern atomic_long tobj_bad_frees;
/* The value of the last object freed, for tests that check which one. */
extern atomic_long tobj_last_freed_value;
/* Called by tobj_free just before it poisons, when set. */
extern void (*tobj_free_hook)(struct tobj *o);

struct tobj *tobj_new(long value);
uint64_t tobj_checksum(const struct tobj *o);
/* 1 if o is live and its checksum matches its contents. */
int tobj_intact(const struct tobj *o);
void tobj_free(struct tobj *o);
void tobj_reset_counters(void);

RCU_SLOT_DEFINE(tslot, struct tobj, tobj_free);

#endif /* RCUSLOT_TEST_TESTOBJ_H */
