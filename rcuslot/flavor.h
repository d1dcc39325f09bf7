/* SPDX-License-Identifier: MIT */
/**
 * @file rcuslot/flavor.h
 * @brief The one place that maps rcuslot onto a liburcu flavor.
 *
 * A program selects its flavor in one place: the `RCUSLOT_FLAVOR` macro,
 * defined before the first rcuslot include (best on the command line, as
 * the `rcuslot-<flavor>` pkg-config files do). No choice means memb. An
 * unknown name, or a liburcu flavor header of another flavor included
 * before rcuslot, is a compile error naming the valid flavors.
 *
 * | RCUSLOT_FLAVOR | link with        | who registers | what a reader must do | read cost | grace-period cost |
 * |----------------|------------------|---------------|-----------------------|-----------|-------------------|
 * | memb (default) | `-lurcu-memb`    | every reader/updater thread | lock/unlock | low (no barrier; about 2 ns inlined) | membarrier() system call: moderate |
 * | qsbr           | `-lurcu-qsbr`    | every reader/updater thread | call rcuslot_quiescent_state() often, go offline (rcuslot_thread_offline()) before blocking; lock/unlock are free | none | lowest, but waits for the slowest thread to announce a quiescent state |
 * | mb             | `-lurcu-mb`      | every reader/updater thread | lock/unlock | a full memory barrier per lock and unlock | low |
 * | bp             | `-lurcu-bp`      | nobody (registers on first use; rcuslot_register_thread() optional) | lock/unlock | higher (registration check, barriers) | moderate; fork() needs rcuslot/fork.h |
 * | signal         | `-lurcu-signal`  | every reader/updater thread | lock/unlock; leave SIGUSR1 to liburcu | low | high: signals every reader thread |
 *
 * Everything else the kit does is the same for every flavor: registration
 * rules above apply to updaters too (copy_update and old_defer take the
 * read lock), and every thread unregisters before it exits. The signal
 * flavor exists in liburcu 0.13 and 0.14, not in 0.15.
 *
 * Everything flavor-specific the kit calls goes through
 * RCUSLOT_PRIV_URCU(op), which pastes the flavor's prefix (`urcu_memb_`)
 * onto a liburcu operation name. liburcu's prefixed names map to the inline
 * fast paths when the user defines `_LGPL_SOURCE` and to library calls
 * otherwise; the kit never defines `_LGPL_SOURCE` itself.
 */
#ifndef RCUSLOT_FLAVOR_H
#define RCUSLOT_FLAVOR_H

#include <rcuslot/compiler.h>

/** @cond RCUSLOT_INTERNAL */

/* Each flavor's number; an unknown RCUSLOT_FLAVOR pastes to 0. */
#define RCUSLOT_PRIV_FLAVOR_ID_memb 1
#define RCUSLOT_PRIV_FLAVOR_ID_qsbr 2
#define RCUSLOT_PRIV_FLAVOR_ID_mb 3
#define RCUSLOT_PRIV_FLAVOR_ID_bp 4
#define RCUSLOT_PRIV_FLAVOR_ID_signal 5

/* Whether the user chose the default flavor (see the header check below). */
#ifdef RCUSLOT_FLAVOR
#define RCUSLOT_PRIV_FLAVOR_CHOSEN 1
#else
#define RCUSLOT_PRIV_FLAVOR_CHOSEN 0
#define RCUSLOT_FLAVOR memb
#endif

#define RCUSLOT_PRIV_FLAVOR_ID RCUSLOT_PRIV_CAT(RCUSLOT_PRIV_FLAVOR_ID_, RCUSLOT_FLAVOR)

/*
 * A liburcu flavor header included before rcuslot is a flavor the unit uses
 * by name (RCU_SLOT_DEFINE_FLAVOR); it must not be mistaken for the default,
 * so a unit that includes one chooses its default explicitly.
 */
#if !RCUSLOT_PRIV_FLAVOR_CHOSEN &&                                             \
	(defined(_URCU_QSBR_H) || defined(_URCU_MB_H) || defined(_URCU_BP_H) ||  \
	 defined(_URCU_SIGNAL_H))
#error "rcuslot: a liburcu flavor header other than memb's is included but RCUSLOT_FLAVOR is not defined; define RCUSLOT_FLAVOR to the unit's default flavor (memb, qsbr, mb, bp, signal) and use RCU_SLOT_DEFINE_FLAVOR for the others"
#endif

