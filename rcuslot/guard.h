/* SPDX-License-Identifier: MIT */
/**
 * @file rcuslot/guard.h
 * @brief Scoped read-side critical sections for gcc and clang, in the spirit
 *        of the kernel's `guard(rcu)()` and `scoped_guard(rcu)`.
 *
 * Both forms are built on `__attribute__((cleanup))`: the read lock is
 * released when the guard variable goes out of scope, on every path out of
 * it (falling off the end, `return`, `break`, `continue`, `goto` out of
 * the block).
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

/** @cond RCUSLOT_INTERNAL */
/*
 * A scope's body is its macro argument, so that the scope is a plain block:
 * an empty argument is the old `RCUSLOT_READ_SCOPE() { ... }` form, whose
 * one-pass loop took `break` and `continue` for itself.
 */
#define RCUSLOT_PRIV_SCOPE(gen, guard, ...)                                    \
	if (1) {                                                               \
		RCUSLOT_PRIV_STATIC_ASSERT(sizeof(#__VA_ARGS__) > 1,           \
					   gen ": write the section as the argument, " \
					   gen "({ ... }) (the form " gen "() { ... } is gone)"); \
		guard;                                                         \
		__VA_ARGS__                                                    \
	} else {                                                               \
	}
/** @endcond */

/**
 * Hold the read lock for the block given as the argument.
 *
 * The scope is a plain block, not a loop: `break` and `continue` inside it
 * belong to the loop around it, and `return`, `break`, `continue` and
 * `goto` out of it unlock on the way out. It is a statement of its own (no
 * `;` after it). The block cannot hold preprocessor directives (it is a
 * macro argument); use RCUSLOT_READ_GUARD() in a block of your own there.
 *
 * @code
 * for (int i = 0; i < n; i++)
 *         RCUSLOT_READ_SCOPE({
 *                 const struct config *c = cfg_slot_dereference(&cfg);
 *                 if (!c)
 *                         continue;              // the next i, unlocked
 *                 printf("a=%d\n", c->a);
 *         })
 * @endcode
 */
#define RCUSLOT_READ_SCOPE(...)                                                \
	RCUSLOT_PRIV_SCOPE("RCUSLOT_READ_SCOPE", RCUSLOT_READ_GUARD(), __VA_ARGS__)

/**
 * RCUSLOT_READ_GUARD() for a named flavor's read lock (rcu.h), e.g.
 * `RCUSLOT_READ_GUARD_FLAVOR(qsbr);` for slots of RCU_SLOT_DEFINE_FLAVOR(..., qsbr).
 */
#define RCUSLOT_READ_GUARD_FLAVOR(flavor)                                      \
	RCUSLOT_PRIV_GUARD_VAR(RCUSLOT_PRIV_UNIQUE(rcuslot_priv_guard_), rcuslot_##flavor##_)

/**
 * RCUSLOT_READ_SCOPE() for a named flavor's read lock:
 * `RCUSLOT_READ_SCOPE_FLAVOR(qsbr, { ... })`.
 */
#define RCUSLOT_READ_SCOPE_FLAVOR(flavor, ...)                                 \
	RCUSLOT_PRIV_SCOPE("RCUSLOT_READ_SCOPE_FLAVOR",                        \
			   RCUSLOT_READ_GUARD_FLAVOR(flavor), __VA_ARGS__)

/**
 * The names of rcuslot 0.1, kept for one release: they warn at each use.
 * @deprecated Use RCUSLOT_READ_GUARD() and RCUSLOT_READ_SCOPE().
 */
#define RCU_SLOT_READ_GUARD()                                                  \
	RCUSLOT_PRIV_DEPRECATED("RCU_SLOT_READ_GUARD is deprecated: use RCUSLOT_READ_GUARD") \
	RCUSLOT_READ_GUARD()
/**
 * @deprecated Use RCUSLOT_READ_SCOPE({ ... }). rcuslot 0.1's form, kept as
 * it was for one release: `RCU_SLOT_READ_SCOPE() { ... }`, a one-pass loop
 * (a `break` or `continue` inside leaves the scope, not the loop around it).
 */
#define RCU_SLOT_READ_SCOPE()                                                  \
	RCUSLOT_PRIV_DEPRECATED("RCU_SLOT_READ_SCOPE is deprecated: use RCUSLOT_READ_SCOPE({ ... })") \
	for (RCUSLOT_PRIV_GUARD_VAR(rcuslot_priv_scope, rcuslot_),             \
	     *rcuslot_priv_once = &rcuslot_priv_scope;                         \
	     rcuslot_priv_once; rcuslot_priv_once = NULL)
/** @cond RCUSLOT_INTERNAL */
#ifdef __clang__
/* clang marks the macros themselves (it does not warn from a _Pragma there). */
#pragma clang deprecated(RCU_SLOT_READ_GUARD, "RCU_SLOT_READ_GUARD is deprecated: use RCUSLOT_READ_GUARD")
#pragma clang deprecated(RCU_SLOT_READ_SCOPE, "RCU_SLOT_READ_SCOPE is deprecated: use RCUSLOT_READ_SCOPE({ ... })")
#endif
/** @endcond */

/** @} */

RCUSLOT_PRIV_END_DECLS

#endif /* RCUSLOT_GUARD_H */
