/* SPDX-License-Identifier: MIT */
/* RCU_LIST_DEFINE's member must be the entry's struct rcuslot_list_node. */
/* expect-error: RCU_LIST_DEFINE\(item_list\): raw must be a struct rcuslot_list_node */
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

struct item {
	long key;
	struct cds_list_head raw; /* an rculist link, not the kit's node */
	struct rcuslot_list_node node;
};

static inline void item_free(struct item *i) { free(i); }

#ifdef RCUSLOT_CF_OK
RCU_LIST_DEFINE(item_list, struct item, node, item_free);
#else
RCU_LIST_DEFINE(item_list, struct item, raw, item_free);
#endif
