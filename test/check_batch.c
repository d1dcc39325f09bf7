/* SPDX-License-Identifier: MIT */
/*
 * Batches: old handles of several slot types, retired with one grace period
 * (counted through rcuslot_grace_periods_waited()), every object freed
 * exactly once, also when the batch cannot grow.
 */
#include "failalloc.h" /* the kit allocates through it (check_main.c) */

#include <stdlib.h>

#include "check_rcuslot.h"
#include "testobj.h"

/* A second slot type, to mix types in one batch. */
struct route {
	long dst;
};

static atomic_long route_frees;

static void route_free(struct route *r)
{
	atomic_fetch_add(&route_frees, 1);
	free(r);
}

RCU_SLOT_DEFINE(route_slot, struct route, route_free);

static struct route *route_new(long dst)
{
	struct route *r = malloc(sizeof(*r));

	r->dst = dst;
	return r;
}

#define NROUTES 150 /* more than two of the batch's chunks */

static struct route_slot table[NROUTES];
static struct tslot cfg;

static void setup(void)
{
	rcu_thread_setup();
	failalloc_reset();
	atomic_store(&route_frees, 0);
	for (int i = 0; i < NROUTES; i++)
		route_slot_init(&table[i], route_new(i));
	tslot_init(&cfg, tobj_new(0));
}

static void teardown(void)
{
	for (int i = 0; i < NROUTES; i++)
		route_slot_destroy(&table[i]);
	tslot_destroy(&cfg);
	rcu_thread_teardown();
}

/* Replace every route and the config, gathering the old ones in b. */
static void rebuild(struct rcuslot_batch *b, long gen)
{
	struct tslot_old old_cfg = tslot_replace(&cfg, tobj_new(gen));

	for (int i = 0; i < NROUTES; i++) {
		struct route_slot_old old = route_slot_replace(&table[i], route_new(gen + i));

		route_slot_batch_add(b, &old);
		ck_assert(route_slot_old_is_empty(&old));
	}
	tslot_batch_add(b, &old_cfg);
	ck_assert(tslot_old_is_empty(&old_cfg));
}

START_TEST(test_batch_free_one_grace_period)
{
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	unsigned long gps;

	rebuild(&b, 1000);
	ck_assert_uint_eq(rcuslot_batch_count(&b), NROUTES + 1);
	ck_assert_int_eq(atomic_load(&route_frees), 0);
	gps = rcuslot_grace_periods_waited();
	rcuslot_batch_free(&b);
	ck_assert_uint_eq(rcuslot_grace_periods_waited(), gps + 1);
	ck_assert_int_eq(atomic_load(&route_frees), NROUTES);
	ck_assert_int_eq(tobj_frees, 1);
	ck_assert_uint_eq(rcuslot_batch_count(&b), 0);
	/* An empty batch waits for nothing, and the batch is reusable. */
	rcuslot_batch_free(&b);
	ck_assert_uint_eq(rcuslot_grace_periods_waited(), gps + 1);
	rebuild(&b, 2000);
	rcuslot_batch_free(&b);
	ck_assert_uint_eq(rcuslot_grace_periods_waited(), gps + 2);
	ck_assert_int_eq(atomic_load(&route_frees), 2L * NROUTES);
}
END_TEST

START_TEST(test_batch_defer_waits_for_nothing)
{
	struct rcuslot_batch b;
	unsigned long gps = rcuslot_grace_periods_waited();

	rcuslot_batch_init(&b);
	rebuild(&b, 1000);
	rcuslot_batch_defer(&b);
	ck_assert_uint_eq(rcuslot_batch_count(&b), 0);
	ck_assert_uint_eq(rcuslot_grace_periods_waited(), gps);
	rcuslot_barrier();
	ck_assert_int_eq(atomic_load(&route_frees), NROUTES);
	ck_assert_int_eq(tobj_frees, 1);
	ck_assert_int_eq(rcuslot_defer_pending(), 0);
}
END_TEST

/*
 * The batch cannot grow (its second chunk's allocation fails): the add frees
 * what the batch holds, and the object being added, after one grace period.
 */
START_TEST(test_batch_without_memory)
{
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	unsigned long gps = rcuslot_grace_periods_waited();

	failalloc_fail_nth(2);
	rebuild(&b, 1000);
	ck_assert_int_eq(failalloc_failures(), 1);
	ck_assert_uint_eq(rcuslot_grace_periods_waited(), gps + 1);
	/* The first chunk's 60 entries and the 61st route went at once. */
	ck_assert_int_eq(atomic_load(&route_frees), 61);
	rcuslot_batch_free(&b);
	ck_assert_uint_eq(rcuslot_grace_periods_waited(), gps + 2);
	ck_assert_int_eq(atomic_load(&route_frees), NROUTES);
	ck_assert_int_eq(tobj_frees, 1);
}
END_TEST

/*
 * The batch is empty and its first chunk cannot be allocated: the add frees
 * the object at once, but only after a grace period (a reader may hold it;
 * rcuslot_batch_free() on the empty batch would wait for none).
 */
START_TEST(test_batch_first_chunk_without_memory)
{
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	struct tslot_old old = tslot_replace(&cfg, tobj_new(1));
	unsigned long gps = rcuslot_grace_periods_waited();

	failalloc_fail_nth(1);
	tslot_batch_add(&b, &old);
	ck_assert_int_eq(failalloc_failures(), 1);
	ck_assert(tslot_old_is_empty(&old));
	ck_assert_uint_eq(rcuslot_batch_count(&b), 0);
	ck_assert_int_eq(tobj_frees, 1);
	ck_assert_uint_eq(rcuslot_grace_periods_waited(), gps + 1);
}
END_TEST

Suite *batch_suite(void)
{
	TCase *tc;
	Suite *s = rcu_suite("batch", &tc, setup, teardown);

	tcase_add_test(tc, test_batch_free_one_grace_period);
	tcase_add_test(tc, test_batch_defer_waits_for_nothing);
	tcase_add_test(tc, test_batch_without_memory);
	tcase_add_test(tc, test_batch_first_chunk_without_memory);
	return s;
}
