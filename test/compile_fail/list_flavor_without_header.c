/* SPDX-License-Identifier: MIT */
/* A list bound to a named flavor whose liburcu header the unit did not include. */
/* expect-error-gcc: 'urcu_qsbr_synchronize_rcu' undeclared */
/* expect-error-clang: use of undeclared identifier 'urcu_qsbr_synchronize_rcu' */
#ifdef RCUSLOT_CF_OK
#include <urcu/urcu-qsbr.h>
#endif
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

struct item {
	long key;
	struct rcuslot_list_node node;
};

static inline void item_free(struct item *i)
{
	free(i);
}

RCU_LIST_DEFINE_FLAVOR(item_list, struct item, node, item_free, qsbr);
