/* SPDX-License-Identifier: MIT */
/*
 * The API documentation's promises of an outcome, checked for what they
 * mean: a refused or failed update leaves the whole container as it was
 * (every key, value and object, in order), frees nothing, and leaves its
 * object the caller's; an output handle is written on every path; an empty
 * handle is a no-op that waits for nothing; a refused setting changes
 * nothing. test/contracts.txt maps each such sentence to its test, and
 * `scons lint` checks that map (site_scons/rcuslot_lint.py).
 */
#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_list.h"
#include "check_map.h"
#include "check_rcuslot.h"
#include "failalloc.h"
#include "testobj.h"

/* ---- the map: its whole contents, as a reader sees them ---------------- */

enum { MAP_N = 8 };

struct map_snapshot {
	unsigned long count;        /* tmap_count() */
	int n;                      /* objects seen by RCU_MAP_FOREACH */
	const struct mobj *obj[64]; /* indexed by key */
	long value[64];
};

static void map_snap(struct tmap *m, struct map_snapshot *s)
{
	const struct mobj *o;

	memset(s, 0, sizeof(*s));
	s->count = tmap_count(m);
	rcuslot_read_lock();
	RCU_MAP_FOREACH(tmap, m, o) {
		ck_assert(mobj_live(o));
		ck_assert_uint_lt(o->key, 64);
		ck_assert_ptr_null(s->obj[o->key]); /* seen once */
		s->obj[o->key] = o;
		s->value[o->key] = o->value;
		s->n++;
	}
	rcuslot_read_unlock();
}

/* The map holds exactly what `before` recorded: same objects, same values. */
static void ck_assert_map_as(struct tmap *m, const struct map_snapshot *before)
{
	struct map_snapshot now;

	map_snap(m, &now);
	ck_assert_uint_eq(now.count, before->count);
	ck_assert_int_eq(now.n, before->n);
	for (int k = 0; k < 64; k++) {
		ck_assert_ptr_eq(now.obj[k], before->obj[k]);
		ck_assert_int_eq(now.value[k], before->value[k]);
	}
}

/* Keys 0..MAP_N-1, value 10 * key. */
static void map_fill(struct tmap *m)
{
	ck_assert_int_eq(tmap_init(m, 0), 0);
	for (uint32_t k = 0; k < MAP_N; k++)
		ck_assert_int_eq(tmap_insert(m, mobj_new(k, 10L * k)), 0);
}

static struct tmap_old map_garbage_handle(void)
{
	struct tmap_old old;

	memset(&old, 0x77, sizeof(old));
	return old;
}

static int map_copy_fail(const struct mobj *old, struct mobj **new_out,
			 void *arg)
{
	(void)old;
	/* Built something, freed it, failed: *new_out must be ignored. */
	*new_out = mobj_new(3, 1);
	mobj_free(*new_out);
	return *(int *)arg;
}

static int map_copy_keep(const struct mobj *old, struct mobj **new_out,
			 void *arg)
{
	*(const struct mobj **)arg = old;
	*new_out = (struct mobj *)old;
	return 0;
}

static int map_copy_other_key(const struct mobj *old, struct mobj **new_out,
			      void *arg)
{
	(void)old;
	(void)arg;
	*new_out = mobj_new(60, 1);
	return 0;
}

#ifndef RCUSLOT_DEBUG /* debug builds abort on it (check_map_debug.c) */
static int map_copy_untouched(const struct mobj *old, struct mobj **new_out,
			      void *arg)
{
	(void)old;
	(void)new_out;
	(*(int *)arg)++;
	return 0;
}
#endif

/*
 * MAP_insert() of a present key: -EEXIST, the map unchanged, and the object
 * still the caller's (untouched: it can go in under another key).
 */
