/* SPDX-License-Identifier: MIT */
/*
 * impl_rcuslot.c: the rcuslot implementation, built once per liburcu flavor
 * (RCUSLOT_FLAVOR), each build defining bench_rcuslot_<flavor>.
 *
 * rcuslot's own call_rcu nodes come from bench_alloc (rcubench.c installs
 * it with rcuslot_set_allocator()), so that the memory figures count them.
 */
#include <errno.h>
#include <stdlib.h>

#include "bench.h"

#include <rcuslot/rcuslot.h>

#define IMPL_NAME BENCH_CAT(bench_rcuslot_, RCUSLOT_FLAVOR)

RCU_SLOT_DEFINE(bslot, struct bench_obj, bench_obj_free);

static void *create(size_t nslots)
{
	struct bslot *slots = bench_table(nslots, sizeof(*slots));

	for (size_t i = 0; i < nslots; i++) {
		struct bench_obj *o = bench_line(sizeof(*o));

		*o = (struct bench_obj){ .a = (long)i };
		bslot_init(&slots[i], o);
	}
	return slots;
}

/* Every reader has stopped: no grace period is needed to free. */
static void destroy(void *table, size_t nslots)
{
	struct bslot *slots = table;

	for (size_t i = 0; i < nslots; i++)
		free(bslot_dereference_protected(&slots[i]));
	free(slots);
}

static inline long read_one(void *table, size_t i)
{
	struct bslot *slots = table;
	long v;

	rcuslot_read_lock();
	v = bslot_dereference(&slots[i])->a;
	rcuslot_read_unlock();
	return v;
}

static long read_once(void *table, size_t i)
{
	return read_one(table, i);
}

BENCH_DEFINE_READ_LOOP(read_loop, read_one, rcuslot_quiescent_state())

static int copy_fn(const struct bench_obj *old, struct bench_obj **new_out, void *arg)
{
	struct bench_obj *o = bench_alloc(sizeof(*o));

	(void)arg;
	if (!o)
		return ENOMEM;
	*o = *old;
	o->a++;
	*new_out = o;
	return 0;
}

static void update(void *table, size_t i, enum bench_how how)
{
	struct bslot *slots = table;
	struct bslot_old old;

	if (bslot_copy_update(&slots[i], copy_fn, NULL, &old) != 0)
		bench_die("copy_update failed");
	bench_retired();
	if (how == BENCH_SYNC)
		bslot_old_free(&old);
	else
		bslot_old_defer(&old);
}

static void barrier(void)
{
	rcuslot_barrier();
}

const struct bench_impl IMPL_NAME = {
	.name = "rcuslot-" RCUSLOT_FLAVOR_NAME,
	.family = "rcuslot",
	.rcu = true,
	.slot_size = sizeof(struct bslot),
	.old_size = sizeof(struct bslot_old),
	.obj_size = sizeof(struct bench_obj),
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
