/* SPDX-License-Identifier: MIT */
/* What the map compile-fail cases share: two maps over two object types. */
#ifndef RCUSLOT_TEST_MAP_CF_H
#define RCUSLOT_TEST_MAP_CF_H

#include <stdint.h>
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

struct route {
	uint32_t dst;
	uint32_t via;
	struct rcuslot_map_node node;
};
struct user {
	char name[16];
	int uid;
	struct rcuslot_map_node node;
};

static inline void route_free(struct route *r) { free(r); }
static inline void user_free(struct user *u) { free(u); }

RCU_MAP_DEFINE(route_map, struct route, node, dst, route_free);
RCU_MAP_DEFINE_STRING(user_map, struct user, node, name, user_free);

#endif