START_TEST(test_map_insert_present_changes_nothing)
{
	struct tmap m;
	struct map_snapshot before;
	struct mobj *dup = mobj_new(4, 999);

	map_fill(&m);
	map_snap(&m, &before);
	ck_assert_int_eq(tmap_insert(&m, dup), -EEXIST);
	ck_assert_map_as(&m, &before);
	ck_assert_int_eq(mobj_frees, 0);
	ck_assert(mobj_live(dup));
	ck_assert_int_eq(dup->value, 999);
	/* Still the caller's, and in no map: it can be inserted at once. */
	dup->key = 40;
	ck_assert_int_eq(tmap_insert(&m, dup), 0);
	ck_assert_uint_eq(tmap_count(&m), MAP_N + 1);
	tmap_destroy(&m);
	ck_assert_int_eq(mobj_frees, MAP_N + 1);
	ck_assert_int_eq(mobj_bad_frees, 0);
}
END_TEST

/*
 * MAP_replace() of an absent key: -ENOENT, the map unchanged, *old_out
 * written (empty) though it held garbage, the object still the caller's.
 */
START_TEST(test_map_replace_absent_changes_nothing)
{
	struct tmap m;
	struct map_snapshot before;
	struct tmap_old old = map_garbage_handle();
	struct mobj *absent = mobj_new(50, 500);

	map_fill(&m);
	map_snap(&m, &before);
	ck_assert_int_eq(tmap_replace(&m, absent, &old), -ENOENT);
	ck_assert(tmap_old_is_empty(&old));
	ck_assert_map_as(&m, &before);
	ck_assert_int_eq(mobj_frees, 0);
	ck_assert(mobj_live(absent));
	ck_assert_int_eq(tmap_insert(&m, absent), 0);
	/* The success path writes it too. */
	old = map_garbage_handle();
	ck_assert_int_eq(tmap_replace(&m, mobj_new(50, 501), &old), 0);
	ck_assert_ptr_eq(tmap_old_reclaim(&old), absent);
	mobj_free(absent);
	tmap_destroy(&m);
	ck_assert_int_eq(mobj_frees, MAP_N + 2);
	ck_assert_int_eq(mobj_bad_frees, 0);
}
END_TEST

/*
 * MAP_copy_update() that changes nothing, on every path: the callback's
 * error (whatever it wrote in *new_out), `old` itself ("no change"), a copy
 * under another key (-EINVAL, the copy freed), and, in release builds, a
 * callback that did not write *new_out. Each time: the whole map as it
 * was, nothing of the map's freed, and *old_out written, empty.
 */
START_TEST(test_map_copy_update_no_change_paths)
{
	struct tmap m;
	struct map_snapshot before;
	struct tmap_old old;
	uint32_t k = 3, absent = 30;
	int err = -EIO;
	const struct mobj *seen = NULL;
	long frees;

	map_fill(&m);
	map_snap(&m, &before);

	old = map_garbage_handle();
	ck_assert_int_eq(tmap_copy_update(&m, &k, map_copy_fail, &err, &old),
			 -EIO);
	ck_assert(tmap_old_is_empty(&old));
	ck_assert_map_as(&m, &before);
	ck_assert_int_eq(mobj_frees, 1); /* the callback's own, by itself */
	/* On an absent key too. */
	old = map_garbage_handle();
	ck_assert_int_eq(
		tmap_copy_update(&m, &absent, map_copy_fail, &err, &old), -EIO);
	ck_assert(tmap_old_is_empty(&old));
	ck_assert_map_as(&m, &before);

	old = map_garbage_handle();
	ck_assert_int_eq(tmap_copy_update(&m, &k, map_copy_keep, &seen, &old),
			 0);
	ck_assert_ptr_eq(seen, before.obj[3]);
	ck_assert(tmap_old_is_empty(&old));
	ck_assert_map_as(&m, &before);

	frees = mobj_frees;
	old = map_garbage_handle();
	ck_assert_int_eq(
		tmap_copy_update(&m, &k, map_copy_other_key, NULL, &old),
		-EINVAL);
	ck_assert(tmap_old_is_empty(&old));
	ck_assert_map_as(&m, &before);
	ck_assert_int_eq(mobj_frees, frees + 1); /* the refused copy */

#ifndef RCUSLOT_DEBUG
	{
		int calls = 0;

		old = map_garbage_handle();
		ck_assert_int_eq(tmap_copy_update(&m, &k, map_copy_untouched,
						  &calls, &old),
				 0);
		ck_assert_int_eq(calls, 1);
		ck_assert(tmap_old_is_empty(&old));
		ck_assert_map_as(&m, &before);
		old = map_garbage_handle();
		ck_assert_int_eq(tmap_copy_update(&m, &absent,
						  map_copy_untouched, &calls,
						  &old),
				 0);
		ck_assert(tmap_old_is_empty(&old));
		ck_assert_map_as(&m, &before);
	}
#endif
	ck_assert_int_eq(mobj_frees, frees + 1);
	tmap_destroy(&m);
	ck_assert_int_eq(mobj_frees, frees + 1 + MAP_N);
	ck_assert_int_eq(mobj_bad_frees, 0);
}
END_TEST

