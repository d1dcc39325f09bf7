/* SPDX-License-Identifier: MIT */
/* A list of a named flavor must be of the unit's flavor, for now (built with memb). */
/* expect-error: RCU_LIST_DEFINE_FLAVOR\(item_list\): the flavor must be RCUSLOT_FLAVOR for now */
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

struct item {
	long key;
	struct rcuslot_list_node node;
};

static inline void item_free(struct item *i) { free(i); }

#ifdef RCUSLOT_CF_OK
RCU_LIST_DEFINE_FLAVOR(item_list, struct item, node, item_free, memb);
#else
RCU_LIST_DEFINE_FLAVOR(item_list, struct item, node, item_free, qsbr);
#endif
