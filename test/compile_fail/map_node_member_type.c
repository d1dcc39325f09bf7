/* SPDX-License-Identifier: MIT */
/* The node member must be a struct rcuslot_map_node. */
/* expect-error: RCU_MAP_DEFINE\(rt_map\): link must be a struct rcuslot_map_node */
#include "map_cf.h"

struct rt {
	uint32_t dst;
#ifdef RCUSLOT_CF_OK
	struct rcuslot_map_node link;
#else
	struct rcu_head link;
#endif
};
static inline void rt_free(struct rt *r) { free(r); }

RCU_MAP_DEFINE(rt_map, struct rt, link, dst, rt_free);