/* MAP_remove() of an absent key: an empty handle, the map unchanged. */
START_TEST(test_map_remove_absent_changes_nothing)
{
	struct tmap m;
	struct map_snapshot before;
	struct tmap_old old;
	uint32_t absent = 33;

	map_fill(&m);
	map_snap(&m, &before);
	old = tmap_remove(&m, &absent);
	ck_assert(tmap_old_is_empty(&old));
	ck_assert_map_as(&m, &before);
	tmap_destroy(&m);
	ck_assert_int_eq(mobj_frees, MAP_N);
}
END_TEST

/*
 * Empty handles, map and slot: consuming one is a no-op that waits for no
 * grace period (a reader parked in its section would make a wait hang),
 * reclaim gives NULL, a batch stays empty.
 */
START_TEST(test_empty_handles_do_nothing)
{
	struct tmap m;
	struct tmap_old mold;
	struct tslot s;
	struct tslot_old sold;
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	uint32_t absent = 1;
	unsigned long gps;

	ck_assert_int_eq(tmap_init(&m, 0), 0);
	tslot_init(&s, NULL);
	gps = rcuslot_grace_periods_waited();
	mold = tmap_remove(&m, &absent);
	sold = tslot_replace(&s, NULL);
	ck_assert(tmap_old_is_empty(&mold));
	ck_assert(tslot_old_is_empty(&sold));
	tmap_old_free(&mold);
	tslot_old_free(&sold);
	ck_assert_ptr_null(tmap_old_reclaim(&mold));
	ck_assert_ptr_null(tslot_old_reclaim(&sold));
	tmap_old_defer(&mold);
	tslot_old_defer(&sold);
	tmap_batch_add(&b, &mold);
	tslot_batch_add(&b, &sold);
	ck_assert_uint_eq(rcuslot_batch_count(&b), 0);
	ck_assert_uint_eq(rcuslot_grace_periods_waited(), gps);
	ck_assert_int_eq(rcuslot_defer_pending(), 0);
	ck_assert_int_eq(mobj_frees, 0);
	ck_assert_int_eq(tobj_frees, 0);
	/* An empty slot's destroy has nothing to wait for either. */
	tslot_destroy(&s);
	tmap_destroy(&m);
}
END_TEST

/*
 * MAP_old_free() and MAP_old_reclaim(): "Waits for one (none for an empty
 * handle)": exactly one grace period for an object, none for nothing.
 */
START_TEST(test_map_retire_waits_for_one)
{
	struct tmap m;
	struct tmap_old old;
	uint32_t k = 2;
	unsigned long gps;
	struct mobj *o;

	map_fill(&m);
	old = tmap_remove(&m, &k);
	gps = rcuslot_grace_periods_waited();
	tmap_old_free(&old);
	ck_assert_uint_eq(rcuslot_grace_periods_waited(), gps + 1);
	ck_assert(tmap_old_is_empty(&old));
	ck_assert_int_eq(mobj_frees, 1);
	tmap_old_free(&old);
	ck_assert_uint_eq(rcuslot_grace_periods_waited(), gps + 1);
	k = 5;
	old = tmap_remove(&m, &k);
	o = tmap_old_reclaim(&old);
	ck_assert_uint_eq(rcuslot_grace_periods_waited(), gps + 2);
	ck_assert(mobj_live(o));
	ck_assert_uint_eq(o->key, 5);
	ck_assert_ptr_null(tmap_old_reclaim(&old));
	ck_assert_uint_eq(rcuslot_grace_periods_waited(), gps + 2);
	mobj_free(o);
	tmap_destroy(&m);
	ck_assert_int_eq(mobj_frees, MAP_N);
}
END_TEST

