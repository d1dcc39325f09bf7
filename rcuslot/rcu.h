/* SPDX-License-Identifier: MIT */
/**
 * @file rcuslot/rcu.h
 * @brief Kit-wide RCU helpers: thread registration, read-side critical
 *        sections and grace periods, for the unit's flavor and for named
 *        flavors.
 *
 * Each helper is a static inline call of the flavor's liburcu function (see
 * rcuslot/flavor.h), so it costs exactly what the liburcu call costs:
 * inlined fast paths with `_LGPL_SOURCE`, one library call without.
 *
 * The unnamed helpers (rcuslot_read_lock(), ...) use the unit's default
 * flavor, `RCUSLOT_FLAVOR`. For every liburcu flavor header included before
 * rcuslot/rcuslot.h (including the default's), the same helpers exist under
 * the flavor's name: rcuslot_qsbr_register_thread(),
 * rcuslot_qsbr_read_lock(), rcuslot_qsbr_read_unlock(),
 * rcuslot_qsbr_read_ongoing(), rcuslot_qsbr_synchronize(),
 * rcuslot_qsbr_barrier(), rcuslot_qsbr_quiescent_state(),
 * rcuslot_qsbr_thread_offline(), rcuslot_qsbr_thread_online() and
 * rcuslot_qsbr_unregister_thread(), for the slots, maps and lists that a
 * unit binds to a named flavor (RCU_SLOT_DEFINE_FLAVOR()).
 */
#ifndef RCUSLOT_RCU_H
#define RCUSLOT_RCU_H

#include <rcuslot/compiler.h>
#include <rcuslot/core.h>
#include <rcuslot/flavor.h>
#include <rcuslot/debug.h>

RCUSLOT_PRIV_BEGIN_DECLS

/** @cond RCUSLOT_INTERNAL */
/* A reader's accesses so far happen before any free after the next grace period. */
#define RCUSLOT_PRIV_TSAN_READER_DONE() RCUSLOT_PRIV_TSAN_RELEASE(&rcuslot_priv_tsan_gp)

/*
 * One family of helpers, `P` its prefix, `fl` its flavor. Each checked one
 * takes its call site: from a wrapper macro in debug builds, else its return
 * address. In release builds the site arguments are unused and vanish.
 */
#define RCUSLOT_PRIV_SITE const char *rcuslot_priv_file, int rcuslot_priv_line, const void *rcuslot_priv_ret
#define RCUSLOT_PRIV_SITE_OPEN() RCUSLOT_PRIV_DBG_AT(rcuslot_priv_file, rcuslot_priv_line, rcuslot_priv_ret)

#define RCUSLOT_PRIV_DEF_REGISTER(P, fl)                                       \
	RCUSLOT_PRIV_FUNC void P##register_thread(void)                        \
	{                                                                      \
		RCUSLOT_PRIV_URCU_OF(fl, register_thread)();                   \
		rcuslot_priv_thread_registered(RCUSLOT_PRIV_FL(fl), 1);        \
	}                                                                      \
	RCUSLOT_PRIV_FUNC void P##unregister_thread(void)                      \
	{                                                                      \
		rcuslot_priv_thread_registered(RCUSLOT_PRIV_FL(fl), 0);        \
		RCUSLOT_PRIV_TSAN_READER_DONE();                               \
		RCUSLOT_PRIV_URCU_OF(fl, unregister_thread)();                 \
	}

