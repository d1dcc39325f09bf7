/* SPDX-License-Identifier: MIT */
/*
 * Readers and two updaters (one by copy_update, one by replace, retiring by
 * free, defer and reclaim in turn) on one slot, for a bounded number of
 * updates. Checked: every object a reader sees is intact; every object is
 * freed exactly once; and never while a reader that could hold it is still
 * inside its read-side critical section.
 *
 * The last check is a clock argument. A reader stores, inside its section,
 * the value of a global clock it read there (0 when outside). An updater
 * takes a stamp from the clock (fetch_add) before it unpublishes an object.
 * A reader whose stored value is <= the stamp read the clock before the
 * stamp was taken, so its section began before the unpublish and may hold
 * the object: free_fn must never find such a reader still inside.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>

#include "check_rcuslot.h"
#include "testobj.h"

#define READERS 4
#define UPDATES 1000

static struct tslot slot;
static atomic_ulong clock_now;
static atomic_ulong reader_begin[READERS];
static atomic_int stop;
static atomic_long reads, empty_reads, torn, early_frees, retries;

static void check_not_held(struct tobj *o)
{
	uint64_t unpub = atomic_load(&o->unpub);

	if (unpub == 0) /* never published: a losing copy */
		return;
	for (int r = 0; r < READERS; r++) {
		unsigned long b = atomic_load(&reader_begin[r]);

		if (b != 0 && b <= unpub)
			atomic_fetch_add(&early_frees, 1);
	}
}

static void check_obj(const struct tobj *o)
{
	if (o && !tobj_intact(o))
		atomic_fetch_add(&torn, 1);
}

static void *reader(void *arg)
{
	int r = (int)(intptr_t)arg;
	unsigned seed = (unsigned)r * 7919u + 1;

	rcuslot_register_thread();
	while (!atomic_load(&stop)) {
		const struct tobj *o;

		rcuslot_read_lock();
		atomic_store(&reader_begin[r], atomic_load(&clock_now));
		o = tslot_dereference(&slot);
		check_obj(o);
		if (rand_r(&seed) % 4 == 0) { /* a nested section */
			rcuslot_read_lock();
			check_obj(tslot_dereference(&slot));
			rcuslot_read_unlock();
		}
		for (int spin = rand_r(&seed) % 64; spin > 0; spin--)
			caa_cpu_relax();
		check_obj(o); /* still intact at the end of the section */
		atomic_fetch_add(o ? &reads : &empty_reads, 1);
		atomic_store(&reader_begin[r], 0);
		rcuslot_read_unlock();
		rcuslot_quiescent_state();
		/* Work outside the section, so grace periods can end (bp and
		 * signal poll for readers; on 2 loaded cores that adds up). */
		for (int spin = rand_r(&seed) % 64; spin > 0; spin--)
			caa_cpu_relax();
		if (rand_r(&seed) % 128 == 0)
			sched_yield();
	}
	rcuslot_unregister_thread();
	return NULL;
}

/* Retire by free, defer or reclaim, in turn. */
static void retire(struct tslot_old *old, uint64_t stamp, int how)
{
	if (tslot_old_is_empty(old))
		return;
	atomic_store(&((struct tobj *)rcuslot_priv_strip(old->rcuslot_priv_obj))->unpub, stamp);
	switch (how % 3) {
	case 0:
		tslot_old_free(old);
		break;
	case 1:
		tslot_old_defer(old);
		break;
	default:
		tobj_free(tslot_old_reclaim(old));
		break;
	}
}

static int copy_next(const struct tobj *old, struct tobj **new_out, void *arg)
{
	long *calls = arg;

	if ((*calls)++ > 0)
		atomic_fetch_add(&retries, 1);
	*new_out = tobj_new(old ? old->value + 1 : 1);
	return *new_out ? 0 : -1;
}

static void *copy_updater(void *arg)
{
	(void)arg;
	rcuslot_register_thread();
	for (int i = 0; i < UPDATES; i++) {
		struct tslot_old old;
		uint64_t stamp = atomic_fetch_add(&clock_now, 1);
		long calls = 0;

		ck_assert_int_eq(tslot_copy_update(&slot, copy_next, &calls, &old), 0);
		retire(&old, stamp, i);
		rcuslot_quiescent_state();
	}
	rcuslot_unregister_thread();
	return NULL;
}

static void *replace_updater(void *arg)
{
	(void)arg;
	rcuslot_register_thread();
	for (int i = 0; i < UPDATES; i++) {
		uint64_t stamp = atomic_fetch_add(&clock_now, 1);
		/* Every 17th update clears the slot. */
		struct tobj *n = i % 17 == 16 ? NULL : tobj_new(1000000 + i);
		struct tslot_old old = tslot_replace(&slot, n);

		retire(&old, stamp, i + 1);
		rcuslot_quiescent_state();
	}
	rcuslot_unregister_thread();
	return NULL;
}

START_TEST(test_readers_and_two_updaters)
{
	pthread_t rt[READERS], cu, ru;

	atomic_store(&clock_now, 1);
	atomic_store(&stop, 0);
	tobj_free_hook = check_not_held;
	tslot_init(&slot, tobj_new(0));
	for (int r = 0; r < READERS; r++)
		ck_assert_int_eq(pthread_create(&rt[r], NULL, reader, (void *)(intptr_t)r), 0);
	ck_assert_int_eq(pthread_create(&cu, NULL, copy_updater, NULL), 0);
	ck_assert_int_eq(pthread_create(&ru, NULL, replace_updater, NULL), 0);
	offline_join(cu);
	offline_join(ru);
	atomic_store(&stop, 1);
	for (int r = 0; r < READERS; r++)
		offline_join(rt[r]);
	tslot_destroy(&slot);
	rcuslot_barrier();

	long n_reads = atomic_load(&reads), n_torn = atomic_load(&torn);
	long n_early = atomic_load(&early_frees), n_bad = atomic_load(&tobj_bad_frees);
	long n_allocs = atomic_load(&tobj_allocs), n_frees = atomic_load(&tobj_frees);

	ck_assert_int_gt(n_reads, 0);
	ck_assert_int_eq(n_torn, 0);
	ck_assert_int_eq(n_early, 0);
	ck_assert_int_eq(n_bad, 0);
	/* Every object allocated, winners and losing copies, freed exactly once. */
	ck_assert_int_eq(n_frees, n_allocs);
	ck_assert_int_ge(n_allocs, 2 * UPDATES - UPDATES / 17);
}
END_TEST

Suite *concurrency_suite(void)
{
	TCase *tc;
	Suite *s = rcu_suite("concurrency", &tc, NULL, NULL);

	tcase_add_test(tc, test_readers_and_two_updaters);
	return s;
}
