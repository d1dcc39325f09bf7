/* SPDX-License-Identifier: MIT */
/*
 * impl_liburcu.c: the same operations written against liburcu directly, as
 * a liburcu user would: the object embeds its struct rcu_head, readers use
 * rcu_read_lock / rcu_dereference, the updater does the read-copy-update
 * with rcu_cmpxchg_pointer (safe with concurrent updaters, like rcuslot's
 * copy_update) and reclaims with call_rcu or synchronize_rcu + free.
 * Built once per flavor, each build defining bench_liburcu_<flavor>.
 */
#include <stdlib.h>

#include "raw_urcu.h"
#include "bench.h"

#define IMPL_NAME BENCH_CAT(bench_liburcu_, RCUSLOT_FLAVOR)

struct raw_obj {
	struct bench_obj o;
	struct rcu_head rcu;
};

static void raw_free_cb(struct rcu_head *head)
{
	bench_obj_free(caa_container_of(head, struct raw_obj, rcu));
}

static void *create(size_t nslots)
{
	struct raw_obj **slots = bench_table(nslots, sizeof(*slots));

	for (size_t i = 0; i < nslots; i++) {
		struct raw_obj *r = bench_line(sizeof(*r));

		r->o = (struct bench_obj){ .a = (long)i };
		rcu_set_pointer(&slots[i], r);
	}
	return slots;
}

static void destroy(void *table, size_t nslots)
{
	struct raw_obj **slots = table;

	for (size_t i = 0; i < nslots; i++)
		free(slots[i]);
	free(slots);
}

static inline long read_one(void *table, size_t i)
{
	struct raw_obj **slots = table;
	long v;

	rcu_read_lock();
	v = rcu_dereference(slots[i])->o.a;
	rcu_read_unlock();
	return v;
}

static long read_once(void *table, size_t i)
{
	return read_one(table, i);
}

BENCH_DEFINE_READ_LOOP(read_loop, read_one, BENCH_RAW_QUIESCENT())

static void update(void *table, size_t i, enum bench_how how)
{
	struct raw_obj **slots = table;
	struct raw_obj *cur, *fresh = bench_alloc(sizeof(*fresh));

	if (!fresh)
		bench_die("out of memory");
	rcu_read_lock();
	do {
		cur = rcu_dereference(slots[i]);
		fresh->o = cur->o;
		fresh->o.a++;
	} while (rcu_cmpxchg_pointer(&slots[i], cur, fresh) != cur);
	rcu_read_unlock();
	bench_retired();
	if (how == BENCH_SYNC) {
		synchronize_rcu();
		bench_obj_free(cur);
	} else {
		call_rcu(&cur->rcu, raw_free_cb);
	}
}

static void thread_start(void)
{
	rcu_register_thread();
}

static void thread_stop(void)
{
	rcu_unregister_thread();
}

static void quiescent(void)
{
	BENCH_RAW_QUIESCENT();
}

static void offline(void)
{
	BENCH_RAW_OFFLINE();
}

static void online(void)
{
	BENCH_RAW_ONLINE();
}

static void barrier(void)
{
	rcu_barrier();
}

const struct bench_impl IMPL_NAME = {
	.name = "liburcu-" BENCH_RAW_FLAVOR_NAME,
	.family = "liburcu",
	.rcu = true,
	.slot_size = sizeof(struct raw_obj *),
	.old_size = 0,
	.obj_size = sizeof(struct raw_obj),
	.create = create,
	.destroy = destroy,
	.thread_start = thread_start,
	.thread_stop = thread_stop,
	.quiescent = quiescent,
	.offline = offline,
	.online = online,
	.read_once = read_once,
	.read_loop = read_loop,
	.update = update,
	.barrier = barrier,
};

#if BENCH_RAW_ID == 1
/* 1 if memb's readers skip the memory barrier (sys_membarrier works),
 * 0 if they fall back to one, -1 if unknown (not an _LGPL_SOURCE build). */
int bench_memb_has_membarrier(void)
{
#ifdef _LGPL_SOURCE
	return urcu_memb_has_sys_membarrier;
#else
	return -1;
#endif
}
#endif
