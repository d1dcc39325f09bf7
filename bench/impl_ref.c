/* SPDX-License-Identifier: MIT */
/*
 * impl_ref.c: rcuslot's counted references (RCU_SLOT_DEFINE_REF, memb), read
 * with name_get + name_put instead of a dereference inside a read-side
 * critical section: what a reader pays to keep the object past its section.
 * Its read rows against rcuslot-memb's are the cost of the two atomic
 * operations; against refcount's, a counted pointer without RCU.
 *
 * The updates are rcuslot-memb's (copy_update, then old_free or
 * old_defer); the object is bench.h's with the counter after it. The
 * kit's nodes come from bench_alloc, as impl_rcuslot.c's (rcubench.c
 * installs it with rcuslot_set_allocator()).
 */
#include <errno.h>
#include <stdlib.h>

#include "bench.h"

#include <rcuslot/rcuslot.h>

struct ref_obj {
	struct bench_obj o;
	struct rcuslot_ref ref;
};

static void ref_obj_free(struct ref_obj *r)
{
	bench_obj_free(r);
}

RCU_SLOT_DEFINE_REF(rslot, struct ref_obj, ref, ref_obj_free);

static void *create(size_t nslots)
{
	struct rslot *slots = bench_table(nslots, sizeof(*slots));

	for (size_t i = 0; i < nslots; i++) {
		struct ref_obj *r = bench_line(sizeof(*r)); /* zeroed */

		r->o.a = (long)i;
		rslot_init(&slots[i], r);
	}
	return slots;
}

/* Every reader has stopped and every slot holds the only reference left. */
static void destroy(void *table, size_t nslots)
{
	struct rslot *slots = table;

	for (size_t i = 0; i < nslots; i++)
		free(rslot_dereference_protected(&slots[i]));
	free(slots);
}

static inline long read_one(void *table, size_t i)
{
	struct rslot *slots = table;
	const struct ref_obj *r = rslot_get(&slots[i]);
	long v = r->o.a;

	rslot_put(r);
	return v;
}

static long read_once(void *table, size_t i)
{
	return read_one(table, i);
}

BENCH_DEFINE_READ_LOOP(read_loop, read_one, rcuslot_quiescent_state())

static int copy_fn(const struct ref_obj *old, struct ref_obj **new_out,
		   void *arg)
{
	struct ref_obj *r = bench_alloc(sizeof(*r));

	(void)arg;
	if (!r)
		return ENOMEM;
	r->o = old->o;
	r->o.a++;
	r->ref = (struct rcuslot_ref)RCUSLOT_REF_INIT;
	*new_out = r;
	return 0;
}

static void update(void *table, size_t i, enum bench_how how)
{
	struct rslot *slots = table;
	struct rslot_old old;

	if (rslot_copy_update(&slots[i], copy_fn, NULL, &old) != 0)
		bench_die("copy_update failed");
	bench_retired();
	if (how == BENCH_SYNC)
		rslot_old_free(&old);
	else
		rslot_old_defer(&old);
}

static void barrier(void)
{
	rcuslot_barrier();
}

const struct bench_impl bench_rcuslot_ref = {
	.name = "rcuslot-ref-memb",
	.family = "rcuslot-ref",
	.rcu = true,
	.slot_size = sizeof(struct rslot),
	.old_size = sizeof(struct rslot_old),
	.obj_size = sizeof(struct ref_obj),
	.create = create,
	.destroy = destroy,
	.thread_start = rcuslot_register_thread,
	.thread_stop = rcuslot_unregister_thread,
	.quiescent = rcuslot_quiescent_state,
	.offline = rcuslot_thread_offline,
	.online = rcuslot_thread_online,
	.read_once = read_once,
	.read_loop = read_loop,
	.update = update,
	.barrier = barrier,
};
