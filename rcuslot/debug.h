/* SPDX-License-Identifier: MIT */
/**
 * @file rcuslot/debug.h
 * @brief Run-time misuse checks for debug builds (`RCUSLOT_DEBUG`).
 *
 * With `RCUSLOT_DEBUG` defined (`scons debug=1`), every misuse below aborts
 * with one line on stderr naming the function, the slot and the caller's
 * file:line, e.g.
 * `rcuslot: cfg_slot_dereference called outside a read-side critical section (main.c:42)`:
 * - dereference outside a read-side critical section;
 * - anything that waits for a grace period (old_free, old_reclaim, destroy,
 *   rcuslot_synchronize, rcuslot_barrier, a throttled old_defer,
 *   rcuslot_batch_free) inside a read-side critical section, a certain
 *   deadlock (not under qsbr, where a read lock leaves no trace);
 * - read lock, dereference or an update that takes the read lock from a
 *   thread that has not called rcuslot_register_thread() for that flavor
 *   (not under bp, which needs none);
 * - an old handle consumed twice, including through a copy of the handle;
 * - rcuslot_read_unlock() without a matching rcuslot_read_lock() (not under
 *   qsbr);
 * - a copy callback that returns 0 without writing `*new_out`.
 *
 * The checks give the same verdict whatever mix of debug and release units,
 * flavors and shared objects a program has:
 * - every struct of the kit has one size and layout in both modes (static
 *   assertions in the headers), so units of either mode share objects;
 * - read-side state is liburcu's own (read_ongoing(), which every unit
 *   maintains; under qsbr it means "online");
 * - registration is recorded by librcuslot in every build, per flavor, by
 *   rcuslot_register_thread();
 * - the registry of old handles lives once in librcuslot. A handle created
 *   by a debug unit is entered there, and every consumer of it, debug or
 *   release, reaches the library, so a second consumption is caught in any
 *   unit. Handles created by release units are not checked.
 *
 * Every message names the caller's file:line. The kit-wide helpers are
 * wrapped by macros that pass `__FILE__` and `__LINE__`. The generated
 * functions cannot be (a macro cannot define macros): in debug builds they
 * are not inlined, and librcuslot turns their return address into
 * file:line with `addr2line` (binutils) when the program has debug
 * information (`-g`), or else into `binary(symbol+0xoffset)`, which
 * addr2line resolves against a `-g` build. It needs nothing from the user:
 * no `_GNU_SOURCE`, PIE or not, executable or shared object. addr2line runs
 * once, on the way to abort().
 *
 * Without `RCUSLOT_DEBUG` all of this compiles to nothing, and release
 * units pay nothing for the checks of others: the one cost of a process
 * that has debug units is that every unit's old_defer takes the library's
 * slow path.
 */
#ifndef RCUSLOT_DEBUG_H
#define RCUSLOT_DEBUG_H

#include <rcuslot/compiler.h>
#include <rcuslot/core.h>
#include <rcuslot/flavor.h>

/** @cond RCUSLOT_INTERNAL */
#ifdef RCUSLOT_DEBUG

RCUSLOT_PRIV_BEGIN_DECLS

/* Every debug unit turns the library's checks on before any of its code runs. */
__attribute__((constructor)) static void rcuslot_priv_dbg_ctor(void)
{
	rcuslot_priv_dbg_enable();
}

RCUSLOT_PRIV_END_DECLS

#define RCUSLOT_PRIV_DBG_RET() __builtin_return_address(0)

/* Opens every checked generated function: where was it called from? */
#define RCUSLOT_PRIV_DBG_ENTER()                                               \
	const struct rcuslot_priv_dbg_loc rcuslot_priv_loc = { NULL, 0, RCUSLOT_PRIV_DBG_RET() }
/* The same for a helper told its call site by a wrapper macro. */
#define RCUSLOT_PRIV_DBG_AT(file, line, ret)                                   \
	const struct rcuslot_priv_dbg_loc rcuslot_priv_loc = { file, line, ret }

#define RCUSLOT_PRIV_DBG_FAIL(fn, what) rcuslot_priv_dbg_fail(fn, what, &rcuslot_priv_loc)
/* The caller's site, for a helper that checks on the caller's behalf. */
#define RCUSLOT_PRIV_DBG_LOC() (&rcuslot_priv_loc)
/* A copy callback left *new_out alone: abort (release builds: no change). */
#define RCUSLOT_PRIV_DBG_UNTOUCHED(fn, loc, cur)                               \
	(rcuslot_priv_dbg_fail(fn, "got 0 from a copy callback that did not write *new_out " \
			       "(write the new object, NULL to empty, or old for no change)", loc), \
	 (cur))

#define RCUSLOT_PRIV_DBG_READING(fl) RCUSLOT_PRIV_URCU_OF(fl, read_ongoing)()

