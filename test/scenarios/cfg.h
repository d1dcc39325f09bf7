/* SPDX-License-Identifier: MIT */
/* The slot type every scenario unit shares (test/scenarios/run.py). */
#ifndef SCENARIO_CFG_H
#define SCENARIO_CFG_H

#include <stdlib.h>

#include <rcuslot/rcuslot.h>

struct cfg {
	int a;
};

static inline void cfg_free(struct cfg *c)
{
	free(c);
}

static inline struct cfg *cfg_new(int a)
{
	struct cfg *c = malloc(sizeof(*c));

	if (!c)
		abort();
	c->a = a;
	return c;
}

RCU_SLOT_DEFINE(cfg_slot, struct cfg, cfg_free);

/* Defined in lib.c, built with or without RCUSLOT_DEBUG. */
extern struct cfg_slot lib_slot;
void lib_init(void);
int lib_read(void);                      /* dereferences lib_slot */
struct cfg_slot_old lib_replace(int a);  /* a handle for the caller */
void lib_free(struct cfg_slot_old *old); /* consumes one */
void lib_read_locked(int (*fn)(void));   /* calls fn under the read lock */

#endif