#if RCUSLOT_PRIV_FLAVOR_ID == 1
#include <urcu/urcu-memb.h>
#elif RCUSLOT_PRIV_FLAVOR_ID == 2
#include <urcu/urcu-qsbr.h>
#elif RCUSLOT_PRIV_FLAVOR_ID == 3
#include <urcu/urcu-mb.h>
#elif RCUSLOT_PRIV_FLAVOR_ID == 4
#include <urcu/urcu-bp.h>
#elif RCUSLOT_PRIV_FLAVOR_ID == 5
#include <urcu/urcu-signal.h>
#else
#error "rcuslot: unknown RCUSLOT_FLAVOR; valid flavors are memb, qsbr, mb, bp, signal"
#endif

#include <urcu/pointer.h>

/*
 * A flavor's liburcu operation: RCUSLOT_PRIV_URCU_OF(qsbr, read_lock) is
 * urcu_qsbr_read_lock, inlined under _LGPL_SOURCE, a library call without.
 * `fl` is a flavor token (memb, qsbr, mb, bp, signal) or a macro naming one.
 */
#define RCUSLOT_PRIV_URCU_OF(fl, op)                                           \
	RCUSLOT_PRIV_CAT(RCUSLOT_PRIV_CAT(urcu_, fl), RCUSLOT_PRIV_CAT(_, op))
/* The default flavor's: urcu_memb_read_lock, urcu_qsbr_synchronize_rcu, ... */
#define RCUSLOT_PRIV_URCU(op) RCUSLOT_PRIV_URCU_OF(RCUSLOT_FLAVOR, op)

/*
 * A flavor's liburcu descriptor, which the compiled core takes, and its
 * call_rcu family. liburcu declares these through headers it includes once
 * (urcu/flavor.h, urcu/call-rcu.h), under the first included flavor's names
 * only, so a unit that uses several flavors gets them from the kit.
 */
RCUSLOT_PRIV_BEGIN_DECLS
struct rcu_flavor_struct;
struct rcu_head;
#define RCUSLOT_PRIV_DECLARE_FLAVOR(f)                                         \
	extern const struct rcu_flavor_struct urcu_##f##_flavor;               \
	void urcu_##f##_call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head)); \
	void urcu_##f##_barrier(void);
RCUSLOT_PRIV_DECLARE_FLAVOR(memb)
RCUSLOT_PRIV_DECLARE_FLAVOR(qsbr)
RCUSLOT_PRIV_DECLARE_FLAVOR(mb)
RCUSLOT_PRIV_DECLARE_FLAVOR(bp)
RCUSLOT_PRIV_DECLARE_FLAVOR(signal)
RCUSLOT_PRIV_END_DECLS
#define RCUSLOT_PRIV_FL(fl) (&RCUSLOT_PRIV_URCU_OF(fl, flavor))

/* Properties of a flavor token, as constant expressions. */
#define RCUSLOT_PRIV_FLAVOR_IS(fl, id)                                         \
	(RCUSLOT_PRIV_CAT(RCUSLOT_PRIV_FLAVOR_ID_, fl) == RCUSLOT_PRIV_FLAVOR_ID_##id)
/* qsbr: read_ongoing() means "online", not "inside a read lock". */
#define RCUSLOT_PRIV_FLAVOR_IS_QSBR(fl) RCUSLOT_PRIV_FLAVOR_IS(fl, qsbr)
/* bp registers threads on first use; the others need registration. */
#define RCUSLOT_PRIV_FLAVOR_IS_BP(fl) RCUSLOT_PRIV_FLAVOR_IS(fl, bp)
#define RCUSLOT_PRIV_FLAVOR_NEEDS_REGISTER(fl) (!RCUSLOT_PRIV_FLAVOR_IS_BP(fl))

/* The same for the default flavor. */
#define RCUSLOT_PRIV_NEEDS_REGISTER RCUSLOT_PRIV_FLAVOR_NEEDS_REGISTER(RCUSLOT_FLAVOR)
#define RCUSLOT_PRIV_IS_QSBR RCUSLOT_PRIV_FLAVOR_IS_QSBR(RCUSLOT_FLAVOR)

/** @endcond */

/** @addtogroup rcuslot_flavor
 * @{
 */
/**
 * 1 when rcuslot_read_ongoing() tells whether the thread is inside a
 * read-side critical section; 0 under qsbr, where read locks cost nothing
 * and liburcu's answer means "the thread is online".
 */
#define RCUSLOT_READ_ONGOING_TRACKS_LOCK (!RCUSLOT_PRIV_IS_QSBR)

/**
 * 1 when threads must call rcuslot_register_thread() before reading or
 * updating; 0 under bp, which registers them on first use.
 */
#define RCUSLOT_THREADS_MUST_REGISTER RCUSLOT_PRIV_NEEDS_REGISTER

/** Name of the unit's default liburcu flavor, e.g. "memb". */
#define RCUSLOT_FLAVOR_NAME RCUSLOT_PRIV_STR(RCUSLOT_FLAVOR)
/** @} */

#endif /* RCUSLOT_FLAVOR_H */
