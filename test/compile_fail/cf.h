/* SPDX-License-Identifier: MIT */
/* What every compile-fail case shares: two slot types over two object types. */
#ifndef RCUSLOT_TEST_CF_H
#define RCUSLOT_TEST_CF_H

#include <stdlib.h>

#include <rcuslot/rcuslot.h>

struct config {
	int a;
};
struct route {
	long dst;
};

static inline void config_free(struct config *c) { free(c); }
static inline void route_free(struct route *r) { free(r); }

RCU_SLOT_DEFINE(cfg_slot, struct config, config_free);
RCU_SLOT_DEFINE(route_slot, struct route, route_free);

#endif
