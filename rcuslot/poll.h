/* SPDX-License-Identifier: MIT */
/**
 * @file rcuslot/poll.h
 * @brief Retire without waiting and without a worker thread: grace periods
 *        the caller polls for (liburcu 0.14 and later).
 *
 * NAME_old_free() waits for a grace period in the caller; NAME_old_defer()
 * returns at once but frees in liburcu's call_rcu worker thread. A caller
 * that runs a loop of its own (an event loop, a frame or a tick) can do
 * neither: it must not block, and its free function must run in its own
 * thread. It retires the old object into a pending slot instead, and asks
 * on each turn of its loop whether the grace period has passed; the call
 * that finds it has frees the object, in the caller's thread:
 *
 * @code
 * struct cfg_slot_pending pending = RCUSLOT_PENDING_INITIALIZER;
 *
 * struct cfg_slot_old old = cfg_slot_replace(&live, next);
 * if (!cfg_slot_old_poll_start(&old, &pending))
 *         cfg_slot_old_defer(&old); // an earlier object is still pending
 * ...
 * for (;;) { // the caller's loop
 *         cfg_slot_pending_poll(&pending); // true once nothing is pending
 *         ...
 * }
 * @endcode
 *
 * Built on liburcu's polling grace-period API
 * (`start_poll_synchronize_rcu()`, `poll_state_synchronize_rcu()`), which
 * liburcu has from 0.14 (tested with 0.15.2). RCUSLOT_HAVE_POLL says whether
 * the installed liburcu has it; with liburcu 0.13 it is 0 and nothing here
 * is declared, so a program that must also build there tests it:
 * `#if RCUSLOT_HAVE_POLL`.
 *
 * A pending slot holds one object; a loop that retires several per turn
 * keeps several, or collects them in a batch (rcuslot/batch.h).
 *
 * Each rcuslot_poll_start() takes a mutex in liburcu and, when no grace
 * period is already being driven for pollers, queues one `call_rcu()`:
 * every pending object started meanwhile waits for the same grace period
 * or the next one. Each poll takes the same mutex; neither ever waits for
 * a grace period.
 */
#ifndef RCUSLOT_POLL_H
#define RCUSLOT_POLL_H

/**
 * @defgroup rcuslot_poll Polling for grace periods (liburcu 0.14 and later)
 * @brief Retire without waiting: free in the caller's thread once a polled
 *        grace period has passed
 *
 * Declared in rcuslot/poll.h (include rcuslot/rcuslot.h), when
 * RCUSLOT_HAVE_POLL is 1. Each slot type gets NAME_pending,
 * NAME_old_poll_start() and NAME_pending_poll() beside its other
 * operations.
 *
 * @copydetails rcuslot/poll.h
 */

#include <rcuslot/compiler.h>
#include <rcuslot/flavor.h>
#include <rcuslot/rcu.h>
#include <rcuslot/debug.h>

/** @addtogroup rcuslot_poll
 * @{
 */
/**
 * 1 when the installed liburcu has polling grace periods (0.14 and later)
 * and this header declares the polling API; 0 otherwise (liburcu 0.13).
 */
#define RCUSLOT_HAVE_POLL RCUSLOT_PRIV_HAVE_POLL
/** @} */

#if defined(RCUSLOT_DOXYGEN) || RCUSLOT_PRIV_HAVE_POLL

RCUSLOT_PRIV_BEGIN_DECLS

/** @addtogroup rcuslot_poll
 * @{
 */

/**
 * A grace period to poll for, as rcuslot_poll_start() returns it. A plain
 * value: copy it, keep it anywhere.
 */
struct rcuslot_poll {
	/** @cond RCUSLOT_INTERNAL */
	struct urcu_gp_poll_state rcuslot_priv_state;
	/** @endcond */
};

/**
 * Static initializer of an empty pending slot:
 * `struct cfg_slot_pending p = RCUSLOT_PENDING_INITIALIZER;`.
 */
#define RCUSLOT_PENDING_INITIALIZER { 0, { { 0 } } }

/**
 * Start a grace period the caller can poll for, and return at once.
 *
 * Every read-side critical section running when the call begins has ended
 * once rcuslot_poll_done() returns true for the returned value.
 *
 * @return The grace period, for rcuslot_poll_done().
 *
 * @par Context:
 * A registered thread (liburcu queues a `call_rcu()` for it; under qsbr an
 * online one), inside or outside a read-side critical section.
 * @par Grace period:
 * Never waits.
 * @par Memory ordering:
 * Everything the caller did before the call, such as unpublishing an
 * object, is ordered before the grace period it starts.
 * @par Debug builds:
 * Abort when called from an unregistered thread (except under bp).
 */
