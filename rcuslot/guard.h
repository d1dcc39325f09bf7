/* SPDX-License-Identifier: MIT */
/**
 * @file rcuslot/guard.h
 * @brief Scoped read-side critical sections for gcc and clang, in the spirit
 *        of the kernel's `guard(rcu)()` and `scoped_guard(rcu)`.
 *
 * Both forms are built on `__attribute__((cleanup))`: the read lock is
 * released when the guard variable goes out of scope, on every path out of
 * it (falling off the end, `return`, `break`, `goto` out of the block).
 * The rules are those of the kernel's cleanup.h:
 * - guards unwind in reverse order of declaration (LIFO);
 * - do not `goto` *into* the scope of a guard, jumping over its
 *   declaration (the compiler rejects it with an error);
 * - a pointer obtained under a guard must not be used after the guard's
 *   scope ends; copy out what you need.
 *
 * rcuslot_read_lock() / rcuslot_read_unlock() remain for code that needs a
 * section that does not follow a C scope.
 */
#ifndef RCUSLOT_GUARD_H
#define RCUSLOT_GUARD_H

#include <rcuslot/compiler.h>
#include <rcuslot/rcu.h>

RCUSLOT_PRIV_BEGIN_DECLS

/** @cond RCUSLOT_INTERNAL */
/* Each flavor family of rcu.h has its guard's enter and exit functions. */
#ifdef RCUSLOT_DEBUG
#define RCUSLOT_PRIV_GUARD_SITE __FILE__, __LINE__
#else
#define RCUSLOT_PRIV_GUARD_SITE NULL, 0
#endif

#define RCUSLOT_PRIV_GUARD_VAR(var, P)                                        \
	struct rcuslot_priv_guard var                                         \
		__attribute__((cleanup(P##priv_guard_exit), unused)) =         \
			P##priv_guard_enter(RCUSLOT_PRIV_GUARD_SITE)
/** @endcond */

/** @addtogroup rcuslot_guard
 * @{
 */

/**
 * Hold the read lock from here to the end of the enclosing block.
 *
 * @code
 * int config_get_a(struct cfg_slot *slot)
 * {
 *         RCUSLOT_READ_GUARD();
 *         const struct config *c = cfg_slot_dereference(slot);
 *         return c ? c->a : -1;
 * }
 * @endcode
 */
#define RCUSLOT_READ_GUARD()                                                   \
	RCUSLOT_PRIV_GUARD_VAR(RCUSLOT_PRIV_UNIQUE(rcuslot_priv_guard_), rcuslot_)

/**
 * Hold the read lock for the statement or block that follows.
 *
 * `break` and `continue` directly inside the block leave the scope (it is a
 * one-pass loop), unlocking on the way out.
 *
 * @code
 * RCUSLOT_READ_SCOPE() {
 *         const struct config *c = cfg_slot_dereference(&cfg);
 *         if (c)
 *                 printf("a=%d\n", c->a);
 * }
 * @endcode
 */
#define RCUSLOT_READ_SCOPE()                                                   \
	for (RCUSLOT_PRIV_GUARD_VAR(rcuslot_priv_scope, rcuslot_); rcuslot_priv_scope.active; \
	     rcuslot_priv_scope.active = 0)

/**
 * RCUSLOT_READ_GUARD() for a named flavor's read lock (rcu.h), e.g.
 * `RCUSLOT_READ_GUARD_FLAVOR(qsbr);` for slots of RCU_SLOT_DEFINE_FLAVOR(..., qsbr).
 */
#define RCUSLOT_READ_GUARD_FLAVOR(flavor)                                      \
	RCUSLOT_PRIV_GUARD_VAR(RCUSLOT_PRIV_UNIQUE(rcuslot_priv_guard_), rcuslot_##flavor##_)

/** RCUSLOT_READ_SCOPE() for a named flavor's read lock. */
#define RCUSLOT_READ_SCOPE_FLAVOR(flavor)                                      \
	for (RCUSLOT_PRIV_GUARD_VAR(rcuslot_priv_scope, rcuslot_##flavor##_);  \
	     rcuslot_priv_scope.active; rcuslot_priv_scope.active = 0)

/**
 * The names of rcuslot 0.1, kept for one release: they warn at each use.
 * @deprecated Use RCUSLOT_READ_GUARD() and RCUSLOT_READ_SCOPE().
 */
#define RCU_SLOT_READ_GUARD()                                                  \
	RCUSLOT_PRIV_DEPRECATED("RCU_SLOT_READ_GUARD is deprecated: use RCUSLOT_READ_GUARD") \
	RCUSLOT_READ_GUARD()
/** @deprecated Use RCUSLOT_READ_SCOPE(). */
#define RCU_SLOT_READ_SCOPE()                                                  \
	RCUSLOT_PRIV_DEPRECATED("RCU_SLOT_READ_SCOPE is deprecated: use RCUSLOT_READ_SCOPE") \
	RCUSLOT_READ_SCOPE()
/** @cond RCUSLOT_INTERNAL */
#ifdef __clang__
/* clang marks the macros themselves (it does not warn from a _Pragma there). */
#pragma clang deprecated(RCU_SLOT_READ_GUARD, "RCU_SLOT_READ_GUARD is deprecated: use RCUSLOT_READ_GUARD")
#pragma clang deprecated(RCU_SLOT_READ_SCOPE, "RCU_SLOT_READ_SCOPE is deprecated: use RCUSLOT_READ_SCOPE")
#endif
/** @endcond */

/** @} */

RCUSLOT_PRIV_END_DECLS

#endif /* RCUSLOT_GUARD_H */