/*
 * NAME_destroy() and NAME_replace() from a thread that is not registered:
 * "any thread" (debug builds included: neither aborts).
 */
START_TEST(test_slot_destroy_and_replace_any_thread)
{
	struct tslot s;
	struct tslot_old old;

	tslot_init(&s, tobj_new(1));
	rcuslot_unregister_thread();
	old = tslot_replace(&s, tobj_new(2));
	tslot_old_free(&old);
	tslot_destroy(&s);
	rcuslot_register_thread();
	ck_assert_int_eq(tobj_frees, 2);
	ck_assert_ptr_null(tslot_dereference_protected(&s));
}
END_TEST

/* ---- the list ------------------------------------------------------------ */

/*
 * LIST_add_before() / LIST_add_after() next to an entry removed meanwhile
 * (the remover's handle still owns it): -ENOENT, the list exactly as it
 * was, nothing freed, and the new entry still the caller's, in no list (it
 * can be added at once; a debug build would abort on a linked one). The
 * _locked variants alike, and LIST_replace() / LIST_replace_locked() of
 * it, which write an empty handle through old_out. LIST_remove() of it
 * again: an empty handle.
 */
START_TEST(test_list_enoent_changes_nothing)
{
	struct llist l;
	struct lent *a = lent_new(1), *b = lent_new(2), *c = lent_new(3);
	struct lent *x = lent_new(9);
	struct llist_old old, again, none;

	llist_init(&l);
	llist_add_tail(&l, a);
	llist_add_tail(&l, b);
	llist_add_tail(&l, c);
	old = llist_remove(&l, b);
	ck_assert(!llist_old_is_empty(&old));
	ck_assert_keys(&l, 1, 3);
	ck_assert_int_eq(llist_add_before(&l, b, x), -ENOENT);
	ck_assert_int_eq(llist_add_after(&l, b, x), -ENOENT);
	llist_lock(&l);
	ck_assert_int_eq(llist_add_before_locked(&l, b, x), -ENOENT);
	ck_assert_int_eq(llist_add_after_locked(&l, b, x), -ENOENT);
	none.rcuslot_priv_obj = a; /* written on every path */
	ck_assert_int_eq(llist_replace_locked(&l, b, x, &none), -ENOENT);
	ck_assert(llist_old_is_empty(&none));
	llist_unlock(&l);
	none.rcuslot_priv_obj = a;
	ck_assert_int_eq(llist_replace(&l, b, x, &none), -ENOENT);
	ck_assert(llist_old_is_empty(&none));
	ck_assert_keys(&l, 1, 3);
	again = llist_remove(&l, b);
	ck_assert(llist_old_is_empty(&again));
	ck_assert_keys(&l, 1, 3);
	ck_assert_int_eq(lent_frees, 0);
	ck_assert(lent_intact(x));
	/* x is in no list: adding it is correct use. */
	llist_add_head(&l, x);
	ck_assert_keys(&l, 9, 1, 3);
	/* The entry the handle owns comes back whole, after its grace period. */
	ck_assert_ptr_eq(llist_old_reclaim(&old), b);
	ck_assert(lent_intact(b));
	lent_free(b);
	llist_destroy(&l);
	ck_assert_int_eq(lent_frees, 4);
}
END_TEST

/* ---- kit-wide settings (rcuslot/reclaim.h) --------------------------------- */

