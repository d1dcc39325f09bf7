/* SPDX-License-Identifier: MIT */
/*
 * icount_raw.c: the hand-written liburcu side of the instruction-count
 * comparison, as a liburcu user would write it, without rcuslot.
 *
 * Two update loops:
 * - icount_update_raw: the object embeds its struct rcu_head, the usual
 *   liburcu idiom; call_rcu needs no allocation.
 * - icount_update_rawnode: the object is a plain struct with no rcu_head
 *   (as in rcuslot, whose slots hold any type), so the deferred free needs a
 *   small node, allocated per update. This is the same work rcuslot's
 *   old_defer does, written by hand.
 */
#include <stdlib.h>

#include "raw_urcu.h"
#include "icount.h"

struct raw_obj {
	long a;
	long b;
	struct rcu_head rcu;
};

struct raw_node {
	struct rcu_head rcu;
	struct icount_obj *obj;
};

static struct raw_obj *raw_ptr;          /* RCU-protected */
static struct icount_obj *plain_ptr;     /* RCU-protected */

static struct raw_obj **fresh_raw;
static struct icount_obj **fresh_plain;
static long nfresh, next_raw, next_plain;

static void raw_free_cb(struct rcu_head *head)
{
	free(caa_container_of(head, struct raw_obj, rcu));
}

static void raw_node_cb(struct rcu_head *head)
{
	struct raw_node *node = caa_container_of(head, struct raw_node, rcu);

	free(node->obj);
	free(node);
}

static void *xmalloc(size_t size)
{
	void *p = malloc(size);

	if (!p)
		abort();
	return p;
}

void icount_raw_setup(long nupdates)
{
	struct raw_obj *r = xmalloc(sizeof(*r));
	struct icount_obj *p = xmalloc(sizeof(*p));

	r->a = p->a = 1;
	r->b = p->b = 0;
	rcu_set_pointer(&raw_ptr, r);
	rcu_set_pointer(&plain_ptr, p);
	fresh_raw = xmalloc(((size_t)nupdates + 1) * sizeof(*fresh_raw));
	fresh_plain = xmalloc(((size_t)nupdates + 1) * sizeof(*fresh_plain));
	for (nfresh = 0; nfresh < nupdates; nfresh++) {
		fresh_raw[nfresh] = xmalloc(sizeof(struct raw_obj));
		fresh_plain[nfresh] = xmalloc(sizeof(struct icount_obj));
		fresh_raw[nfresh]->a = fresh_plain[nfresh]->a = nfresh;
	}
	next_raw = next_plain = 0;
}

long icount_read_raw(long n)
{
	long sum = 0;

	for (long i = 0; i < n; i++) {
		rcu_read_lock();
		sum += rcu_dereference(raw_ptr)->a;
		rcu_read_unlock();
	}
	return sum;
}

void icount_update_raw(long n)
{
	for (long i = 0; i < n; i++) {
		struct raw_obj *old = rcu_xchg_pointer(&raw_ptr, fresh_raw[next_raw++]);

		if (old)
			call_rcu(&old->rcu, raw_free_cb);
	}
}

void icount_update_rawnode(long n)
{
	for (long i = 0; i < n; i++) {
		struct icount_obj *old =
			rcu_xchg_pointer(&plain_ptr, fresh_plain[next_plain++]);
		struct raw_node *node;

		if (!old)
			continue;
		node = malloc(sizeof(*node));
		if (node) {
			node->obj = old;
			call_rcu(&node->rcu, raw_node_cb);
		} else {
			synchronize_rcu();
			free(old);
		}
	}
}

void icount_raw_teardown(void)
{
	synchronize_rcu();
	free(rcu_xchg_pointer(&raw_ptr, NULL));
	free(rcu_xchg_pointer(&plain_ptr, NULL));
	while (next_raw < nfresh)
		free(fresh_raw[next_raw++]);
	while (next_plain < nfresh)
		free(fresh_plain[next_plain++]);
	free(fresh_raw);
	free(fresh_plain);
}

void icount_register(void)
{
	rcu_register_thread();
}

void icount_unregister(void)
{
	rcu_unregister_thread();
}

/*
 * Hold the call_rcu worker still while an update loop is measured, so that
 * no callback runs (and frees) concurrently: the updater's malloc then
 * always takes the same path and the count is exact from run to run.
 * call_rcu_before_fork() is liburcu's public way to quiesce its workers;
 * call_rcu() itself does not take the lock it holds. The worker must be
 * idle first (qsbr: a grace period would wait for this online thread), so
 * drain it with a barrier, which goes offline while it waits.
 */
void icount_pause_reclaim(void)
{
	(void)get_default_call_rcu_data();
	rcu_barrier();
	BENCH_RAW_OFFLINE();
	call_rcu_before_fork();
	BENCH_RAW_ONLINE();
}

void icount_resume_reclaim(void)
{
	call_rcu_after_fork_parent();
}

void icount_barrier(void)
{
	rcu_barrier();
}

const char *icount_flavor(void)
{
	return BENCH_RAW_FLAVOR_NAME;
}