RCUSLOT_PRIV_FUNC struct rcuslot_poll rcuslot_poll_start(void)
{
	struct rcuslot_poll gp;
	RCUSLOT_PRIV_DBG_ENTER();

	RCUSLOT_PRIV_DBG_REGISTERED(RCUSLOT_FLAVOR, "rcuslot_poll_start");
	gp.rcuslot_priv_state = RCUSLOT_PRIV_URCU(start_poll_synchronize_rcu)();
	return gp;
}

/**
 * Tell, without waiting, whether the grace period `gp` has passed.
 *
 * @param gp  What rcuslot_poll_start() returned.
 * @return True once every read-side critical section that was running when
 *         rcuslot_poll_start() began has ended; then true ever after.
 *
 * @par Context:
 * Any thread, registered or not, inside or outside a read-side critical
 * section.
 * @par Grace period:
 * Never waits.
 * @par Memory ordering:
 * When it returns true, the reads of every reader that could have seen an
 * object unpublished before rcuslot_poll_start() happen before the
 * caller's next accesses (such as freeing it): liburcu's grace period ends
 * in a callback that updates the state under a mutex, which this call
 * takes.
 */
RCUSLOT_PRIV_FUNC bool rcuslot_poll_done(struct rcuslot_poll gp)
{
	if (!RCUSLOT_PRIV_URCU(poll_state_synchronize_rcu)(gp.rcuslot_priv_state))
		return false;
	RCUSLOT_PRIV_TSAN_ACQUIRE(&rcuslot_priv_tsan_gp);
	return true;
}

/** @} */

RCUSLOT_PRIV_END_DECLS

#endif /* RCUSLOT_DOXYGEN || RCUSLOT_PRIV_HAVE_POLL */

#ifdef RCUSLOT_DOXYGEN
/** @addtogroup rcuslot_poll
 * @{
 */
/**
 * A pending slot, generated by RCU_SLOT_DEFINE() beside `struct NAME_old`
 * (when RCUSLOT_HAVE_POLL): at most one retired object and the grace period
 * it waits for. Empty when initialized with RCUSLOT_PENDING_INITIALIZER.
 * It owns its object: let it go empty before it goes out of scope. Not
 * thread-safe: one thread at a time polls a given pending slot.
 */
struct NAME_pending {
	/** @cond RCUSLOT_INTERNAL */
	TYPE *rcuslot_priv_obj;
	struct rcuslot_poll rcuslot_priv_gp;
	/** @endcond */
};

/**
 * Move the old handle's object into an empty pending slot and start the
 * grace period it must wait for; return at once.
 *
 * Does nothing, and returns false, when `pending` still holds an object:
 * the handle keeps its own, to free another way (or to try again after a
 * poll has emptied the slot). An empty handle leaves the slot empty and
 * starts nothing.
 *
 * @param old      The handle; empty on a true return.
 * @param pending  An empty pending slot.
 * @return True when the object moved (or the handle was empty); false when
 *         `pending` was occupied and nothing changed.
 *
 * @par Context:
 * A registered thread (under qsbr an online one), inside or outside a
 * read-side critical section.
 * @par Grace period:
 * Never waits.
 * @par Memory ordering:
 * As rcuslot_poll_start(): the update that unpublished the object comes
 * before the grace period.
 * @par Debug builds:
 * Abort when called from an unregistered thread (except under bp), or when
 * the object was already consumed through a copy of the handle.
 */
bool NAME_old_poll_start(struct NAME_old *old, struct NAME_pending *pending);

/**
 * Free the pending object if its grace period has passed, without waiting.
 *
 * free_fn runs here, in the caller's thread, and the slot is empty after.
 *
 * @param pending  The pending slot.
 * @return True when the slot is empty on return (the object was freed
 *         now, or nothing was pending); false while the grace period lasts.
 *
 * @par Context:
 * Any thread, registered or not, inside or outside a read-side critical
 * section (the object is no longer reachable by any reader).
 * @par Grace period:
 * Never waits.
 * @par Memory ordering:
 * As rcuslot_poll_done(): every reader that could hold the object is done
 * with it before free_fn runs.
 */
bool NAME_pending_poll(struct NAME_pending *pending);
/** @} */
#endif /* RCUSLOT_DOXYGEN */

