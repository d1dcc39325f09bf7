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
 * A batch is owned by one thread at a time; it is not itself shared.
 */
#ifndef RCUSLOT_BATCH_H
#define RCUSLOT_BATCH_H

#include <stddef.h>

#include <rcuslot/compiler.h>
#include <rcuslot/rcu.h>
#include <rcuslot/reclaim.h>

RCUSLOT_PRIV_BEGIN_DECLS

/** @cond RCUSLOT_INTERNAL */
#define RCUSLOT_PRIV_BATCH_CHUNK 60

struct rcuslot_priv_batch_entry {
	void *obj;
	void (*free_fn)(void *obj);
};

/* The first chunk's rcu_head carries the whole chain through call_rcu. */
struct rcuslot_priv_batch_chunk {
	struct rcu_head head;
	struct rcuslot_priv_batch_chunk *next;
	unsigned int n;
	struct rcuslot_priv_batch_entry entry[RCUSLOT_PRIV_BATCH_CHUNK];
};
/** @endcond */

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
	struct rcuslot_priv_batch_chunk *chunks;
	size_t count;
	/** @endcond */
};

/** Static initializer for an empty batch. */
#define RCUSLOT_BATCH_INITIALIZER { NULL, 0 }

/**
 * Make `batch` empty, for a batch that RCUSLOT_BATCH_INITIALIZER cannot
 * initialize. It forgets what the batch held: use it only on a new batch or
 * one that rcuslot_batch_free() or rcuslot_batch_defer() emptied.
 *
 * @param batch  The batch.
 */
RCUSLOT_PRIV_FUNC void rcuslot_batch_init(struct rcuslot_batch *batch)
{
	batch->chunks = NULL;
	batch->count = 0;
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
	return batch->count;
}

/** @cond RCUSLOT_INTERNAL */
/* Free every object of a chain, then the chain; returns how many objects. */
RCUSLOT_PRIV_FUNC long rcuslot_priv_batch_release(struct rcuslot_priv_batch_chunk *c)
{
	long n = 0;

	while (c) {
		struct rcuslot_priv_batch_chunk *next = c->next;

		for (unsigned int i = 0; i < c->n; i++, n++)
			c->entry[i].free_fn(c->entry[i].obj);
		RCUSLOT_FREE(c);
		c = next;
	}
	return n;
}

RCUSLOT_PRIV_FUNC void rcuslot_priv_batch_cb(struct rcu_head *head)
{
	RCUSLOT_PRIV_TSAN_CALLBACK(head);
	rcuslot_priv_defer_done(rcuslot_priv_batch_release(
		caa_container_of(head, struct rcuslot_priv_batch_chunk, head)));
}

/* Append; false when no chunk could be allocated (nothing changed). */
RCUSLOT_PRIV_FUNC bool rcuslot_priv_batch_push(struct rcuslot_batch *batch, void *obj,
					       void (*free_fn)(void *))
{
	struct rcuslot_priv_batch_chunk *c = batch->chunks;

	if (!c || c->n == RCUSLOT_PRIV_BATCH_CHUNK) {
		c = (struct rcuslot_priv_batch_chunk *)RCUSLOT_MALLOC(sizeof(*c));
		if (!c)
			return false;
		c->next = batch->chunks;
		c->n = 0;
		batch->chunks = c;
	}
	c->entry[c->n].obj = obj;
	c->entry[c->n].free_fn = free_fn;
	c->n++;
	batch->count++;
	return true;
}
/** @endcond */

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
 * NAME_old_free() would wait once per object.
 * @par Memory ordering:
 * As NAME_old_free(): the grace period ends after every read-side critical
 * section that could have obtained one of the objects, and their reads
 * happen before the free functions run.
 */
RCUSLOT_PRIV_FUNC void rcuslot_batch_free(struct rcuslot_batch *batch)
{
	struct rcuslot_priv_batch_chunk *chain = batch->chunks;
	RCUSLOT_PRIV_DBG_ENTER();

	RCUSLOT_PRIV_DBG_NO_WAIT("rcuslot_batch_free");
	rcuslot_batch_init(batch);
	if (!chain)
		return;
	rcuslot_synchronize();
	rcuslot_priv_batch_release(chain);
}

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
 * awaiting reclamation past `RCUSLOT_DEFER_MAX`: it then behaves as
 * rcuslot_batch_free() (see rcuslot/reclaim.h).
 * @par Memory ordering:
 * As NAME_old_defer(), for the whole batch at once.
 */
RCUSLOT_PRIV_FUNC void rcuslot_batch_defer(struct rcuslot_batch *batch)
{
	struct rcuslot_priv_batch_chunk *chain = batch->chunks;
	long n = (long)batch->count;
	RCUSLOT_PRIV_DBG_ENTER();

	RCUSLOT_PRIV_DBG_NO_WAIT("rcuslot_batch_defer");
	RCUSLOT_PRIV_DBG_REGISTERED("rcuslot_batch_defer");
	if (!chain)
		return;
	if (rcuslot_priv_defer_head(&chain->head, rcuslot_priv_batch_cb, n))
		rcuslot_batch_init(batch);
	else
		rcuslot_batch_free(batch);
}

/** @} */

RCUSLOT_PRIV_END_DECLS

#ifdef RCUSLOT_DEBUG
#define rcuslot_batch_free(b) (rcuslot_priv_dbg_site(__FILE__, __LINE__), rcuslot_batch_free(b))
#define rcuslot_batch_defer(b) (rcuslot_priv_dbg_site(__FILE__, __LINE__), rcuslot_batch_defer(b))
#endif

#endif /* RCUSLOT_BATCH_H */