/* rcuslot_set_defer_max() out of range: -EINVAL, the bound in force kept. */
START_TEST(test_set_defer_max_out_of_range_changes_nothing)
{
	static const long bad[] = { 0, -1, LONG_MIN, LONG_MAX / 8 + 1,
				    LONG_MAX };
	long was = rcuslot_defer_max();

	ck_assert_int_eq(rcuslot_set_defer_max(was == 100 ? 101 : 100), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(rcuslot_set_defer_max(bad[i]), -EINVAL);
		ck_assert_int_eq(rcuslot_defer_max(), was == 100 ? 101 : 100);
	}
	ck_assert_int_eq(rcuslot_set_defer_max(LONG_MAX / 8), 0);
	ck_assert_int_eq(rcuslot_defer_max(), LONG_MAX / 8);
	ck_assert_int_eq(rcuslot_set_defer_max(was), 0);
}
END_TEST

static atomic_long other_allocs, other_frees;

static void *other_malloc(size_t size)
{
	atomic_fetch_add(&other_allocs, 1);
	return malloc(size);
}

static void other_free(void *p)
{
	atomic_fetch_add(&other_frees, 1);
	free(p);
}

/*
 * rcuslot_set_allocator() refused: -EINVAL for half a pair, -EBUSY while
 * a batch holds a chunk; each time the allocator in force (the suite's
 * failalloc) stays in force: the kit's next allocations go to it, and the
 * refused pair is never called.
 */
START_TEST(test_set_allocator_refused_changes_nothing)
{
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	struct rcuslot_batch b2 = RCUSLOT_BATCH_INITIALIZER;
	struct tslot s;
	struct tslot_old old;

	atomic_store(&other_allocs, 0);
	atomic_store(&other_frees, 0);
	ck_assert_int_eq(rcuslot_set_allocator(other_malloc, NULL), -EINVAL);
	ck_assert_int_eq(rcuslot_set_allocator(NULL, other_free), -EINVAL);
	failalloc_reset();
	tslot_init(&s, tobj_new(1));
	old = tslot_replace(&s, tobj_new(2));
	tslot_batch_add(&b, &old); /* its first chunk, from failalloc */
	ck_assert_int_ge(failalloc_calls(), 1);
	ck_assert_int_eq(rcuslot_set_allocator(other_malloc, other_free),
			 -EBUSY);
	ck_assert_int_eq(rcuslot_set_allocator(NULL, NULL), -EBUSY);
	/*
	 * Still failalloc's: a failure it injects is seen (a new batch's
	 * first chunk: without it, the object is freed after a grace period).
	 */
	failalloc_fail_all(1);
	old = tslot_replace(&s, tobj_new(3));
	tslot_batch_add(&b2, &old);
	failalloc_fail_all(0);
	ck_assert_uint_eq(rcuslot_batch_count(&b2), 0);
	ck_assert_int_ge(failalloc_failures(), 1);
	ck_assert_int_eq(tobj_frees, 1);
	rcuslot_batch_free(&b);
	ck_assert_int_eq(tobj_frees, 2);
	tslot_destroy(&s);
	ck_assert_int_eq(atomic_load(&other_allocs), 0);
	ck_assert_int_eq(atomic_load(&other_frees), 0);
	failalloc_reset();
}
END_TEST

/* ---- rcuslot/rcu.h, rcuslot/guard.h ---------------------------------------- */

struct sync_arg {
	atomic_int done;
};

static void *synchronizer(void *p)
{
	struct sync_arg *a = p;

	rcuslot_register_thread();
	rcuslot_synchronize();
	atomic_store(&a->done, 1);
	rcuslot_unregister_thread();
	return NULL;
}

/*
 * rcuslot_quiescent_state(), rcuslot_thread_offline() and _online(): "a
 * no-op for the other flavors". Called inside a read-side section of a
 * non-qsbr flavor, they leave it open: a grace period started meanwhile
 * still waits for its end.
 */