#define RCUSLOT_PRIV_DBG_NO_WAIT(fl, fn)                                       \
	do {                                                                   \
		if (!RCUSLOT_PRIV_FLAVOR_IS_QSBR(fl) && RCUSLOT_PRIV_DBG_READING(fl)) \
			RCUSLOT_PRIV_DBG_FAIL(fn, "called inside a read-side critical section " \
					      "(it would wait for itself forever)"); \
	} while (0)

#define RCUSLOT_PRIV_DBG_REGISTERED(fl, fn)                                    \
	do {                                                                   \
		if (RCUSLOT_PRIV_FLAVOR_NEEDS_REGISTER(fl) &&                  \
		    !rcuslot_priv_is_registered(RCUSLOT_PRIV_FL(fl)))          \
			RCUSLOT_PRIV_DBG_FAIL(fn, "called from a thread that is not registered " \
					      "(rcuslot_register_thread)");    \
	} while (0)

#define RCUSLOT_PRIV_DBG_READ_SIDE(fl, fn)                                     \
	do {                                                                   \
		RCUSLOT_PRIV_DBG_REGISTERED(fl, fn);                           \
		if (!RCUSLOT_PRIV_DBG_READING(fl))                             \
			RCUSLOT_PRIV_DBG_FAIL(fn, RCUSLOT_PRIV_FLAVOR_IS_QSBR(fl) ? \
					      "called from an offline thread" : \
					      "called outside a read-side critical section"); \
	} while (0)

#define RCUSLOT_PRIV_DBG_UNLOCKED(fl, fn)                                      \
	do {                                                                   \
		if (!RCUSLOT_PRIV_FLAVOR_IS_QSBR(fl) && !RCUSLOT_PRIV_DBG_READING(fl)) \
			RCUSLOT_PRIV_DBG_FAIL(fn, "called without a matching rcuslot_read_lock"); \
	} while (0)

/*
 * A read-side section ended, and views taken in it are stale: at the
 * outermost read_unlock (not under qsbr, whose read locks are no-ops), and
 * under qsbr at a quiescent state or going offline.
 */
#define RCUSLOT_PRIV_DBG_SECTION_END(fl)                                       \
	do {                                                                   \
		if (!RCUSLOT_PRIV_FLAVOR_IS_QSBR(fl) && !RCUSLOT_PRIV_DBG_READING(fl)) \
			(*rcuslot_priv_dbg_sections())++;                      \
	} while (0)
#define RCUSLOT_PRIV_DBG_QUIESCENT(fl)                                         \
	do {                                                                   \
		if (RCUSLOT_PRIV_FLAVOR_IS_QSBR(fl))                           \
			(*rcuslot_priv_dbg_sections())++;                      \
	} while (0)

/* An old handle now owns obj: the registry holds it, the handle is tagged. */
#define RCUSLOT_PRIV_DBG_TAG(type, obj) ((type *)rcuslot_priv_dbg_own(obj))
/* A handle is consumed: the one consumer of its object, or abort. */
#define RCUSLOT_PRIV_DBG_CONSUME(type, fn, raw)                                \
	((type *)rcuslot_priv_dbg_consume(fn, raw, &rcuslot_priv_loc))

#else /* !RCUSLOT_DEBUG */

#define RCUSLOT_PRIV_DBG_RET() NULL
#define RCUSLOT_PRIV_DBG_ENTER() do { } while (0)
#define RCUSLOT_PRIV_DBG_AT(file, line, ret) ((void)(file), (void)(line), (void)(ret))
#define RCUSLOT_PRIV_DBG_FAIL(fn, what) do { } while (0)
#define RCUSLOT_PRIV_DBG_LOC() NULL
#define RCUSLOT_PRIV_DBG_UNTOUCHED(fn, loc, cur) (cur)
#define RCUSLOT_PRIV_DBG_NO_WAIT(fl, fn) do { } while (0)
#define RCUSLOT_PRIV_DBG_REGISTERED(fl, fn) do { } while (0)
#define RCUSLOT_PRIV_DBG_READ_SIDE(fl, fn) do { } while (0)
#define RCUSLOT_PRIV_DBG_UNLOCKED(fl, fn) do { } while (0)
#define RCUSLOT_PRIV_DBG_SECTION_END(fl) do { } while (0)
#define RCUSLOT_PRIV_DBG_QUIESCENT(fl) do { } while (0)
#define RCUSLOT_PRIV_DBG_TAG(type, obj) (obj)
/* Release: the raw value; the paths that may meet a tag strip it. */
#define RCUSLOT_PRIV_DBG_CONSUME(type, fn, raw) (raw)

#endif /* RCUSLOT_DEBUG */
/** @endcond */

#endif /* RCUSLOT_DEBUG_H */
