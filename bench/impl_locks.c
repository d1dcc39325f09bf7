/* SPDX-License-Identifier: MIT */
/*
 * impl_locks.c: the lock-based baselines, pthread_rwlock and pthread_mutex
 * with default attributes (what a program gets without tuning).
 *
 * Each slot holds its lock and its object inline, and the updater modifies
 * the object in place under the lock: no allocation and no reclamation,
 * the most favourable form for a lock.
 */
#include <pthread.h>
#include <stdlib.h>

#include "bench.h"

struct rw_slot {
	pthread_rwlock_t lock;
	struct bench_obj obj;
};

struct mx_slot {
	pthread_mutex_t lock;
	struct bench_obj obj;
};

static void *rw_create(size_t nslots)
{
	struct rw_slot *slots = bench_table(nslots, sizeof(*slots));

	for (size_t i = 0; i < nslots; i++) {
		if (pthread_rwlock_init(&slots[i].lock, NULL) != 0)
			bench_die("pthread_rwlock_init failed");
		slots[i].obj.a = (long)i;
	}
	return slots;
}

static void rw_destroy(void *table, size_t nslots)
{
	struct rw_slot *slots = table;

	for (size_t i = 0; i < nslots; i++)
		pthread_rwlock_destroy(&slots[i].lock);
	free(slots);
}

static inline long rw_read_one(void *table, size_t i)
{
	struct rw_slot *s = (struct rw_slot *)table + i;
	long v;

	pthread_rwlock_rdlock(&s->lock);
	v = s->obj.a;
	pthread_rwlock_unlock(&s->lock);
	return v;
}

static long rw_read_once(void *table, size_t i)
{
	return rw_read_one(table, i);
}

BENCH_DEFINE_READ_LOOP(rw_read_loop, rw_read_one, (void)0)

static void rw_update(void *table, size_t i, enum bench_how how)
{
	struct rw_slot *s = (struct rw_slot *)table + i;

	(void)how;
	pthread_rwlock_wrlock(&s->lock);
	s->obj.a++;
	s->obj.b = s->obj.a;
	pthread_rwlock_unlock(&s->lock);
}

static void *mx_create(size_t nslots)
{
	struct mx_slot *slots = bench_table(nslots, sizeof(*slots));

	for (size_t i = 0; i < nslots; i++) {
		if (pthread_mutex_init(&slots[i].lock, NULL) != 0)
			bench_die("pthread_mutex_init failed");
		slots[i].obj.a = (long)i;
	}
	return slots;
}

static void mx_destroy(void *table, size_t nslots)
{
	struct mx_slot *slots = table;

	for (size_t i = 0; i < nslots; i++)
		pthread_mutex_destroy(&slots[i].lock);
	free(slots);
}

static inline long mx_read_one(void *table, size_t i)
{
	struct mx_slot *s = (struct mx_slot *)table + i;
	long v;

	pthread_mutex_lock(&s->lock);
	v = s->obj.a;
	pthread_mutex_unlock(&s->lock);
	return v;
}

static long mx_read_once(void *table, size_t i)
{
	return mx_read_one(table, i);
}

BENCH_DEFINE_READ_LOOP(mx_read_loop, mx_read_one, (void)0)

static void mx_update(void *table, size_t i, enum bench_how how)
{
	struct mx_slot *s = (struct mx_slot *)table + i;

	(void)how;
	pthread_mutex_lock(&s->lock);
	s->obj.a++;
	s->obj.b = s->obj.a;
	pthread_mutex_unlock(&s->lock);
}

const struct bench_impl bench_rwlock = {
	.name = "rwlock",
	.family = "rwlock",
	.rcu = false,
	.slot_size = sizeof(struct rw_slot),
	.old_size = 0,
	.obj_size = 0,
	.create = rw_create,
	.destroy = rw_destroy,
	.thread_start = bench_noop,
	.thread_stop = bench_noop,
	.quiescent = bench_noop,
	.offline = bench_noop,
	.online = bench_noop,
	.read_once = rw_read_once,
	.read_loop = rw_read_loop,
	.update = rw_update,
	.barrier = bench_noop,
};

const struct bench_impl bench_mutex = {
	.name = "mutex",
	.family = "mutex",
	.rcu = false,
	.slot_size = sizeof(struct mx_slot),
	.old_size = 0,
	.obj_size = 0,
	.create = mx_create,
	.destroy = mx_destroy,
	.thread_start = bench_noop,
	.thread_stop = bench_noop,
	.quiescent = bench_noop,
	.offline = bench_noop,
	.online = bench_noop,
	.read_once = mx_read_once,
	.read_loop = mx_read_loop,
	.update = mx_update,
	.barrier = bench_noop,
};
