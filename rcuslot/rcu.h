/* SPDX-License-Identifier: MIT */
/**
 * @file rcuslot/rcu.h
 * @brief Kit-wide RCU helpers: thread registration, read-side critical
 *        sections, grace periods, and waiting for deferred frees.
 *
 * Each helper is a static inline call of the selected liburcu flavor's
 * function (see rcuslot/flavor.h), so it costs exactly what the liburcu call
 * costs: inlined fast paths with `_LGPL_SOURCE`, one library call without.
 */
#ifndef RCUSLOT_RCU_H
#define RCUSLOT_RCU_H

#include <rcuslot/compiler.h>
#include <rcuslot/flavor.h>
#include <rcuslot/debug.h>

RCUSLOT_PRIV_BEGIN_DECLS

/** @cond RCUSLOT_INTERNAL */
/* Grace periods waited for by the kit, process-wide (a weak definition). */
extern unsigned long rcuslot_priv_gp_waits;
/* NOLINTBEGIN(misc-definitions-in-headers): weak, see RCUSLOT_PRIV_SHARED */
RCUSLOT_PRIV_SHARED unsigned long rcuslot_priv_gp_waits;
/* NOLINTEND(misc-definitions-in-headers) */

#ifdef RCUSLOT_PRIV_TSAN
/* TSan builds: the address that stands for "a grace period" (compiler.h). */
extern char rcuslot_priv_tsan_gp;
RCUSLOT_PRIV_SHARED char rcuslot_priv_tsan_gp;
#endif
/* A reader's accesses so far happen before any free after the next grace period. */
#define RCUSLOT_PRIV_TSAN_READER_DONE() RCUSLOT_PRIV_TSAN_RELEASE(&rcuslot_priv_tsan_gp)
/* A grace period has passed: every READER_DONE before it happens before us. */
#define RCUSLOT_PRIV_TSAN_GP_DONE() RCUSLOT_PRIV_TSAN_ACQUIRE(&rcuslot_priv_tsan_gp)
/** @endcond */

/** @addtogroup rcuslot_rcu
 * @{
 */

/**
 * Register the calling thread as an RCU reader.
 *
 * Every thread that takes the read lock, dereferences a slot or updates one
 * (copy_update and old_defer take the read lock internally) must register
 * first, and unregister before it exits. Registering twice is an error.
 * Under the bp flavor registration is automatic and this is optional.
 */
RCUSLOT_PRIV_FUNC void rcuslot_register_thread(void)
{
	RCUSLOT_PRIV_URCU(register_thread)();
	RCUSLOT_PRIV_DBG_SET_REGISTERED(1);
}

/**
 * Unregister the calling thread; call it before the thread exits, outside
 * any read-side critical section.
 */
RCUSLOT_PRIV_FUNC void rcuslot_unregister_thread(void)
{
	RCUSLOT_PRIV_DBG_SET_REGISTERED(0);
	RCUSLOT_PRIV_TSAN_READER_DONE();
	RCUSLOT_PRIV_URCU(unregister_thread)();
}

/**
 * Enter a read-side critical section. Sections nest. Never blocks.
 *
 * Objects dereferenced inside stay valid until the matching outermost
 * rcuslot_read_unlock(); no grace period can complete before it.
 * See RCU_SLOT_READ_GUARD() for a form that cannot forget the unlock.
 */
RCUSLOT_PRIV_FUNC void rcuslot_read_lock(void)
{
	RCUSLOT_PRIV_DBG_ENTER();
	RCUSLOT_PRIV_DBG_REGISTERED("rcuslot_read_lock");
	RCUSLOT_PRIV_DBG_LOCKED();
	RCUSLOT_PRIV_URCU(read_lock)();
}

/** Leave a read-side critical section entered by rcuslot_read_lock(). */
RCUSLOT_PRIV_FUNC void rcuslot_read_unlock(void)
{
	RCUSLOT_PRIV_DBG_ENTER();
	RCUSLOT_PRIV_DBG_UNLOCKED("rcuslot_read_unlock");
	RCUSLOT_PRIV_TSAN_READER_DONE();
	RCUSLOT_PRIV_URCU(read_unlock)();
}

