/* SPDX-License-Identifier: MIT */
/**
 * @file rcuslot/reclaim.h
 * @brief The type-erased core of deferred reclamation (call_rcu).
 *
 * A slot of a plain type needs a small node to carry its object through
 * call_rcu. The node comes from `RCUSLOT_MALLOC` (default `malloc`) and goes
 * back through `RCUSLOT_FREE` (default `free`); define both before the first
 * rcuslot include to use another allocator. When no node can be had,
 * name_old_defer() waits for a grace period and frees synchronously instead,
 * so an object is never leaked and never freed early.
 */
#ifndef RCUSLOT_RECLAIM_H
#define RCUSLOT_RECLAIM_H

#include <stddef.h>
#include <stdlib.h>

#include <rcuslot/compiler.h>
#include <rcuslot/flavor.h>

#if defined(RCUSLOT_MALLOC) != defined(RCUSLOT_FREE)
#error "rcuslot: define both RCUSLOT_MALLOC and RCUSLOT_FREE, or neither"
#endif
/** @addtogroup rcuslot_reclaim
 * @{
 */
#ifndef RCUSLOT_MALLOC
/** Allocator for the kit's own small nodes (one per deferred plain object). */
#define RCUSLOT_MALLOC(size) malloc(size)
/** Releases what RCUSLOT_MALLOC() returned. */
#define RCUSLOT_FREE(ptr) free(ptr)
#endif
/** @} */

RCUSLOT_PRIV_BEGIN_DECLS

/** @cond RCUSLOT_INTERNAL */
struct rcuslot_priv_defer_node {
	struct rcu_head head;
	void *obj;
};

/*
 * Queue obj for cb after a grace period; false when no node could be
 * allocated (the caller then falls back to a synchronous free).
 * call_rcu's enqueue is ordered after the caller's unpublish by the
 * exchange that unpublished obj; the grace period liburcu waits before
 * running cb pairs with every reader's read_unlock.
 */
RCUSLOT_PRIV_FUNC bool rcuslot_priv_defer(void *obj, void (*cb)(struct rcu_head *))
{
	struct rcuslot_priv_defer_node *node =
		(struct rcuslot_priv_defer_node *)RCUSLOT_MALLOC(sizeof(*node));

	if (!node)
		return false;
	node->obj = obj;
	RCUSLOT_PRIV_URCU(call_rcu)(&node->head, cb);
	return true;
}

/* In the call_rcu callback: release the node, hand back its object. */
RCUSLOT_PRIV_FUNC void *rcuslot_priv_defer_take(struct rcu_head *head)
{
	struct rcuslot_priv_defer_node *node =
		caa_container_of(head, struct rcuslot_priv_defer_node, head);
	void *obj = node->obj;

	RCUSLOT_FREE(node);
	return obj;
}
/** @endcond */

RCUSLOT_PRIV_END_DECLS

#endif /* RCUSLOT_RECLAIM_H */
