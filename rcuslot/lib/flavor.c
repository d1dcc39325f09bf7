/* SPDX-License-Identifier: MIT */
/*
 * flavor.c: the flavors a process uses, registration records, grace
 * periods, barriers and fork.
 *
 * The library links no liburcu flavor: the shells hand it each flavor's
 * descriptor. For fork(), which the descriptor does not cover, it reaches
 * the flavors' own handlers through weak references, which resolve only to
 * the flavor libraries the program has loaded.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "core_priv.h"

RCUSLOT_PRIV_EXPORT char rcuslot_priv_tsan_gp;

static const struct rcu_flavor_struct *flavors[CORE_MAX_FLAVORS];
static unsigned long gp_waits;

/*
 * A descriptor's index, appending it on first sight. Slots are only ever
 * filled, never emptied, so a lookup that sees a slot filled sees it for
 * good; the cmpxchg orders the fill against racing appenders.
 */
unsigned core_flavor_index(const struct rcu_flavor_struct *fl)
{
	for (unsigned i = 0; i < CORE_MAX_FLAVORS; i++) {
		const struct rcu_flavor_struct *cur = uatomic_read(&flavors[i]);

		if (!cur)
			cur = uatomic_cmpxchg(&flavors[i], NULL, fl);
		if (!cur || cur == fl)
			return i;
	}
	fprintf(stderr, "rcuslot: more than %d liburcu flavor descriptors in one process\n",
		CORE_MAX_FLAVORS);
	abort();
}

const struct rcu_flavor_struct *core_flavor_at(unsigned idx)
{
	return idx < CORE_MAX_FLAVORS ? uatomic_read(&flavors[idx]) : NULL;
}

/* One bit per flavor index: the flavors this thread registered with. */
static __thread unsigned registered;

RCUSLOT_PRIV_EXPORT void rcuslot_priv_thread_registered(const struct rcu_flavor_struct *fl,
							int on)
{
	unsigned bit = 1u << core_flavor_index(fl);

	registered = on ? registered | bit : registered & ~bit;
}

RCUSLOT_PRIV_EXPORT int rcuslot_priv_is_registered(const struct rcu_flavor_struct *fl)
{
	return (int)((registered >> core_flavor_index(fl)) & 1u);
}

RCUSLOT_PRIV_EXPORT void rcuslot_priv_synchronize(const struct rcu_flavor_struct *fl)
{
	core_flavor_index(fl);
	uatomic_inc(&gp_waits);
	fl->update_synchronize_rcu();
	CORE_TSAN_GP_DONE(); /* pairs with every reader's READER_DONE (compiler.h) */
}

RCUSLOT_PRIV_EXPORT void *rcuslot_priv_retire_wait(const struct rcu_flavor_struct *fl,
						   void *handle)
{
	void *obj = core_consume(handle, __builtin_return_address(0));

	rcuslot_priv_synchronize(fl);
	return obj;
}

RCUSLOT_PRIV_EXPORT unsigned long rcuslot_grace_periods_waited(void)
{
	return uatomic_read(&gp_waits);
}

/*
 * The unit's own flavor first (it is in use even if only its inline paths
 * deferred), then every other flavor the core has seen.
 */
RCUSLOT_PRIV_EXPORT void rcuslot_priv_barrier(const struct rcu_flavor_struct *fl)
{
	unsigned own = core_flavor_index(fl);

	fl->barrier();
	for (unsigned i = 0; i < CORE_MAX_FLAVORS; i++) {
		const struct rcu_flavor_struct *other = core_flavor_at(i);

		if (!other)
			break;
		if (i != own)
			other->barrier();
	}
}

/* ------------------------------------------------------------------------ */
/* fork() */

