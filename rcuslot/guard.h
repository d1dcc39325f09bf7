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
struct rcuslot_priv_guard {
	int active;
};

RCUSLOT_PRIV_FUNC struct rcuslot_priv_guard rcuslot_priv_guard_enter(void)
{
	struct rcuslot_priv_guard g;

	(rcuslot_read_lock)(); /* debug builds: the guard macro named the site */
	g.active = 1;
	return g;
}

RCUSLOT_PRIV_FUNC void rcuslot_priv_guard_exit(struct rcuslot_priv_guard *g)
{
	(void)g;
	rcuslot_read_unlock();
}

#ifdef RCUSLOT_DEBUG
#define RCUSLOT_PRIV_GUARD_ENTER()                                             \
	(rcuslot_priv_dbg_site(__FILE__, __LINE__), rcuslot_priv_guard_enter())
#else
#define RCUSLOT_PRIV_GUARD_ENTER() rcuslot_priv_guard_enter()
#endif

#define RCUSLOT_PRIV_GUARD_VAR(var)                                           \
	struct rcuslot_priv_guard var                                         \
		__attribute__((cleanup(rcuslot_priv_guard_exit), unused)) =    \
			RCUSLOT_PRIV_GUARD_ENTER()
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
 *         RCU_SLOT_READ_GUARD();
 *         const struct config *c = cfg_slot_dereference(slot);
 *         return c ? c->a : -1;
 * }
 * @endcode
 */
#define RCU_SLOT_READ_GUARD()                                                  \
	RCUSLOT_PRIV_GUARD_VAR(RCUSLOT_PRIV_UNIQUE(rcuslot_priv_guard_))

/**
 * Hold the read lock for the statement or block that follows.
 *
 * `break` and `continue` directly inside the block leave the scope (it is a
 * one-pass loop), unlocking on the way out.
 *
 * @code
 * RCU_SLOT_READ_SCOPE() {
 *         const struct config *c = cfg_slot_dereference(&cfg);
 *         if (c)
 *                 printf("a=%d\n", c->a);
 * }
 * @endcode
 */
#define RCU_SLOT_READ_SCOPE()                                                  \
	for (RCUSLOT_PRIV_GUARD_VAR(rcuslot_priv_scope); rcuslot_priv_scope.active; \
	     rcuslot_priv_scope.active = 0)

/** @} */

RCUSLOT_PRIV_END_DECLS

#endif /* RCUSLOT_GUARD_H */
