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
 * or calls them itself around fork(). The handlers are librcuslot's and
 * cover every liburcu flavor the process has loaded, whichever unit uses
 * it. The child then runs the callbacks that were pending at fork time on a
 * fresh worker, so each process frees its own copy of every deferred object
 * exactly once. Call fork() outside read-side critical sections and with no
 * other thread inside rcuslot calls that might hold liburcu's internal locks
 * in a state the child inherits.
 */
#ifndef RCUSLOT_FORK_H
#define RCUSLOT_FORK_H

#include <rcuslot/compiler.h>

RCUSLOT_PRIV_BEGIN_DECLS

/** @addtogroup rcuslot_fork
 * @{
 */

/**
 * Before fork(): quiesce the call_rcu workers of every loaded flavor (and
 * bp's registry lock) and every lock of the library's own: the settings
 * lock (rcuslot_set_defer_max(), rcuslot_set_allocator(), a deferral that
 * carves a new block of nodes) and the debug builds' registry of old
 * handles. Waits until each worker has finished the grace period it may be
 * in, and until another thread inside one of those calls has left its
 * lock; call it outside read-side critical sections (under qsbr it waits
 * offline).
 */
RCUSLOT_PRIV_EXPORT void rcuslot_before_fork(void);

/** After fork(), in the parent: undo rcuslot_before_fork(). */
RCUSLOT_PRIV_EXPORT void rcuslot_after_fork_parent(void);

/**
 * After fork(), in the child: start fresh call_rcu workers that take over
 * the callbacks pending at fork time. Must run before the child uses rcuslot.
 */
RCUSLOT_PRIV_EXPORT void rcuslot_after_fork_child(void);

/** @} */

RCUSLOT_PRIV_END_DECLS

#endif /* RCUSLOT_FORK_H */
