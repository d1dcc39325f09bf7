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
 * flavor exists in liburcu 0.13 and 0.14, not in 0.15: there, selecting it
 * is a compile error saying so.
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
 * The installed liburcu's release, as RCUSLOT_PRIV_URCU_V(0, 15). liburcu
 * defines no version macro (0.13.2 and 0.15.2 alike: urcu/config.h holds
 * build options only), so the version is keyed on the headers each release
 * added: urcu/urcu-poll.h (0.14, polling grace periods) and urcu/annotate.h
 * (0.15, ThreadSanitizer annotations; 0.15 also removed the signal flavor).
 * Every difference between releases the kit knows of is decided here.
 */
#define RCUSLOT_PRIV_URCU_V(major, minor) ((major) * 100 + (minor))
#if defined(__has_include)
#if __has_include(<urcu/annotate.h>)
#define RCUSLOT_PRIV_URCU_VERSION RCUSLOT_PRIV_URCU_V(0, 15)
#elif __has_include(<urcu/urcu-poll.h>)
#define RCUSLOT_PRIV_URCU_VERSION RCUSLOT_PRIV_URCU_V(0, 14)
#else
#define RCUSLOT_PRIV_URCU_VERSION RCUSLOT_PRIV_URCU_V(0, 13)
#endif
#else
/*
 * Checkers without __has_include (sparse 0.6): urcu_static_assert, new in
 * 0.15's urcu/compiler.h, tells 0.15; 0.14 is taken for 0.13 (no polling).
 */
#include <urcu/compiler.h>
#ifdef urcu_static_assert
#define RCUSLOT_PRIV_URCU_VERSION RCUSLOT_PRIV_URCU_V(0, 15)
#else
#define RCUSLOT_PRIV_URCU_VERSION RCUSLOT_PRIV_URCU_V(0, 13)
#endif
#endif
/* The signal flavor (urcu/urcu-signal.h): up to 0.14. */
#define RCUSLOT_PRIV_HAVE_SIGNAL (RCUSLOT_PRIV_URCU_VERSION < RCUSLOT_PRIV_URCU_V(0, 15))
/* start_poll_synchronize_rcu and poll_state_synchronize_rcu: from 0.14. */
#define RCUSLOT_PRIV_HAVE_POLL (RCUSLOT_PRIV_URCU_VERSION >= RCUSLOT_PRIV_URCU_V(0, 14))
/*
 * TSan sees 0.15's inlined pointer loads and stores: they are C11 atomics
 * (rcu_dereference an acquire for TSan, rcu_set_pointer a release), so the
 * kit does not name that edge itself (slot.h). It still names the rest:
 * the exchanges are inline assembly on x86 unless liburcu was configured
 * with atomic builtins (Debian's is not), and grace periods and call_rcu
 * complete in the uninstrumented library. Without _LGPL_SOURCE every
 * pointer operation is a library call, invisible as in 0.13.
 */
#if defined(RCUSLOT_PRIV_TSAN) &&                                              \
	RCUSLOT_PRIV_URCU_VERSION >= RCUSLOT_PRIV_URCU_V(0, 15) &&             \
	(defined(_LGPL_SOURCE) || defined(URCU_INLINE_SMALL_FUNCTIONS))
#define RCUSLOT_PRIV_URCU_TSAN 1
#endif

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

#if RCUSLOT_PRIV_FLAVOR_ID == 5 && !RCUSLOT_PRIV_HAVE_SIGNAL
#error "rcuslot: RCUSLOT_FLAVOR=signal, but the installed liburcu (0.15 or later) has no signal flavor; use memb (the default), which also needs no signal handler"
#elif RCUSLOT_PRIV_FLAVOR_ID == 1
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
/* Under 0.15 no unit can use signal (the error above): never referenced. */
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
