/* SPDX-License-Identifier: MIT */
/**
 * @file rcuslot/reclaim.h
 * @brief The type-erased core of deferred reclamation (call_rcu), with its
 *        memory bound.
 *
 * A slot of a plain type (RCU_SLOT_DEFINE()) needs a small node to carry an
 * object through call_rcu. The node comes from `RCUSLOT_MALLOC` (default
 * `malloc`) and goes back through `RCUSLOT_FREE` (default `free`); define
 * both before the first rcuslot include to use another allocator. A type
 * that embeds a `struct rcu_head` (RCU_SLOT_DEFINE_HEAD()) needs no node.
 *
 * Deferral never loses an object and never frees one early. When no node
 * can be allocated, or when more than `RCUSLOT_DEFER_MAX` objects already
 * await reclamation (liburcu's call_rcu thread is not keeping up), the
 * deferring thread instead waits for a grace period and frees the object
 * itself, as name_old_free() would: the updater is throttled to the pace of
 * grace periods and memory stays bounded by about `RCUSLOT_DEFER_MAX` plus
 * one object per deferring thread.
 */
#ifndef RCUSLOT_RECLAIM_H
#define RCUSLOT_RECLAIM_H

#include <stddef.h>
#include <stdlib.h>

#include <rcuslot/compiler.h>
#include <rcuslot/flavor.h>
#include <rcuslot/rcu.h>

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

#ifndef RCUSLOT_DEFER_MAX
/**
 * Objects that may await deferred reclamation, process-wide, before
 * name_old_defer() throttles its caller by freeing synchronously. Define it
 * before the first rcuslot include to change it (per translation unit).
 */
#define RCUSLOT_DEFER_MAX 65536
#endif
/** @} */

RCUSLOT_PRIV_BEGIN_DECLS

/** @cond RCUSLOT_INTERNAL */
struct rcuslot_priv_defer_node {
	struct rcu_head head;
	void *obj;
};

/* Kit-wide counters, one instance per process (weak definitions). */
extern long rcuslot_priv_defer_pending;
extern unsigned long rcuslot_priv_defer_throttled;
/* NOLINTBEGIN(misc-definitions-in-headers): weak, see RCUSLOT_PRIV_SHARED */
RCUSLOT_PRIV_SHARED long rcuslot_priv_defer_pending;
RCUSLOT_PRIV_SHARED unsigned long rcuslot_priv_defer_throttled;
/* NOLINTEND(misc-definitions-in-headers) */

/*
 * Reserve room for n objects in the reclamation queue; false (and nothing
 * reserved) when the queue is full and the caller must free synchronously.
 * Two threads may both pass the check, so the bound can be exceeded by one
 * object per deferring thread; that is what the documentation promises.
 */
RCUSLOT_PRIV_FUNC bool rcuslot_priv_defer_reserve(long n)
{
	if (uatomic_read(&rcuslot_priv_defer_pending) + n > RCUSLOT_DEFER_MAX) {
		uatomic_inc(&rcuslot_priv_defer_throttled);
		return false;
	}
	uatomic_add(&rcuslot_priv_defer_pending, n);
	return true;
}

/*
 * TSan builds (compiler.h): a callback runs after the deferring thread's
 * call_rcu and after the grace period it waited for.
 */
#define RCUSLOT_PRIV_TSAN_CALLBACK(head)                                       \
	do {                                                                   \
		RCUSLOT_PRIV_TSAN_ACQUIRE(head);                               \
		RCUSLOT_PRIV_TSAN_GP_DONE();                                   \
	} while (0)

/* A callback has freed n objects. */
RCUSLOT_PRIV_FUNC void rcuslot_priv_defer_done(long n)
{
	uatomic_sub(&rcuslot_priv_defer_pending, n);
}

/*
 * Queue `head` for cb after a grace period, or return false when throttled.
 * call_rcu's enqueue is ordered after the caller's unpublish by the exchange
 * that unpublished the object; the grace period liburcu waits for before
 * running cb pairs with every reader's read_unlock.
 */
RCUSLOT_PRIV_FUNC bool rcuslot_priv_defer_head(struct rcu_head *head,
					       void (*cb)(struct rcu_head *), long n)
{
	if (!rcuslot_priv_defer_reserve(n))
		return false;
	RCUSLOT_PRIV_TSAN_RELEASE(head); /* pairs with RCUSLOT_PRIV_TSAN_CALLBACK */
	RCUSLOT_PRIV_URCU(call_rcu)(head, cb);
	return true;
}

/* Plain objects: the same through a node; false when none can be had. */
RCUSLOT_PRIV_FUNC bool rcuslot_priv_defer(void *obj, void (*cb)(struct rcu_head *))
{
	struct rcuslot_priv_defer_node *node =
		(struct rcuslot_priv_defer_node *)RCUSLOT_MALLOC(sizeof(*node));

	if (!node)
		return false;
	node->obj = obj;
	if (!rcuslot_priv_defer_head(&node->head, cb, 1)) {
		RCUSLOT_FREE(node);
		return false;
	}
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

/** @addtogroup rcuslot_reclaim
 * @{
 */

/**
 * Count the objects handed to deferred reclamation (name_old_defer(),
 * rcuslot_batch_defer()) whose free function has not run yet, process-wide.
 *
 * @return That count: at most `RCUSLOT_DEFER_MAX`, plus what threads
 *         deferring at the same moment add past the check (one object, or
 *         one batch, each). A snapshot; any thread may call it.
 */
RCUSLOT_PRIV_FUNC long rcuslot_defer_pending(void)
{
	return uatomic_read(&rcuslot_priv_defer_pending);
}

/**
 * Count the deferrals that found the queue full and freed synchronously
 * instead (the updater was throttled).
 *
 * @return How many times, since the process started, a deferral would
 *         have taken the number of objects awaiting reclamation past
 *         `RCUSLOT_DEFER_MAX` and waited for a grace period instead. Any
 *         thread may call it.
 */
RCUSLOT_PRIV_FUNC unsigned long rcuslot_defer_throttled(void)
{
	return uatomic_read(&rcuslot_priv_defer_throttled);
}

/** @} */

RCUSLOT_PRIV_END_DECLS

#endif /* RCUSLOT_RECLAIM_H */