/** @cond RCUSLOT_INTERNAL */
#if RCUSLOT_PRIV_HAVE_POLL

/* NOLINTBEGIN(bugprone-macro-parentheses): as in slot.h's generator */

#define RCUSLOT_PRIV_DEF_PENDING(name, type)                                   \
	struct name##_pending {                                                \
		type *rcuslot_priv_obj;                                        \
		struct rcuslot_poll rcuslot_priv_gp;                           \
	};

/*
 * The handle's object, consumed. A debug unit's RCUSLOT_PRIV_TAKE has done
 * it; a release unit may still hold a debug unit's tagged handle, which the
 * library's registry must see consumed (core.h) before the pending slot
 * keeps the plain address for free_fn.
 */
#ifdef RCUSLOT_DEBUG
#define RCUSLOT_PRIV_POLL_CONSUME(type, fn, obj) do { } while (0)
#else
#define RCUSLOT_PRIV_POLL_CONSUME(type, fn, obj)                               \
	do {                                                                   \
		if (rcuslot_priv_strip(obj) != (void *)(obj)) {                \
			const struct rcuslot_priv_dbg_loc rcuslot_priv_at =    \
				{ NULL, 0, __builtin_return_address(0) };      \
			obj = (type *)rcuslot_priv_dbg_consume(fn, obj, &rcuslot_priv_at); \
		}                                                              \
	} while (0)
#endif

/*
 * An occupied slot is refused before the handle is touched: nothing lost.
 * The grace period is the slot's flavor's: liburcu's start_poll queues a
 * call_rcu on that flavor, and only that flavor's poll_state answers it.
 */
#define RCUSLOT_PRIV_DEF_OLD_POLL_START(name, type, fl)                        \
	RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_MUST_USE bool                           \
	name##_old_poll_start(struct name##_old *old, struct name##_pending *pending) \
	{                                                                      \
		if (pending->rcuslot_priv_obj)                                 \
			return false;                                          \
		RCUSLOT_PRIV_TAKE(name, type, "_old_poll_start", old, obj);    \
		RCUSLOT_PRIV_POLL_CONSUME(type, #name "_old_poll_start", obj); \
		RCUSLOT_PRIV_DBG_REGISTERED(fl, #name "_old_poll_start");      \
		pending->rcuslot_priv_obj = obj;                               \
		if (obj)                                                       \
			pending->rcuslot_priv_gp.rcuslot_priv_state =          \
				RCUSLOT_PRIV_URCU_OF(fl, start_poll_synchronize_rcu)(); \
		return true;                                                   \
	}

/*
 * The slot is emptied before free_fn runs, so it never holds a freed object.
 * A true poll_state pairs with the grace period's end (see
 * rcuslot_poll_done); TSan builds name that edge as rcuslot_poll_done does.
 */
#define RCUSLOT_PRIV_DEF_PENDING_POLL(name, type, free_fn, fl)                 \
	RCUSLOT_PRIV_FUNC bool name##_pending_poll(struct name##_pending *pending) \
	{                                                                      \
		type *obj = pending->rcuslot_priv_obj;                         \
                                                                               \
		if (!obj)                                                      \
			return true;                                           \
		if (!RCUSLOT_PRIV_URCU_OF(fl, poll_state_synchronize_rcu)(     \
			    pending->rcuslot_priv_gp.rcuslot_priv_state))      \
			return false;                                          \
		RCUSLOT_PRIV_TSAN_ACQUIRE(&rcuslot_priv_tsan_gp);              \
		pending->rcuslot_priv_obj = NULL;                              \
		free_fn(obj);                                                  \
		return true;                                                   \
	}

/* NOLINTEND(bugprone-macro-parentheses) */

/* The one piece RCU_SLOT_DEFINE composes: nothing where liburcu cannot poll. */
#define RCUSLOT_PRIV_DEF_POLL(name, type, free_fn, fl)                         \
	RCUSLOT_PRIV_DEF_PENDING(name, type)                                   \
	RCUSLOT_PRIV_DEF_OLD_POLL_START(name, type, fl)                        \
	RCUSLOT_PRIV_DEF_PENDING_POLL(name, type, free_fn, fl)

#else
#define RCUSLOT_PRIV_DEF_POLL(name, type, free_fn, fl)
#endif /* RCUSLOT_PRIV_HAVE_POLL */
/** @endcond */

#endif /* RCUSLOT_POLL_H */