START_TEST(test_qsbr_calls_are_noops_elsewhere)
{
	struct sync_arg a = { 0 };
	pthread_t t;

	if (!RCUSLOT_READ_ONGOING_TRACKS_LOCK)
		return; /* qsbr, where they are what ends a section */
	rcuslot_read_lock();
	rcuslot_quiescent_state();
	rcuslot_thread_offline();
	rcuslot_thread_online();
	ck_assert_int_eq(pthread_create(&t, NULL, synchronizer, &a), 0);
	offline_sleep_ms(100); /* a no-op too, here */
	rcuslot_quiescent_state();
	ck_assert_int_eq(atomic_load(&a.done), 0);
	rcuslot_read_unlock();
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(atomic_load(&a.done), 1);
}
END_TEST

#define ck_assert_reading(expect)                                              \
	ck_assert(!RCUSLOT_READ_ONGOING_TRACKS_LOCK ||                         \
		  !!rcuslot_read_ongoing() == (expect))

static int guard_return(int early)
{
	RCUSLOT_READ_GUARD();
	ck_assert_reading(1);
	if (early)
		return 1;
	return 2;
}

/*
 * RCUSLOT_READ_GUARD(): the lock is released "on every path out of" its
 * scope: falling off the end, return, break, continue, goto.
 */
START_TEST(test_guard_unlocks_on_every_path)
{
	int i, passes = 0;

	ck_assert_int_eq(guard_return(1), 1);
	ck_assert_reading(0);
	ck_assert_int_eq(guard_return(0), 2);
	ck_assert_reading(0);
	{
		RCUSLOT_READ_GUARD();
		ck_assert_reading(1);
	}
	ck_assert_reading(0);
	for (i = 0; i < 4; i++) {
		RCUSLOT_READ_GUARD();
		ck_assert_reading(1);
		if (i == 1)
			continue;
		if (i == 2)
			break;
		passes++;
	}
	ck_assert_int_eq(passes, 1);
	ck_assert_reading(0);
	{
		RCUSLOT_READ_GUARD();
		ck_assert_reading(1);
		if (passes)
			goto out;
		passes = -1;
	}
out:
	ck_assert_int_eq(passes, 1);
	ck_assert_reading(0);
}
END_TEST

static void contracts_setup(void)
{
	map_setup();
	lent_reset();
}

static void contracts_teardown(void)
{
	rcuslot_barrier();
	ck_assert_int_eq(atomic_load(&lent_bad_frees), 0);
	ck_assert_int_eq(atomic_load(&lent_frees), atomic_load(&lent_allocs));
	ck_assert_int_eq(atomic_load(&mobj_bad_frees), 0);
	ck_assert_int_eq(atomic_load(&mobj_frees), atomic_load(&mobj_allocs));
	ck_assert_int_eq(atomic_load(&tobj_bad_frees), 0);
	ck_assert_int_eq(atomic_load(&tobj_frees), atomic_load(&tobj_allocs));
	rcuslot_unregister_thread();
}

Suite *contracts_suite(void)
{
	TCase *tc;
	Suite *s = rcu_suite("contracts", &tc, contracts_setup,
			     contracts_teardown);

	tcase_add_test(tc, test_map_insert_present_changes_nothing);
	tcase_add_test(tc, test_map_replace_absent_changes_nothing);
	tcase_add_test(tc, test_map_copy_update_no_change_paths);
	tcase_add_test(tc, test_map_remove_absent_changes_nothing);
	tcase_add_test(tc, test_empty_handles_do_nothing);
	tcase_add_test(tc, test_map_retire_waits_for_one);
	tcase_add_test(tc, test_slot_destroy_and_replace_any_thread);
	tcase_add_test(tc, test_list_enoent_changes_nothing);
	tcase_add_test(tc, test_set_defer_max_out_of_range_changes_nothing);
	tcase_add_test(tc, test_set_allocator_refused_changes_nothing);
	tcase_add_test(tc, test_qsbr_calls_are_noops_elsewhere);
	tcase_add_test(tc, test_guard_unlocks_on_every_path);
	return s;
}
