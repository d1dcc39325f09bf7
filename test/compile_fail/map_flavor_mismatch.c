/* SPDX-License-Identifier: MIT */
/* A named-flavor map must, for now, use the unit's flavor (memb here). */
/* expect-error: RCU_MAP_DEFINE_FLAVOR\(qmap\): the flavor must be RCUSLOT_FLAVOR for now */
#include "map_cf.h"

struct q {
	uint32_t k;
	struct rcuslot_map_node node;
};
static inline void q_free(struct q *p) { free(p); }

#ifdef RCUSLOT_CF_OK
RCU_MAP_DEFINE_FLAVOR(qmap, struct q, node, k, q_free, memb);
#else
RCU_MAP_DEFINE_FLAVOR(qmap, struct q, node, k, q_free, qsbr);
#endif