#define RCUSLOT_PRIV_DEF_READ_LOCK(P, fl)                                      \
	RCUSLOT_PRIV_FUNC void P##priv_read_lock_at(RCUSLOT_PRIV_SITE)         \
	{                                                                      \
		RCUSLOT_PRIV_SITE_OPEN();                                      \
		RCUSLOT_PRIV_DBG_REGISTERED(fl, #P "read_lock");               \
		RCUSLOT_PRIV_URCU_OF(fl, read_lock)();                         \
	}                                                                      \
	RCUSLOT_PRIV_FUNC void P##priv_read_unlock_at(RCUSLOT_PRIV_SITE)       \
	{                                                                      \
		RCUSLOT_PRIV_SITE_OPEN();                                      \
		RCUSLOT_PRIV_DBG_UNLOCKED(fl, #P "read_unlock");               \
		RCUSLOT_PRIV_TSAN_READER_DONE();                               \
		RCUSLOT_PRIV_URCU_OF(fl, read_unlock)();                       \
		RCUSLOT_PRIV_DBG_SECTION_END(fl);                              \
	}

#define RCUSLOT_PRIV_DEF_WAIT(P, fl)                                           \
	RCUSLOT_PRIV_FUNC void P##priv_synchronize_at(RCUSLOT_PRIV_SITE)       \
	{                                                                      \
		RCUSLOT_PRIV_SITE_OPEN();                                      \
		RCUSLOT_PRIV_DBG_NO_WAIT(fl, #P "synchronize");                \
		rcuslot_priv_synchronize(RCUSLOT_PRIV_FL(fl));                 \
	}                                                                      \
	RCUSLOT_PRIV_FUNC void P##priv_barrier_at(RCUSLOT_PRIV_SITE)           \
	{                                                                      \
		RCUSLOT_PRIV_SITE_OPEN();                                      \
		RCUSLOT_PRIV_DBG_NO_WAIT(fl, #P "barrier");                    \
		rcuslot_priv_barrier(RCUSLOT_PRIV_FL(fl));                     \
	}

#define RCUSLOT_PRIV_DEF_QSBR(P, fl)                                           \
	RCUSLOT_PRIV_FUNC int P##read_ongoing(void)                            \
	{                                                                      \
		return RCUSLOT_PRIV_URCU_OF(fl, read_ongoing)();               \
	}                                                                      \
	RCUSLOT_PRIV_FUNC void P##quiescent_state(void)                        \
	{                                                                      \
		RCUSLOT_PRIV_TSAN_READER_DONE();                               \
		RCUSLOT_PRIV_URCU_OF(fl, quiescent_state)();                   \
		RCUSLOT_PRIV_DBG_QUIESCENT(fl);                                \
	}                                                                      \
	RCUSLOT_PRIV_FUNC void P##thread_offline(void)                         \
	{                                                                      \
		RCUSLOT_PRIV_TSAN_READER_DONE();                               \
		RCUSLOT_PRIV_URCU_OF(fl, thread_offline)();                    \
		RCUSLOT_PRIV_DBG_QUIESCENT(fl);                                \
	}                                                                      \
	RCUSLOT_PRIV_FUNC void P##thread_online(void)                          \
	{                                                                      \
		RCUSLOT_PRIV_URCU_OF(fl, thread_online)();                     \
	}

/* The named family's entry points with their call sites. */
#define RCUSLOT_PRIV_DEF_NAMED_ENTRIES(P)                                      \
	RCUSLOT_PRIV_FUNC void P##read_lock(void)                              \
	{                                                                      \
		P##priv_read_lock_at(NULL, 0, RCUSLOT_PRIV_DBG_RET());         \
	}                                                                      \
	RCUSLOT_PRIV_FUNC void P##read_unlock(void)                            \
	{                                                                      \
		P##priv_read_unlock_at(NULL, 0, RCUSLOT_PRIV_DBG_RET());       \
	}                                                                      \
	RCUSLOT_PRIV_FUNC void P##synchronize(void)                            \
	{                                                                      \
		P##priv_synchronize_at(NULL, 0, RCUSLOT_PRIV_DBG_RET());       \
	}                                                                      \
	RCUSLOT_PRIV_FUNC void P##barrier(void)                                \
	{                                                                      \
		P##priv_barrier_at(NULL, 0, RCUSLOT_PRIV_DBG_RET());           \
	}

/*
 * RCUSLOT_READ_GUARD() (guard.h): the unlock runs at the end of the scope.
 * One layout in every build, as every struct of the kit; release builds
 * leave the guard's line unread (and the stores to it fold away).
 */
struct rcuslot_priv_guard {
	const char *file; /* the guard's line, for the unlock's checks */
	int line;
};
RCUSLOT_PRIV_STATIC_ASSERT(sizeof(struct rcuslot_priv_guard) == 2 * sizeof(void *),
			   "rcuslot: the read guard has one layout in every build");
#define RCUSLOT_PRIV_GUARD_MARK(g, f, l) ((g).file = (f), (g).line = (l))
#ifdef RCUSLOT_DEBUG
#define RCUSLOT_PRIV_GUARD_AT(g) (g)->file, (g)->line
#else
#define RCUSLOT_PRIV_GUARD_AT(g) NULL, 0
#endif

#define RCUSLOT_PRIV_DEF_GUARD(P)                                              \
	RCUSLOT_PRIV_FUNC struct rcuslot_priv_guard P##priv_guard_enter(const char *file, int line) \
	{                                                                      \
		struct rcuslot_priv_guard g;                                   \
                                                                               \
		P##priv_read_lock_at(file, line, NULL);                        \
		RCUSLOT_PRIV_GUARD_MARK(g, file, line);                        \
		return g;                                                      \
	}                                                                      \
	RCUSLOT_PRIV_FUNC void P##priv_guard_exit(struct rcuslot_priv_guard *g) \
	{                                                                      \
		(void)g;                                                       \
		P##priv_read_unlock_at(RCUSLOT_PRIV_GUARD_AT(g), NULL);        \
	}

#define RCUSLOT_PRIV_DEF_FAMILY(P, fl)                                         \
	RCUSLOT_PRIV_DEF_READ_LOCK(P, fl)                                      \
	RCUSLOT_PRIV_DEF_WAIT(P, fl)                                           \
	RCUSLOT_PRIV_DEF_GUARD(P)

/* The default flavor's family: documented below under the unnamed names. */
RCUSLOT_PRIV_DEF_FAMILY(rcuslot_, RCUSLOT_FLAVOR)
/** @endcond */

/** @addtogroup rcuslot_rcu
 * @{
 */

/**
 * Register the calling thread as an RCU reader of the unit's flavor.
 *
 * Every thread that takes the read lock, dereferences a slot or updates one
 * (copy_update and old_defer take the read lock internally) must register
 * first, and unregister before it exits. Registering twice is an error.
 * Under the bp flavor registration is automatic and this is optional.
 * librcuslot records the registration (per flavor) for the debug checks.
 */
RCUSLOT_PRIV_FUNC void rcuslot_register_thread(void)
{
	RCUSLOT_PRIV_URCU(register_thread)();
	rcuslot_priv_thread_registered(RCUSLOT_PRIV_FL(RCUSLOT_FLAVOR), 1);
}

/**
 * Unregister the calling thread; call it before the thread exits, outside
 * any read-side critical section.
 */
RCUSLOT_PRIV_FUNC void rcuslot_unregister_thread(void)
{
	rcuslot_priv_thread_registered(RCUSLOT_PRIV_FL(RCUSLOT_FLAVOR), 0);
	RCUSLOT_PRIV_TSAN_READER_DONE();
	RCUSLOT_PRIV_URCU(unregister_thread)();
}

/**
 * Enter a read-side critical section. Sections nest. Never blocks.
 *
 * Objects dereferenced inside stay valid until the matching outermost
 * rcuslot_read_unlock(); no grace period can complete before it.
 * See RCUSLOT_READ_GUARD() for a form that cannot forget the unlock.
 */
RCUSLOT_PRIV_FUNC void rcuslot_read_lock(void)
{
	rcuslot_priv_read_lock_at(NULL, 0, RCUSLOT_PRIV_DBG_RET());
}

/** Leave a read-side critical section entered by rcuslot_read_lock(). */
RCUSLOT_PRIV_FUNC void rcuslot_read_unlock(void)
{
	rcuslot_priv_read_unlock_at(NULL, 0, RCUSLOT_PRIV_DBG_RET());
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
	rcuslot_priv_synchronize_at(NULL, 0, RCUSLOT_PRIV_DBG_RET());
}

/**
 * Wait until every deferred free (name_old_defer(), rcuslot_batch_defer())
 * issued before this call, by any thread, has run: those of the unit's
 * flavor and of every other flavor the process uses through the kit.
 *
 * Waits for at least one grace period; never call it inside a read-side
 * critical section or from a free function. liburcu 0.13.2 can crash in its
 * call_rcu worker at process exit when callbacks are still queued (fixed in
 * 0.13.3), so a program that deferred frees calls this before exit.
 */
RCUSLOT_PRIV_FUNC void rcuslot_barrier(void)
{
	rcuslot_priv_barrier_at(NULL, 0, RCUSLOT_PRIV_DBG_RET());
}

/**
 * Announce a quiescent state (qsbr: the thread holds no pointer into any
 * slot). A no-op for the other flavors.
 */
RCUSLOT_PRIV_FUNC void rcuslot_quiescent_state(void)
{
	RCUSLOT_PRIV_TSAN_READER_DONE();
	RCUSLOT_PRIV_URCU(quiescent_state)();
	RCUSLOT_PRIV_DBG_QUIESCENT(RCUSLOT_FLAVOR);
}

/**
 * qsbr: take the thread offline before it blocks for long, so grace periods
 * need not wait for it. A no-op for the other flavors.
 */
RCUSLOT_PRIV_FUNC void rcuslot_thread_offline(void)
{
	RCUSLOT_PRIV_TSAN_READER_DONE();
	RCUSLOT_PRIV_URCU(thread_offline)();
	RCUSLOT_PRIV_DBG_QUIESCENT(RCUSLOT_FLAVOR);
}

/** qsbr: bring the thread back online. A no-op for the other flavors. */
RCUSLOT_PRIV_FUNC void rcuslot_thread_online(void)
{
	RCUSLOT_PRIV_URCU(thread_online)();
}

/** @} */

/** @cond RCUSLOT_INTERNAL */
/* A named family for each liburcu flavor header the unit included. */
#define RCUSLOT_PRIV_DEF_NAMED(P, fl)                                          \
	RCUSLOT_PRIV_DEF_REGISTER(P, fl)                                       \
	RCUSLOT_PRIV_DEF_FAMILY(P, fl)                                         \
	RCUSLOT_PRIV_DEF_QSBR(P, fl)                                           \
	RCUSLOT_PRIV_DEF_NAMED_ENTRIES(P)
#ifdef _URCU_MEMB_H
RCUSLOT_PRIV_DEF_NAMED(rcuslot_memb_, memb)
#endif
#ifdef _URCU_QSBR_H
RCUSLOT_PRIV_DEF_NAMED(rcuslot_qsbr_, qsbr)
#endif
#ifdef _URCU_MB_H
RCUSLOT_PRIV_DEF_NAMED(rcuslot_mb_, mb)
#endif
#ifdef _URCU_BP_H
RCUSLOT_PRIV_DEF_NAMED(rcuslot_bp_, bp)
#endif
#ifdef _URCU_SIGNAL_H
RCUSLOT_PRIV_DEF_NAMED(rcuslot_signal_, signal)
#endif
/** @endcond */

RCUSLOT_PRIV_END_DECLS

#ifdef RCUSLOT_DEBUG
/* Name the call site for the debug checks (a macro does not expand itself). */
#define rcuslot_read_lock() rcuslot_priv_read_lock_at(__FILE__, __LINE__, NULL)
#define rcuslot_read_unlock() rcuslot_priv_read_unlock_at(__FILE__, __LINE__, NULL)
#define rcuslot_synchronize() rcuslot_priv_synchronize_at(__FILE__, __LINE__, NULL)
#define rcuslot_barrier() rcuslot_priv_barrier_at(__FILE__, __LINE__, NULL)
#ifdef _URCU_MEMB_H
#define rcuslot_memb_read_lock() rcuslot_memb_priv_read_lock_at(__FILE__, __LINE__, NULL)
#define rcuslot_memb_read_unlock() rcuslot_memb_priv_read_unlock_at(__FILE__, __LINE__, NULL)
#define rcuslot_memb_synchronize() rcuslot_memb_priv_synchronize_at(__FILE__, __LINE__, NULL)
#define rcuslot_memb_barrier() rcuslot_memb_priv_barrier_at(__FILE__, __LINE__, NULL)
#endif
#ifdef _URCU_QSBR_H
#define rcuslot_qsbr_read_lock() rcuslot_qsbr_priv_read_lock_at(__FILE__, __LINE__, NULL)
#define rcuslot_qsbr_read_unlock() rcuslot_qsbr_priv_read_unlock_at(__FILE__, __LINE__, NULL)
#define rcuslot_qsbr_synchronize() rcuslot_qsbr_priv_synchronize_at(__FILE__, __LINE__, NULL)
#define rcuslot_qsbr_barrier() rcuslot_qsbr_priv_barrier_at(__FILE__, __LINE__, NULL)
#endif
#ifdef _URCU_MB_H
#define rcuslot_mb_read_lock() rcuslot_mb_priv_read_lock_at(__FILE__, __LINE__, NULL)
#define rcuslot_mb_read_unlock() rcuslot_mb_priv_read_unlock_at(__FILE__, __LINE__, NULL)
#define rcuslot_mb_synchronize() rcuslot_mb_priv_synchronize_at(__FILE__, __LINE__, NULL)
#define rcuslot_mb_barrier() rcuslot_mb_priv_barrier_at(__FILE__, __LINE__, NULL)
#endif
#ifdef _URCU_BP_H
#define rcuslot_bp_read_lock() rcuslot_bp_priv_read_lock_at(__FILE__, __LINE__, NULL)
#define rcuslot_bp_read_unlock() rcuslot_bp_priv_read_unlock_at(__FILE__, __LINE__, NULL)
#define rcuslot_bp_synchronize() rcuslot_bp_priv_synchronize_at(__FILE__, __LINE__, NULL)
#define rcuslot_bp_barrier() rcuslot_bp_priv_barrier_at(__FILE__, __LINE__, NULL)
#endif
#ifdef _URCU_SIGNAL_H
#define rcuslot_signal_read_lock() rcuslot_signal_priv_read_lock_at(__FILE__, __LINE__, NULL)
#define rcuslot_signal_read_unlock() rcuslot_signal_priv_read_unlock_at(__FILE__, __LINE__, NULL)
#define rcuslot_signal_synchronize() rcuslot_signal_priv_synchronize_at(__FILE__, __LINE__, NULL)
#define rcuslot_signal_barrier() rcuslot_signal_priv_barrier_at(__FILE__, __LINE__, NULL)
#endif
#endif /* RCUSLOT_DEBUG */

#endif /* RCUSLOT_RCU_H */
