/* SPDX-License-Identifier: MIT */
/* A map bound to a named flavor whose liburcu header the unit did not include. */
/* expect-error-gcc: 'urcu_qsbr_synchronize_rcu' undeclared */
/* expect-error-clang: use of undeclared identifier 'urcu_qsbr_synchronize_rcu' */
#ifdef RCUSLOT_CF_OK
#include <urcu/urcu-qsbr.h>
#endif
#include "map_cf.h"

struct q {
	uint32_t k;
	struct rcuslot_map_node node;
};
static inline void q_free(struct q *p)
{
	free(p);
}

RCU_MAP_DEFINE_FLAVOR(qmap, struct q, node, k, q_free, qsbr);