/**
 * Tell whether the calling thread is inside a read-side critical section.
 *
 * @return Non-zero inside a read-side critical section. Under qsbr, where a
 *         read lock costs nothing and leaves no trace, it is liburcu's
 *         answer: non-zero while the thread is online (see
 *         RCUSLOT_READ_ONGOING_TRACKS_LOCK).
 */
RCUSLOT_PRIV_FUNC int rcuslot_read_ongoing(void)
{
	return RCUSLOT_PRIV_URCU(read_ongoing)();
}

/**
 * Wait for a grace period: return once every read-side critical section
 * that was running when the call began has ended.
 *
 * Waits (about 100 µs with memb on an idle machine, longer while readers
 * hold long sections). Calling it inside a read-side critical section
 * deadlocks: the caller's own section can never end.
 */
RCUSLOT_PRIV_FUNC void rcuslot_synchronize(void)
{
	RCUSLOT_PRIV_DBG_ENTER();
	RCUSLOT_PRIV_DBG_NO_WAIT("rcuslot_synchronize");
	uatomic_inc(&rcuslot_priv_gp_waits);
	RCUSLOT_PRIV_URCU(synchronize_rcu)();
	RCUSLOT_PRIV_TSAN_GP_DONE();
}

/**
 * Count the grace periods the kit has waited for.
 *
 * @return How many times, in this process, the kit has waited for a grace
 *         period (rcuslot_synchronize(), and so name_old_free() and
 *         friends). An updater's main cost; batches (rcuslot/batch.h) and
 *         deferral keep it down. Any thread may call it.
 */
RCUSLOT_PRIV_FUNC unsigned long rcuslot_grace_periods_waited(void)
{
	return uatomic_read(&rcuslot_priv_gp_waits);
}

/**
 * Wait until every deferred free (name_old_defer()) issued before this call,
 * by any thread, has run.
 *
 * Waits for at least one grace period; never call it inside a read-side
 * critical section or from a free function. liburcu 0.13.2 can crash in its
 * call_rcu worker at process exit when callbacks are still queued (fixed in
 * 0.13.3), so a program that deferred frees calls this before exit.
 */
RCUSLOT_PRIV_FUNC void rcuslot_barrier(void)
{
	RCUSLOT_PRIV_DBG_ENTER();
	RCUSLOT_PRIV_DBG_NO_WAIT("rcuslot_barrier");
	RCUSLOT_PRIV_URCU(barrier)();
}

/**
 * Announce a quiescent state (qsbr: the thread holds no pointer into any
 * slot). A no-op for the other flavors.
 */
RCUSLOT_PRIV_FUNC void rcuslot_quiescent_state(void)
{
	RCUSLOT_PRIV_TSAN_READER_DONE();
	RCUSLOT_PRIV_URCU(quiescent_state)();
}

/**
 * qsbr: take the thread offline before it blocks for long, so grace periods
 * need not wait for it. A no-op for the other flavors.
 */
RCUSLOT_PRIV_FUNC void rcuslot_thread_offline(void)
{
	RCUSLOT_PRIV_TSAN_READER_DONE();
	RCUSLOT_PRIV_URCU(thread_offline)();
}

/** qsbr: bring the thread back online. A no-op for the other flavors. */
RCUSLOT_PRIV_FUNC void rcuslot_thread_online(void)
{
	RCUSLOT_PRIV_URCU(thread_online)();
}

/** @} */

RCUSLOT_PRIV_END_DECLS

#ifdef RCUSLOT_DEBUG
/* Name the call site for the debug checks (a macro does not expand itself). */
#define rcuslot_read_lock() (rcuslot_priv_dbg_site(__FILE__, __LINE__), rcuslot_read_lock())
#define rcuslot_read_unlock() (rcuslot_priv_dbg_site(__FILE__, __LINE__), rcuslot_read_unlock())
#define rcuslot_synchronize() (rcuslot_priv_dbg_site(__FILE__, __LINE__), rcuslot_synchronize())
#define rcuslot_barrier() (rcuslot_priv_dbg_site(__FILE__, __LINE__), rcuslot_barrier())
#endif

#endif /* RCUSLOT_RCU_H */
