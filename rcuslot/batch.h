/* SPDX-License-Identifier: MIT */
/**
 * @file rcuslot/batch.h
 * @brief Retire many objects, of any slot types, with one grace period.
 *
 * name_old_free() waits for one grace period per object. An updater that
 * retires many at once (a config split over several slots, a table rebuilt
 * entry by entry) gathers the old handles in a batch instead, with each
 * slot's typed name_batch_add(), then waits once:
 *
 * @code
 * struct rcuslot_batch batch = RCUSLOT_BATCH_INITIALIZER;
 *
 * for (i = 0; i < n; i++) {
 *         struct route_slot_old old = route_slot_replace(&table[i], fresh[i]);
 *         route_slot_batch_add(&batch, &old);
 * }
 * cfg_slot_batch_add(&batch, &old_cfg);
 * rcuslot_batch_free(&batch);      // one grace period, then every free_fn
 * @endcode
 *
 * A batch is owned by one thread at a time; it is not itself shared. It may
 * hold objects of slots bound to different flavors (RCU_SLOT_DEFINE_FLAVOR()):
 * it then waits for a grace period of each.
 */
#ifndef RCUSLOT_BATCH_H
#define RCUSLOT_BATCH_H

#include <stddef.h>

#include <rcuslot/compiler.h>
#include <rcuslot/core.h>

RCUSLOT_PRIV_BEGIN_DECLS

/** @addtogroup rcuslot_batch
 * @{
 */

/**
 * Old objects of any slot types, awaiting one shared grace period.
 *
 * Fill it with each slot's NAME_batch_add(), then empty it with
 * rcuslot_batch_free() or rcuslot_batch_defer(). Its members are private.
 */
struct rcuslot_batch {
	/** @cond RCUSLOT_INTERNAL */
	/* ABI: inline code lays it out; frozen per SONAME (doc/abi.md). */
	void *rcuslot_priv_chunks;     /* librcuslot's chunks */
	size_t rcuslot_priv_count;
	unsigned rcuslot_priv_flavors; /* the flavors of its objects, as core indices */
	/** @endcond */
};

/** Static initializer for an empty batch. */
#define RCUSLOT_BATCH_INITIALIZER { NULL, 0, 0 }

/**
 * Make `batch` empty, for a batch that RCUSLOT_BATCH_INITIALIZER cannot
 * initialize. It forgets what the batch held: use it only on a new batch or
 * one that rcuslot_batch_free() or rcuslot_batch_defer() emptied.
 *
 * @param batch  The batch.
 */
RCUSLOT_PRIV_FUNC void rcuslot_batch_init(struct rcuslot_batch *batch)
{
	batch->rcuslot_priv_chunks = NULL;
	batch->rcuslot_priv_count = 0;
	batch->rcuslot_priv_flavors = 0;
}

/**
 * Count the objects in `batch`.
 *
 * @param batch  The batch.
 * @return How many objects NAME_batch_add() put in it since it was last
 *         emptied.
 */
RCUSLOT_PRIV_FUNC size_t rcuslot_batch_count(const struct rcuslot_batch *batch)
{
	return batch->rcuslot_priv_count;
}

/**
 * Wait for one grace period, then free every object in `batch` with its
 * slot's free_fn; the batch is left empty and may be reused.
 *
 * @param batch  The batch; empty on return.
 *
 * @par Context:
 * Any thread, outside every read-side critical section (debug builds abort
 * otherwise), not holding a lock that readers take inside one. The free
 * functions run in the caller's thread.
 * @par Grace period:
 * Waits for one, unless the batch is empty: one for the whole batch, where
 * NAME_old_free() would wait once per object (one per flavor for a batch
 * that mixes flavors).
 * @par Memory ordering:
 * As NAME_old_free(): the grace period ends after every read-side critical
 * section that could have obtained one of the objects, and their reads
 * happen before the free functions run.
 */
RCUSLOT_PRIV_EXPORT void rcuslot_batch_free(struct rcuslot_batch *batch);

/**
 * Hand every object in `batch` to call_rcu at once (one callback for the
 * whole batch) and return; the batch is left empty.
 *
 * @param batch  The batch; empty on return.
 *
 * @par Context:
 * A registered thread (liburcu's rule for call_rcu; any thread under bp),
 * outside every read-side critical section; debug builds abort otherwise.
 * The free functions run later in liburcu's call_rcu worker thread.
 * @par Grace period:
 * Does not wait, unless the batch would take the number of objects
 * awaiting reclamation past the bound (rcuslot_set_defer_max()), or it
 * mixes flavors: it then behaves as rcuslot_batch_free().
 * @par Memory ordering:
 * As NAME_old_defer(), for the whole batch at once.
 */
RCUSLOT_PRIV_EXPORT void rcuslot_batch_defer(struct rcuslot_batch *batch);

/** @} */

/** @cond RCUSLOT_INTERNAL */
#ifdef RCUSLOT_DEBUG
#include <rcuslot/flavor.h>
#include <rcuslot/debug.h>
/* Debug builds: check the caller's context, naming its file:line. */
RCUSLOT_PRIV_FUNC void rcuslot_priv_dbg_batch_free(struct rcuslot_batch *batch,
						   const char *file, int line)
{
	RCUSLOT_PRIV_DBG_AT(file, line, NULL);

	RCUSLOT_PRIV_DBG_NO_WAIT(RCUSLOT_FLAVOR, "rcuslot_batch_free");
	(rcuslot_batch_free)(batch);
}

RCUSLOT_PRIV_FUNC void rcuslot_priv_dbg_batch_defer(struct rcuslot_batch *batch,
						    const char *file, int line)
{
	RCUSLOT_PRIV_DBG_AT(file, line, NULL);

	RCUSLOT_PRIV_DBG_NO_WAIT(RCUSLOT_FLAVOR, "rcuslot_batch_defer");
	RCUSLOT_PRIV_DBG_REGISTERED(RCUSLOT_FLAVOR, "rcuslot_batch_defer");
	(rcuslot_batch_defer)(batch);
}
#define rcuslot_batch_free(b) rcuslot_priv_dbg_batch_free(b, __FILE__, __LINE__)
#define rcuslot_batch_defer(b) rcuslot_priv_dbg_batch_defer(b, __FILE__, __LINE__)
#endif
/** @endcond */

RCUSLOT_PRIV_END_DECLS

#endif /* RCUSLOT_BATCH_H */
