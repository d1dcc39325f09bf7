/* SPDX-License-Identifier: MIT */
/**
 * @file rcuslot/reclaim.h
 * @brief Deferred reclamation (call_rcu): the program-wide bound, the kit's
 *        allocator, and the counters.
 *
 * A slot of a plain type (RCU_SLOT_DEFINE()) needs a small node to carry an
 * object through call_rcu. librcuslot keeps the nodes and recycles them, so
 * after warm-up a deferral allocates nothing; new ones come from the kit's
 * allocator (malloc unless rcuslot_set_allocator() says otherwise). A type
 * that embeds a `struct rcu_head` (RCU_SLOT_DEFINE_HEAD()) needs no node.
 *
 * Deferral never loses an object and never frees one early. When no node
 * can be allocated, or when the objects awaiting reclamation already reach
 * the bound (rcuslot_set_defer_max(), default 65536: liburcu's call_rcu
 * thread is not keeping up), the deferring thread instead waits for a grace
 * period and frees the object itself, as name_old_free() would: the updater
 * is throttled to the pace of grace periods and memory stays bounded.
 *
 * These settings are the process's, not a translation unit's: every unit,
 * every flavor and every shared object of a program shares one bound, one
 * allocator and one set of counters, in librcuslot.
 */
#ifndef RCUSLOT_RECLAIM_H
#define RCUSLOT_RECLAIM_H

#include <stddef.h>

#ifndef RCUSLOT_PRIV_BUILDING_LIB
/* liburcu's flavor header first: it maps the names urcu/call-rcu.h declares. */
#include <rcuslot/flavor.h>
#endif
#include <urcu/compiler.h>
#include <urcu/uatomic.h>
#include <urcu/call-rcu.h>

#include <rcuslot/compiler.h>
#include <rcuslot/core.h>

#if defined(RCUSLOT_MALLOC) || defined(RCUSLOT_FREE)
#error "rcuslot: RCUSLOT_MALLOC and RCUSLOT_FREE are gone: the kit's allocator is program-wide; call rcuslot_set_allocator() at start-up"
#endif
#ifdef RCUSLOT_DEFER_MAX
#error "rcuslot: RCUSLOT_DEFER_MAX is gone: the deferral bound is program-wide; call rcuslot_set_defer_max() or set the RCUSLOT_DEFER_MAX environment variable"
#endif

RCUSLOT_PRIV_BEGIN_DECLS

/** @cond RCUSLOT_INTERNAL */
/*
 * Reserve room for n objects under the bound: one locked subtraction whose
 * sign is the answer (gcc and clang turn the test into its flags). It is a
 * full barrier: racing deferrals never take the count past the bound,
 * though one that loses a race at the bound may be throttled with room to
 * spare. On failure the library's slow path decides (core.h).
 */
#define rcuslot_priv_defer_reserve(n)                                          \
	caa_likely(__atomic_sub_fetch(&rcuslot_priv_defer_room.value, (n), __ATOMIC_SEQ_CST) >= 0)

/*
 * A callback has freed n objects (full barrier). The room is only ever
 * touched with __atomic builtins, which ThreadSanitizer sees.
 */
#define rcuslot_priv_defer_done(n)                                             \
	((void)__atomic_add_fetch(&rcuslot_priv_defer_room.value, (n), __ATOMIC_SEQ_CST))

/* A plain object's trip through call_rcu (rcuslot_priv_node_get()). */
struct rcuslot_priv_node {
	/* ABI: inline code fills it; frozen per SONAME (doc/abi.md). */
	struct rcu_head head;
	void *obj;
	rcuslot_priv_free_fn *release;  /* the slot's free_fn */
	struct rcuslot_priv_node *next; /* in the core's pool */
};

/*
 * TSan builds (compiler.h): a callback runs after the deferring thread's
 * call_rcu and after the grace period it waited for.
 */
#define RCUSLOT_PRIV_TSAN_CALLBACK(head)                                       \
	do {                                                                   \
		RCUSLOT_PRIV_TSAN_ACQUIRE(head);                               \
		RCUSLOT_PRIV_TSAN_ACQUIRE(&rcuslot_priv_tsan_gp);              \
	} while (0)
/** @endcond */

/** @addtogroup rcuslot_reclaim
 * @{
 */

/**
 * Set the deferral bound: how many objects may await deferred reclamation,
 * process-wide, before name_old_defer() and rcuslot_batch_defer() throttle
 * their caller by freeing synchronously.
 *
 * @param max  The bound, from 1 to `LONG_MAX / 8`. The default is 65536, or
 *             the value of the `RCUSLOT_DEFER_MAX` environment variable when
 *             the library loads (an invalid value is reported on stderr and
 *             ignored).
 * @return 0, or `-EINVAL` for a bound out of range (nothing changed).
 *
 * @par Context:
 * Any thread, at any time; objects already pending stay counted, so
 * lowering the bound below them throttles deferrals until they drain.
 */
RCUSLOT_PRIV_EXPORT int rcuslot_set_defer_max(long max);

/** @return The deferral bound in force (rcuslot_set_defer_max()). */
RCUSLOT_PRIV_EXPORT long rcuslot_defer_max(void);

/**
 * Set the allocator of the kit's own memory: the nodes that carry plain
 * objects through call_rcu and the chunks of batches. The objects
 * themselves are the program's, freed by each slot's free_fn.
 *
 * @param alloc    Called as malloc(); NULL (with release NULL) restores malloc.
 * @param release  Called as free() on what alloc returned.
 * @return 0; `-EINVAL` when exactly one of the two is NULL; `-EBUSY` when the
 *         kit still holds memory from the allocator in force (nodes on their
 *         way through call_rcu, a batch not yet emptied, nodes cached by
 *         another live thread): nothing changed.
 *
 * @par Context:
 * Call it at start-up, before the first deferral, or at a point where no
 * deferral or batch is in flight (after rcuslot_barrier()) and no other
 * thread uses the kit. It frees the nodes the library keeps for reuse.
 * `alloc` and `release` may be called with the library's settings lock
 * held (which rcuslot_before_fork() takes too): they must not use RCU
 * (take a read lock, register the thread), call into rcuslot or fork().
 */
RCUSLOT_PRIV_EXPORT int rcuslot_set_allocator(void *(*alloc)(size_t), void (*release)(void *));

/**
 * Count the objects handed to deferred reclamation (name_old_defer(),
 * rcuslot_batch_defer()) whose free function has not run yet, process-wide.
 *
 * @return That count: never more than the bound. A snapshot; any thread
 *         may call it.
 */
RCUSLOT_PRIV_EXPORT long rcuslot_defer_pending(void);

/**
 * Count the deferrals that found the bound reached and freed synchronously
 * instead (the updater was throttled).
 *
 * @return How many times, since the process started, a deferral waited for a
 *         grace period because the objects awaiting reclamation had reached
 *         the bound. Any thread may call it.
 */
RCUSLOT_PRIV_EXPORT unsigned long rcuslot_defer_throttled(void);

/**
 * Count the grace periods the kit has waited for.
 *
 * @return How many times, in this process, the kit has waited for a grace
 *         period (rcuslot_synchronize(), and so name_old_free() and
 *         friends). An updater's main cost; batches (rcuslot/batch.h) and
 *         deferral keep it down. Any thread may call it.
 */
RCUSLOT_PRIV_EXPORT unsigned long rcuslot_grace_periods_waited(void);

/** @} */

RCUSLOT_PRIV_END_DECLS

#endif /* RCUSLOT_RECLAIM_H */