#define WEAK __attribute__((weak))
#define FLAVOR_FORK_DECLS(f)                                                   \
	extern const struct rcu_flavor_struct urcu_##f##_flavor WEAK;           \
	void urcu_##f##_call_rcu_before_fork(void) WEAK;                       \
	void urcu_##f##_call_rcu_after_fork_parent(void) WEAK;                 \
	void urcu_##f##_call_rcu_after_fork_child(void) WEAK;

FLAVOR_FORK_DECLS(memb)
FLAVOR_FORK_DECLS(qsbr)
FLAVOR_FORK_DECLS(mb)
FLAVOR_FORK_DECLS(bp)
FLAVOR_FORK_DECLS(signal)
void urcu_bp_before_fork(void) WEAK;
void urcu_bp_after_fork_parent(void) WEAK;
void urcu_bp_after_fork_child(void) WEAK;

/*
 * Whether this thread is inside a read-side critical section of fl, where a
 * grace period of fl would wait for itself. Not under qsbr, whose
 * read_ongoing() means online, and whose grace period from an online
 * thread takes the thread offline for the wait. (A qsbr descriptor linked
 * a second time, statically into a shared object, is not recognized here.)
 */
bool core_flavor_reading(const struct rcu_flavor_struct *fl)
{
	return fl && fl != &urcu_qsbr_flavor && fl->read_ongoing();
}

struct flavor_fork {
	const struct rcu_flavor_struct *fl;
	void (*before)(void), (*parent)(void), (*child)(void);
	bool qsbr;
};

#define FLAVOR_FORK(f, is_qsbr)                                                \
	{ &urcu_##f##_flavor, urcu_##f##_call_rcu_before_fork,                 \
	  urcu_##f##_call_rcu_after_fork_parent, urcu_##f##_call_rcu_after_fork_child, is_qsbr }

/* Filled at first use: the weak addresses are run-time values. */
static void fork_table(struct flavor_fork t[5])
{
	const struct flavor_fork all[5] = {
		FLAVOR_FORK(memb, false), FLAVOR_FORK(qsbr, true), FLAVOR_FORK(mb, false),
		FLAVOR_FORK(bp, false), FLAVOR_FORK(signal, false),
	};

	for (int i = 0; i < 5; i++)
		t[i] = all[i];
}

/*
 * Every loaded flavor's call_rcu workers are paused (the child inherits
 * none of them). Under qsbr a worker finishes its grace period before it
 * pauses, and that grace period waits for this thread if it is online: wait
 * offline. Then every lock of the core, in one order (settings, then the
 * debug registry; neither is ever taken while holding the other), after the
 * workers: a callback the worker is running may take one.
 */
RCUSLOT_PRIV_EXPORT void rcuslot_before_fork(void)
{
	struct flavor_fork t[5];

	fork_table(t);
	for (int i = 0; i < 5; i++) {
		int online;

		if (!t[i].fl || !t[i].before)
			continue;
		online = t[i].qsbr && t[i].fl->read_ongoing();
		if (online)
			t[i].fl->thread_offline();
		t[i].before();
		if (online)
			t[i].fl->thread_online();
	}
	if (urcu_bp_before_fork)
		urcu_bp_before_fork();
	core_defer_before_fork();
	core_dbg_before_fork();
}

RCUSLOT_PRIV_EXPORT void rcuslot_after_fork_parent(void)
{
	struct flavor_fork t[5];

	fork_table(t);
	core_dbg_after_fork();
	core_defer_after_fork();
	if (urcu_bp_after_fork_parent)
		urcu_bp_after_fork_parent();
	for (int i = 4; i >= 0; i--)
		if (t[i].fl && t[i].parent)
			t[i].parent();
}

RCUSLOT_PRIV_EXPORT void rcuslot_after_fork_child(void)
{
	struct flavor_fork t[5];

	fork_table(t);
	core_dbg_after_fork();
	core_defer_after_fork();
	if (urcu_bp_after_fork_child)
		urcu_bp_after_fork_child();
	for (int i = 4; i >= 0; i--)
		if (t[i].fl && t[i].child)
			t[i].child();
}
