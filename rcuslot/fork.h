/* SPDX-License-Identifier: MIT */
/**
 * @file rcuslot/fork.h
 * @brief Keep RCU working across fork() without exec().
 *
 * liburcu's call_rcu worker threads (and, for bp, its reader registry) do
 * not survive fork(): the child has the parent's queued callbacks but not
 * the threads that run them. A program that forks and goes on using rcuslot
 * in both processes registers the three handlers once:
 *
 * @code
 * pthread_atfork(rcuslot_before_fork, rcuslot_after_fork_parent,
 *                rcuslot_after_fork_child);
 * @endcode
 *
 * or calls them itself around fork(). The child then runs the callbacks
 * that were pending at fork time on a fresh worker, so each process frees
 * its own copy of every deferred object exactly once. Call fork() outside
 * read-side critical sections and with no other thread inside rcuslot calls
 * that might hold liburcu's internal locks in a state the child inherits.
 */
#ifndef RCUSLOT_FORK_H
#define RCUSLOT_FORK_H

#include <rcuslot/compiler.h>
#include <rcuslot/flavor.h>
#include <rcuslot/debug.h>

RCUSLOT_PRIV_BEGIN_DECLS

/** @addtogroup rcuslot_fork
 * @{
 */

/**
 * Before fork(): quiesce the call_rcu workers (and bp's registry lock).
 * Waits until each worker has finished the grace period it may be in; call
 * it outside read-side critical sections.
 */
RCUSLOT_PRIV_FUNC void rcuslot_before_fork(void)
{
#if RCUSLOT_PRIV_IS_QSBR
	/*
	 * A worker finishes its grace period before it pauses, and under qsbr
	 * that grace period waits for this thread if it is online: wait offline.
	 */
	int online = RCUSLOT_PRIV_URCU(read_ongoing)();

	if (online)
		RCUSLOT_PRIV_URCU(thread_offline)();
#endif
	RCUSLOT_PRIV_URCU(call_rcu_before_fork)();
#if RCUSLOT_PRIV_FLAVOR_ID == 4
	urcu_bp_before_fork();
#endif
	RCUSLOT_PRIV_DBG_BEFORE_FORK();
#if RCUSLOT_PRIV_IS_QSBR
	if (online)
		RCUSLOT_PRIV_URCU(thread_online)();
#endif
}

/** After fork(), in the parent: undo rcuslot_before_fork(). */
RCUSLOT_PRIV_FUNC void rcuslot_after_fork_parent(void)
{
	RCUSLOT_PRIV_DBG_AFTER_FORK();
#if RCUSLOT_PRIV_FLAVOR_ID == 4
	urcu_bp_after_fork_parent();
#endif
	RCUSLOT_PRIV_URCU(call_rcu_after_fork_parent)();
}

/**
 * After fork(), in the child: start a fresh call_rcu worker that takes over
 * the callbacks pending at fork time. Must run before the child uses rcuslot.
 */
RCUSLOT_PRIV_FUNC void rcuslot_after_fork_child(void)
{
	RCUSLOT_PRIV_DBG_AFTER_FORK();
#if RCUSLOT_PRIV_FLAVOR_ID == 4
	urcu_bp_after_fork_child();
#endif
	RCUSLOT_PRIV_URCU(call_rcu_after_fork_child)();
}

/** @} */

RCUSLOT_PRIV_END_DECLS

#endif /* RCUSLOT_FORK_H */
