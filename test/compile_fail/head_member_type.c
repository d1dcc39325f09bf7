/* SPDX-License-Identifier: MIT */
/* RCU_SLOT_DEFINE_HEAD's member must be the object's struct rcu_head. */
/* expect-error: RCU_SLOT_DEFINE_HEAD\(node_slot\): not_a_head must be a struct rcu_head */
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

struct node {
	long key;
	long not_a_head;
	struct rcu_head rcu;
};

static inline void node_free(struct node *n) { free(n); }

#ifdef RCUSLOT_CF_OK
RCU_SLOT_DEFINE_HEAD(node_slot, struct node, rcu, node_free);
#else
RCU_SLOT_DEFINE_HEAD(node_slot, struct node, not_a_head, node_free);
#endif
