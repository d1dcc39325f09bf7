/* SPDX-License-Identifier: MIT */
/* Every generated map operation, with its absent-key, error and retry paths. */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "check_map.h"
#include "check_rcuslot.h"

atomic_long mobj_allocs;
atomic_long mobj_frees;
atomic_long mobj_bad_frees;
void (*mobj_free_hook)(struct mobj *o);

struct mobj *mobj_new(uint32_t key, long value)
{
	/* Straight from malloc: the map must initialize the node itself. */
	struct mobj *o = malloc(sizeof(*o));

	if (!o)
		return NULL;
	memset(&o->node, 0x5a, sizeof(o->node));
	o->magic = MOBJ_LIVE;
	o->key = key;
	o->value = value;
	o->id = -1;
	atomic_init(&o->unpub, 0);
	atomic_fetch_add(&mobj_allocs, 1);
	return o;
}

int mobj_live(const struct mobj *o)
{
	return o && o->magic == MOBJ_LIVE;
}

void mobj_free(struct mobj *o)
{
	if (o->magic != MOBJ_LIVE)
		atomic_fetch_add(&mobj_bad_frees, 1);
	if (mobj_free_hook)
		mobj_free_hook(o);
	o->magic = MOBJ_DEAD;
	o->value = -12345;
	atomic_fetch_add(&mobj_frees, 1);
	free(o);
}

void map_setup(void)
{
	rcu_thread_setup();
	atomic_store(&mobj_allocs, 0);
	atomic_store(&mobj_frees, 0);
	atomic_store(&mobj_bad_frees, 0);
	mobj_free_hook = NULL;
}

/* The value under key as a reader sees it, or -1 when absent. */
static long value_of(struct tmap *m, uint32_t key)
{
	const struct mobj *o;
	long v = -1;

	rcuslot_read_lock();
	o = tmap_find(m, &key);
	if (o) {
		ck_assert(mobj_live(o));
		ck_assert_uint_eq(o->key, key);
		v = o->value;
	}
	rcuslot_read_unlock();
	return v;
}

static void map_init(struct tmap *m, unsigned long expected)
{
	ck_assert_int_eq(tmap_init(m, expected), 0);
}

/* A handle that holds garbage, so a test sees whether it was written. */
static struct tmap_old garbage_handle(void)
{
	struct tmap_old old;

	memset(&old, 0x77, sizeof(old));
	return old;
}

START_TEST(test_sizes)
{
	ck_assert_uint_eq(sizeof(struct tmap), sizeof(void *) + sizeof(uint64_t));
	ck_assert_uint_eq(sizeof(struct tmap_old), sizeof(void *));
}
END_TEST

START_TEST(test_init_invalid)
{
	struct tmap m;

	ck_assert_int_eq(tmap_init(NULL, 1), -EINVAL);
	ck_assert_int_eq(tmap_init(&m, RCUSLOT_MAP_EXPECTED_MAX + 1), -EINVAL);
	/* A map whose init failed may be destroyed: nothing happens. */
	tmap_destroy(&m);
	ck_assert_int_eq(tmap_init(&m, 0), 0);
	ck_assert_uint_eq(tmap_count(&m), 0);
	tmap_destroy(&m);
	ck_assert_int_eq(tmap_init(&m, 1000), 0);
	tmap_destroy(&m);
	/* Destroying twice is harmless too. */
	tmap_destroy(&m);
	ck_assert_int_eq(mobj_frees, 0);
}
END_TEST

START_TEST(test_insert_find)
{
	struct tmap m;
	struct mobj *dup = mobj_new(7, 700);

	map_init(&m, 4);
	ck_assert_int_eq(tmap_insert(&m, mobj_new(7, 70)), 0);
	ck_assert_int_eq(tmap_insert(&m, mobj_new(8, 80)), 0);
	ck_assert_int_eq(value_of(&m, 7), 70);
	ck_assert_int_eq(value_of(&m, 8), 80);
	ck_assert_int_eq(value_of(&m, 9), -1);
	ck_assert_uint_eq(tmap_count(&m), 2);
	/* A present key: the map is unchanged and the caller still owns dup. */
	ck_assert_int_eq(tmap_insert(&m, dup), -EEXIST);
	ck_assert_int_eq(value_of(&m, 7), 70);
	ck_assert_uint_eq(tmap_count(&m), 2);
	mobj_free(dup); /* never visible to readers: freed at once */
	ck_assert_int_eq(mobj_frees, 1);
	tmap_destroy(&m);
	ck_assert_int_eq(mobj_frees, 3);
	ck_assert_int_eq(mobj_bad_frees, 0);
}
END_TEST

START_TEST(test_upsert)
{
	struct tmap m;
	struct tmap_old old;

	map_init(&m, 0);
	ck_assert_int_eq(tmap_upsert(&m, mobj_new(1, 10), &old), 0);
	ck_assert(tmap_old_is_empty(&old));
	tmap_old_free(&old);
	ck_assert_int_eq(mobj_frees, 0);
	ck_assert_int_eq(tmap_upsert(&m, mobj_new(1, 11), &old), 0);
	ck_assert(!tmap_old_is_empty(&old));
	ck_assert_int_eq(value_of(&m, 1), 11);
	ck_assert_uint_eq(tmap_count(&m), 1);
	ck_assert_int_eq(mobj_frees, 0);
	tmap_old_free(&old);
	ck_assert(tmap_old_is_empty(&old));
	ck_assert_int_eq(mobj_frees, 1);
	tmap_destroy(&m);
	ck_assert_int_eq(mobj_frees, 2);
}
END_TEST

START_TEST(test_replace)
{
	struct tmap m;
	struct tmap_old old = garbage_handle();
	struct mobj *absent = mobj_new(5, 50), *o;

	map_init(&m, 0);
	ck_assert_int_eq(tmap_replace(&m, absent, &old), -ENOENT);
	ck_assert(tmap_old_is_empty(&old)); /* written on the error path too */
	ck_assert_int_eq(value_of(&m, 5), -1);
	/* The caller kept absent, untouched: it may insert it now. */
	ck_assert_int_eq(tmap_insert(&m, absent), 0);
	old = garbage_handle();
	ck_assert_int_eq(tmap_replace(&m, mobj_new(5, 51), &old), 0);
	ck_assert_int_eq(value_of(&m, 5), 51);
	o = tmap_old_reclaim(&old);
	ck_assert_ptr_eq(o, absent);
	ck_assert_int_eq(o->value, 50);
	ck_assert_int_eq(mobj_frees, 0);
	/* Past its grace period, the object may be re-inserted. */
	o->key = 6;
	ck_assert_int_eq(tmap_insert(&m, o), 0);
	ck_assert_int_eq(value_of(&m, 6), 50);
	ck_assert_uint_eq(tmap_count(&m), 2);
	tmap_destroy(&m);
	ck_assert_int_eq(mobj_frees, 2);
}
END_TEST

START_TEST(test_remove)
{
	struct tmap m;
	struct tmap_old old;
	uint32_t k = 3, other = 4;

	map_init(&m, 0);
	ck_assert_int_eq(tmap_insert(&m, mobj_new(3, 30)), 0);
	old = tmap_remove(&m, &other);
	ck_assert(tmap_old_is_empty(&old));
	old = tmap_remove(&m, &k);
	ck_assert(!tmap_old_is_empty(&old));
	ck_assert_int_eq(value_of(&m, 3), -1);
	ck_assert_uint_eq(tmap_count(&m), 0);
	tmap_old_defer(&old);
	ck_assert(tmap_old_is_empty(&old));
	rcuslot_barrier();
	ck_assert_int_eq(mobj_frees, 1);
	old = tmap_remove(&m, &k);
	ck_assert(tmap_old_is_empty(&old));
	tmap_destroy(&m);
	ck_assert_int_eq(mobj_frees, 1);
}
END_TEST

START_TEST(test_batch)
{
	struct tmap m;
	struct rcuslot_batch batch = RCUSLOT_BATCH_INITIALIZER;
	unsigned long gps;

	map_init(&m, 0);
	for (uint32_t k = 0; k < 100; k++)
		ck_assert_int_eq(tmap_insert(&m, mobj_new(k, k)), 0);
	for (uint32_t k = 0; k < 100; k++) {
		struct tmap_old old = tmap_remove(&m, &k);

		tmap_batch_add(&batch, &old);
		ck_assert(tmap_old_is_empty(&old));
	}
	ck_assert_uint_eq(rcuslot_batch_count(&batch), 100);
	ck_assert_int_eq(mobj_frees, 0);
	gps = rcuslot_grace_periods_waited();
	rcuslot_batch_free(&batch);
	ck_assert_uint_eq(rcuslot_grace_periods_waited(), gps + 1);
	ck_assert_int_eq(mobj_frees, 100);
	ck_assert_uint_eq(tmap_count(&m), 0);
	tmap_destroy(&m);
	ck_assert_int_eq(mobj_bad_frees, 0);
}
END_TEST

/* copy_update's callbacks; arg is the value to store, or what to do. */
static int copy_set(const struct mobj *old, struct mobj **new_out, void *arg)
{
	long v = *(long *)arg;

	*new_out = mobj_new(old ? old->key : 42, v + (old ? old->value : 0));
	return *new_out ? 0 : -ENOMEM;
}

static int copy_remove(const struct mobj *old, struct mobj **new_out, void *arg)
{
	(void)old;
	(void)arg;
	*new_out = NULL;
	return 0;
}

static int copy_untouched(const struct mobj *old, struct mobj **new_out, void *arg)
{
	(void)old;
	(void)new_out;
	(*(int *)arg)++;
	return 0;
}

static int copy_fail(const struct mobj *old, struct mobj **new_out, void *arg)
{
	(void)old;
	/* Built something, then failed: frees it; *new_out must be ignored. */
	*new_out = mobj_new(1, 1);
	mobj_free(*new_out);
	(*(int *)arg)++;
	return -EIO;
}

static int copy_wrong_key(const struct mobj *old, struct mobj **new_out, void *arg)
{
	(void)old;
	(void)arg;
	*new_out = mobj_new(999, 1);
	return 0;
}

START_TEST(test_copy_update)
{
	struct tmap m;
	struct tmap_old old = garbage_handle();
	uint32_t k = 42;
	long add = 5;
	int calls = 0;

	map_init(&m, 0);
	/* Absent key: copy sees NULL; a new object inserts. */
	ck_assert_int_eq(tmap_copy_update(&m, &k, copy_set, &add, &old), 0);
	ck_assert(tmap_old_is_empty(&old));
	ck_assert_int_eq(value_of(&m, 42), 5);
	/* Present: the new object replaces, the old handle owns the old one. */
	ck_assert_int_eq(tmap_copy_update(&m, &k, copy_set, &add, &old), 0);
	ck_assert(!tmap_old_is_empty(&old));
	ck_assert_int_eq(value_of(&m, 42), 10);
	tmap_old_free(&old);
	ck_assert_int_eq(mobj_frees, 1);
#ifndef RCUSLOT_DEBUG /* debug builds abort on it, as for a slot */
	/* Untouched *new_out: no change, nothing published, handle empty. */
	old = garbage_handle();
	ck_assert_int_eq(tmap_copy_update(&m, &k, copy_untouched, &calls, &old), 0);
	ck_assert(tmap_old_is_empty(&old));
	ck_assert_int_eq(calls, 1);
	ck_assert_int_eq(value_of(&m, 42), 10);
	/* Untouched on an absent key: still nothing. */
	k = 43;
	ck_assert_int_eq(tmap_copy_update(&m, &k, copy_untouched, &calls, &old), 0);
	ck_assert(tmap_old_is_empty(&old));
	ck_assert_int_eq(value_of(&m, 43), -1);
#else
	(void)copy_untouched;
	calls = 1;
#endif
	/* An error leaves the map unchanged and the handle empty. */
	k = 42;
	old = garbage_handle();
	ck_assert_int_eq(tmap_copy_update(&m, &k, copy_fail, &calls, &old), -EIO);
	ck_assert(tmap_old_is_empty(&old));
	ck_assert_int_eq(value_of(&m, 42), 10);
	ck_assert_int_eq(mobj_frees, 2); /* copy_fail's own object */
	/* A copy under another key is refused and freed. */
	ck_assert_int_eq(tmap_copy_update(&m, &k, copy_wrong_key, NULL, &old), -EINVAL);
	ck_assert(tmap_old_is_empty(&old));
	ck_assert_int_eq(mobj_frees, 3);
	ck_assert_int_eq(value_of(&m, 999), -1);
	/* An explicit NULL removes. */
	ck_assert_int_eq(tmap_copy_update(&m, &k, copy_remove, NULL, &old), 0);
	ck_assert(!tmap_old_is_empty(&old));
	ck_assert_int_eq(value_of(&m, 42), -1);
	tmap_old_defer(&old);
	/* NULL on an absent key: nothing to remove, handle empty. */
	ck_assert_int_eq(tmap_copy_update(&m, &k, copy_remove, NULL, &old), 0);
	ck_assert(tmap_old_is_empty(&old));
	rcuslot_barrier();
	ck_assert_int_eq(mobj_frees, 4);
	ck_assert_uint_eq(tmap_count(&m), 0);
	tmap_destroy(&m);
	ck_assert_int_eq(mobj_bad_frees, 0);
	ck_assert_int_eq(mobj_allocs, mobj_frees);
}
END_TEST

/*
 * A racing updater: on copy's first call, another update of the same key
 * lands (same thread, inside copy: updates do not wait). The first attempt
 * must lose, its copy be freed, and copy run again against the newer object.
 */
static struct tmap race_map;
static struct tmap_old race_old;
static int race_calls;
static long race_seen[4];
static int race_mode;

static int copy_racing(const struct mobj *old, struct mobj **new_out, void *arg)
{
	uint32_t k = 9;

	(void)arg;
	race_seen[race_calls] = old ? old->value : -1;
	if (race_calls++ == 0) {
		if (race_mode == 0)
			ck_assert_int_eq(tmap_upsert(&race_map, mobj_new(9, 100), &race_old), 0);
		else if (race_mode == 1)
			race_old = tmap_remove(&race_map, &k);
		else
			ck_assert_int_eq(tmap_insert(&race_map, mobj_new(9, 100)), 0);
	}
	*new_out = mobj_new(9, (old ? old->value : 0) + 1);
	return 0;
}

START_TEST(test_copy_update_retry)
{
	struct tmap_old old;
	uint32_t k = 9;

	race_mode = _i;
	race_calls = 0;
	race_old = (struct tmap_old){ NULL };
	map_init(&race_map, 0);
	if (race_mode != 2)
		ck_assert_int_eq(tmap_insert(&race_map, mobj_new(9, 1)), 0);
	ck_assert_int_eq(tmap_copy_update(&race_map, &k, copy_racing, NULL, &old), 0);
	ck_assert_int_eq(race_calls, 2);
	if (race_mode == 0) {        /* replaced meanwhile: retry against it */
		ck_assert_int_eq(race_seen[0], 1);
		ck_assert_int_eq(race_seen[1], 100);
		ck_assert_int_eq(value_of(&race_map, 9), 101);
	} else if (race_mode == 1) { /* removed meanwhile: insert */
		ck_assert_int_eq(race_seen[1], -1);
		ck_assert_int_eq(value_of(&race_map, 9), 1);
		ck_assert(tmap_old_is_empty(&old));
	} else {                     /* inserted meanwhile: replace it */
		ck_assert_int_eq(race_seen[0], -1);
		ck_assert_int_eq(race_seen[1], 100);
		ck_assert_int_eq(value_of(&race_map, 9), 101);
	}
	tmap_old_free(&old);
	tmap_old_free(&race_old);
	tmap_destroy(&race_map);
	/* Every object freed once: the losing copy among them. */
	ck_assert_int_eq(mobj_allocs, mobj_frees);
	ck_assert_int_eq(mobj_bad_frees, 0);
}
END_TEST

START_TEST(test_foreach)
{
	enum { N = 1000 };
	static unsigned char seen[N];
	struct tmap m;
	const struct mobj *o;
	unsigned long n = 0;

	memset(seen, 0, sizeof(seen));
	map_init(&m, 0);
	rcuslot_read_lock();
	RCU_MAP_FOREACH(tmap, &m, o)
		n++;
	rcuslot_read_unlock();
	ck_assert_uint_eq(n, 0);
	for (uint32_t k = 0; k < N; k++)
		ck_assert_int_eq(tmap_insert(&m, mobj_new(k, (long)k * 2)), 0);
	rcuslot_read_lock();
	RCU_MAP_FOREACH(tmap, &m, o) {
		ck_assert(mobj_live(o));
		ck_assert_uint_lt(o->key, N);
		ck_assert_int_eq(o->value, (long)o->key * 2);
		seen[o->key]++;
		n++;
	}
	rcuslot_read_unlock();
	ck_assert_uint_eq(n, N);
	for (int i = 0; i < N; i++)
		ck_assert_int_eq(seen[i], 1);
	/* break leaves the loop, with obj at the object it stopped at. */
	n = 0;
	rcuslot_read_lock();
	RCU_MAP_FOREACH(tmap, &m, o) {
		if (++n == 10)
			break;
	}
	ck_assert_ptr_nonnull(o);
	ck_assert(mobj_live(o));
	rcuslot_read_unlock();
	ck_assert_uint_eq(n, 10);
	/* Two loops in one scope, and nested, each with its own iterator. */
	n = 0;
	rcuslot_read_lock();
	RCU_MAP_FOREACH(tmap, &m, o) {
		const struct mobj *p;

		if (o->key >= 3)
			continue;
		RCU_MAP_FOREACH(tmap, &m, p)
			n++;
	}
	rcuslot_read_unlock();
	ck_assert_uint_eq(n, 3UL * N);
	tmap_destroy(&m);
	ck_assert_int_eq(mobj_frees, N);
}
END_TEST

/* destroy frees every object before it returns, with one grace period. */
START_TEST(test_destroy_frees_all)
{
	struct tmap m;
	unsigned long gps;

	map_init(&m, 0);
	for (uint32_t k = 0; k < 5000; k++)
		ck_assert_int_eq(tmap_insert(&m, mobj_new(k, k)), 0);
	gps = rcuslot_grace_periods_waited();
	tmap_destroy(&m);
	ck_assert_int_eq(mobj_frees, 5000);
	ck_assert_uint_eq(rcuslot_grace_periods_waited(), gps + 1);
	ck_assert_int_eq(mobj_bad_frees, 0);
}
END_TEST

/*
 * liburcu 0.13.2: cds_lfht_destroy waits for an in-flight resize, whose
 * shrink waits for a grace period. A qsbr thread that is online (not in any
 * rcuslot_read_lock) would hold that grace period up forever: this test
 * hangs (and times out) unless destroy goes offline around it. Loop i
 * destroys right after a burst of inserts (a grow in flight), of removals
 * (a shrink), or both.
 */
START_TEST(test_destroy_during_resize)
{
	for (int round = 0; round < 5; round++) {
		struct tmap m;
		uint32_t n = 20000;

		map_init(&m, 1);
		for (uint32_t k = 0; k < n; k++)
			ck_assert_int_eq(tmap_insert(&m, mobj_new(k, k)), 0);
		if (_i != 0) {
			for (uint32_t k = 0; k < (_i == 1 ? n : n / 2); k++) {
				struct tmap_old old = tmap_remove(&m, &k);

				tmap_old_defer(&old);
			}
		}
		tmap_destroy(&m);
	}
	rcuslot_barrier();
	ck_assert_int_eq(mobj_frees, mobj_allocs);
	ck_assert_int_eq(mobj_bad_frees, 0);
}
END_TEST

/* The table grows and shrinks by itself; lookups stay right throughout. */
#define GROW_KEYS 20000
START_TEST(test_grow_shrink)
{
	struct tmap m;

	map_init(&m, 0);
	for (uint32_t k = 0; k < GROW_KEYS; k++)
		ck_assert_int_eq(tmap_insert(&m, mobj_new(k * 7919u, k)), 0);
	ck_assert_uint_eq(tmap_count(&m), GROW_KEYS);
	for (uint32_t k = 0; k < GROW_KEYS; k += 97)
		ck_assert_int_eq(value_of(&m, k * 7919u), k);
	for (uint32_t k = 0; k < GROW_KEYS; k++) {
		uint32_t key = k * 7919u;
		struct tmap_old old = tmap_remove(&m, &key);

		ck_assert(!tmap_old_is_empty(&old));
		tmap_old_defer(&old);
	}
	ck_assert_uint_eq(tmap_count(&m), 0);
	ck_assert_int_eq(tmap_insert(&m, mobj_new(1, 1)), 0);
	ck_assert_int_eq(value_of(&m, 1), 1);
	tmap_destroy(&m);
	rcuslot_barrier();
	ck_assert_int_eq(mobj_frees, GROW_KEYS + 1);
}
END_TEST

/*
 * name_resize: up and down while a reader looks up every key, which it
 * always finds; then the table resizes itself again (a later fill and
 * drain go through).
 */
#define RESIZE_KEYS 5000
static atomic_int resize_stop;
static atomic_long resize_misses, resize_lookups;

static void *resize_reader(void *arg)
{
	struct tmap *m = arg;

	rcuslot_register_thread();
	while (!atomic_load(&resize_stop)) {
		for (uint32_t k = 0; k < RESIZE_KEYS; k += 7) {
			if (value_of(m, k) != (long)k)
				atomic_fetch_add(&resize_misses, 1);
			atomic_fetch_add(&resize_lookups, 1);
		}
		rcuslot_quiescent_state();	/* qsbr: let the shrinks' grace periods end */
	}
	rcuslot_unregister_thread();
	return NULL;
}

START_TEST(test_resize)
{
	static const unsigned long sizes[] = { 1 << 16, 1, 4096, 0, 1 << 14, 3, 1 << 16 };
	struct tmap m;
	pthread_t reader;

	map_init(&m, 0);
	for (uint32_t k = 0; k < RESIZE_KEYS; k++)
		ck_assert_int_eq(tmap_insert(&m, mobj_new(k, k)), 0);
	atomic_store(&resize_stop, 0);
	atomic_store(&resize_misses, 0);
	atomic_store(&resize_lookups, 0);
	ck_assert_int_eq(pthread_create(&reader, NULL, resize_reader, &m), 0);
	for (int round = 0; round < 4; round++)
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
			tmap_resize(&m, sizes[i]);
	atomic_store(&resize_stop, 1);
	ck_assert_int_eq(pthread_join(reader, NULL), 0);
	ck_assert_int_eq(atomic_load(&resize_misses), 0);
	ck_assert_int_gt(atomic_load(&resize_lookups), 0);
	ck_assert_uint_eq(tmap_count(&m), RESIZE_KEYS);
	for (uint32_t k = RESIZE_KEYS; k < 4 * RESIZE_KEYS; k++)
		ck_assert_int_eq(tmap_insert(&m, mobj_new(k, k)), 0);
	for (uint32_t k = 0; k < 4 * RESIZE_KEYS; k += 13)
		ck_assert_int_eq(value_of(&m, k), k);
	tmap_destroy(&m);
	rcuslot_barrier();
	ck_assert_int_eq(mobj_frees, 4L * RESIZE_KEYS);
}
END_TEST

/* --- the hash ------------------------------------------------------------ */

START_TEST(test_hash)
{
	enum { KEYS = 1 << 16, BUCKETS = 1 << 10 };
	static unsigned int load[BUCKETS];
	unsigned int max = 0;
	char a[] = "abcdefghijklmnopq", b[] = "abcdefghijklmnopq";

	memset(load, 0, sizeof(load));
	/* Sequential keys spread over the low bits rculfhash buckets by. */
	for (uint32_t k = 0; k < KEYS; k++)
		load[rcuslot_map_hash_bytes(&k, sizeof(k)) % BUCKETS]++;
	for (int i = 0; i < BUCKETS; i++)
		max = load[i] > max ? load[i] : max;
	ck_assert_uint_lt(max, 2 * KEYS / BUCKETS);
	/* Equal bytes hash alike; every length and every byte counts. */
	ck_assert_uint_eq(rcuslot_map_hash_bytes(a, 17), rcuslot_map_hash_bytes(b, 17));
	ck_assert_uint_eq(rcuslot_map_hash_string(a), rcuslot_map_hash_bytes(b, 17));
	for (size_t len = 1; len <= 17; len++) {
		ck_assert_uint_ne(rcuslot_map_hash_bytes(a, len), rcuslot_map_hash_bytes(a, len - 1));
		b[len - 1] ^= 1;
		ck_assert_uint_ne(rcuslot_map_hash_bytes(a, len), rcuslot_map_hash_bytes(b, len));
		b[len - 1] ^= 1;
	}
	ck_assert(rcuslot_map_string_eq("route", "route"));
	ck_assert(!rcuslot_map_string_eq("route", "routes"));
}
END_TEST

/* --- string keys: a char[N] member and a const char * member ------------- */

struct named {
	char name[24];
	long value;
	struct rcuslot_map_node node;
};
struct labelled {
	const char *label; /* owned: freed with the object */
	long value;
	struct rcuslot_map_node node;
};
static atomic_long named_frees;
static void named_free(struct named *n)
{
	atomic_fetch_add(&named_frees, 1);
	free(n);
}
static void labelled_free(struct labelled *l)
{
	atomic_fetch_add(&named_frees, 1);
	free((void *)l->label);
	free(l);
}
RCU_MAP_DEFINE_STRING(nmap, struct named, node, name, named_free);
RCU_MAP_DEFINE_STRING(lmap, struct labelled, node, label, labelled_free);

/* A user-hashed map: case-insensitive keys, by the custom generator. */
static unsigned long hash_nocase(const char *s)
{
	unsigned long h = 5381;

	for (; *s; s++)
		h = h * 33 + (unsigned char)(*s | 0x20);
	return rcuslot_map_hash_bytes(&h, sizeof(h));
}
static bool eq_nocase(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}
RCU_MAP_DEFINE_CUSTOM(cimap, struct named, node, name, const char *, hash_nocase,
		      eq_nocase, named_free);

static struct named *named_new(const char *name, long value)
{
	struct named *n = calloc(1, sizeof(*n));

	snprintf(n->name, sizeof(n->name), "%s", name);
	n->value = value;
	return n;
}

static struct labelled *labelled_new(const char *label, long value)
{
	struct labelled *l = malloc(sizeof(*l));

	l->label = strdup(label);
	l->value = value;
	return l;
}

static int named_bump(const struct named *old, struct named **new_out, void *arg)
{
	*new_out = named_new(arg, old ? old->value + 1 : 1);
	return 0;
}

START_TEST(test_string_keys)
{
	struct nmap n;
	struct lmap l;
	struct cimap ci;
	struct nmap_old nold;
	struct lmap_old lold;
	struct cimap_old ciold;
	char key[32];
	const struct named *got;
	struct named *dup;

	atomic_store(&named_frees, 0);
	ck_assert_int_eq(nmap_init(&n, 0), 0);
	ck_assert_int_eq(lmap_init(&l, 0), 0);
	ck_assert_int_eq(cimap_init(&ci, 0), 0);
	ck_assert_int_eq(nmap_insert(&n, named_new("alice", 1)), 0);
	ck_assert_int_eq(nmap_insert(&n, named_new("bob", 2)), 0);
	ck_assert_int_eq(lmap_insert(&l, labelled_new("carol", 3)), 0);
	ck_assert_int_eq(cimap_insert(&ci, named_new("Dave", 4)), 0);
	/* Looked up through another buffer with the same contents. */
	strcpy(key, "alice");
	rcuslot_read_lock();
	got = nmap_find(&n, key);
	ck_assert_ptr_nonnull(got);
	ck_assert_int_eq(got->value, 1);
	ck_assert_ptr_null(nmap_find(&n, "alic"));
	ck_assert_ptr_null(nmap_find(&n, "alice "));
	ck_assert_int_eq(lmap_find(&l, "carol")->value, 3);
	ck_assert_ptr_null(lmap_find(&l, "Carol"));
	ck_assert_int_eq(cimap_find(&ci, "DAVE")->value, 4);
	ck_assert_int_eq(cimap_find(&ci, "dave")->value, 4);
	rcuslot_read_unlock();
	ck_assert_int_eq(nmap_upsert(&n, named_new("bob", 20), &nold), 0);
	ck_assert(!nmap_old_is_empty(&nold));
	nmap_old_free(&nold);
	ck_assert_int_eq(nmap_copy_update(&n, "bob", named_bump, "bob", &nold), 0);
	nmap_old_free(&nold);
	ck_assert_int_eq(nmap_copy_update(&n, "eve", named_bump, "eve", &nold), 0);
	ck_assert(nmap_old_is_empty(&nold));
	rcuslot_read_lock();
	ck_assert_int_eq(nmap_find(&n, "bob")->value, 21);
	ck_assert_int_eq(nmap_find(&n, "eve")->value, 1);
	rcuslot_read_unlock();
	dup = named_new("DAVE", 5);
	ck_assert_int_eq(cimap_insert(&ci, dup), -EEXIST);
	named_free(dup); /* the caller's still */
	ciold = cimap_remove(&ci, "dAvE");
	ck_assert(!cimap_old_is_empty(&ciold));
	cimap_old_free(&ciold);
	lold = lmap_remove(&l, "carol");
	lmap_old_defer(&lold);
	ck_assert_uint_eq(nmap_count(&n), 3);
	nmap_destroy(&n);
	lmap_destroy(&l);
	cimap_destroy(&ci);
	rcuslot_barrier();
	/* alice, three bobs, eve; carol; Dave and the refused DAVE. */
	ck_assert_int_eq(named_frees, 8);
}
END_TEST

/* --- the seed: chosen keys cannot be made to collide ---------------------- */

struct blob {
	unsigned char key[16];
	struct rcuslot_map_node node;
};
static void blob_free(struct blob *b)
{
	free(b);
}
RCU_MAP_DEFINE(bmap, struct blob, node, key, blob_free);

enum { FLOOD_KEYS = 5000, FLOOD_BUCKETS = 4096 };

/*
 * FLOOD_KEYS 16-byte keys that all collide without a seed: the unseeded
 * hash multiplies the first word, xored with a constant, by the second, so
 * a first word equal to that constant zeroes the product whatever follows.
 * An attacker who knows the hash builds such a set offline; with the seed
 * in every operand, the same construction needs the seed. No byte is 0, so
 * the keys are strings too.
 */
static void flood_key(unsigned char key[16], unsigned i)
{
	uint64_t first = RCUSLOT_PRIV_MAP_K1, second = 0x0101010101010101ULL;

	for (int b = 0; b < 4; b++, i /= 200) /* i in base 200, a digit a byte */
		second += (uint64_t)(i % 200u) << (8 * b);
	memcpy(key, &first, 8);
	memcpy(key + 8, &second, 8);
}

/* The most keys any of FLOOD_BUCKETS buckets gets under hash_of(i). */
static unsigned max_load(unsigned long (*hash_of)(unsigned i, const void *ctx), const void *ctx)
{
	static unsigned load[FLOOD_BUCKETS];
	unsigned max = 0;

	memset(load, 0, sizeof(load));
	for (unsigned i = 0; i < FLOOD_KEYS; i++) {
		unsigned *l = &load[hash_of(i, ctx) % FLOOD_BUCKETS];

		if (++*l > max)
			max = *l;
	}
	return max;
}

static unsigned long unseeded_of(unsigned i, const void *ctx)
{
	unsigned char key[16];

	(void)ctx;
	flood_key(key, i);
	return rcuslot_map_hash_bytes(key, sizeof(key));
}

static unsigned long bmap_of(unsigned i, const void *ctx)
{
	struct blob b;

	flood_key(b.key, i);
	return bmap_priv_hash(ctx, &b.key);
}

static unsigned long nmap_of(unsigned i, const void *ctx)
{
	char key[17];

	flood_key((unsigned char *)key, i);
	key[16] = '\0';
	return nmap_priv_hash(ctx, key);
}

START_TEST(test_hash_seeded)
{
	struct bmap m, m2;
	struct nmap n;
	struct blob probe;
	unsigned char key[16];

	ck_assert_int_eq(bmap_init(&m, FLOOD_KEYS), 0);
	ck_assert_int_eq(bmap_init(&m2, 0), 0);
	ck_assert_int_eq(nmap_init(&n, 0), 0);
	/* The keys are distinct, and unseeded every one lands in one bucket. */
	flood_key(key, 0);
	flood_key(probe.key, FLOOD_KEYS - 1);
	ck_assert(memcmp(key, probe.key, 16) != 0);
	ck_assert_uint_eq(max_load(unseeded_of, NULL), FLOOD_KEYS);
	/*
	 * Seeded, they spread as random keys do: 5000 keys in 4096 buckets
	 * load the fullest with about 7; 16 is beyond any seed's bad luck
	 * (below 1e-9 for random hashes), far below the 5000 of a flood.
	 */
	ck_assert_uint_le(max_load(bmap_of, &m), 16);
	ck_assert_uint_le(max_load(nmap_of, &n), 16);
	/* Each map draws its own seed: the same key hashes apart. */
	ck_assert_uint_ne(bmap_priv_hash(&m, &probe.key), bmap_priv_hash(&m2, &probe.key));
	/* And the map works on them: every key in, every key found. */
	for (unsigned i = 0; i < FLOOD_KEYS; i++) {
		struct blob *b = malloc(sizeof(*b));

		ck_assert_ptr_nonnull(b);
		flood_key(b->key, i);
		ck_assert_int_eq(bmap_insert(&m, b), 0);
	}
	rcuslot_read_lock();
	for (unsigned i = 0; i < FLOOD_KEYS; i++) {
		flood_key(key, i);
		ck_assert_ptr_nonnull(bmap_find(&m, &key));
	}
	rcuslot_read_unlock();
	ck_assert_uint_eq(bmap_count(&m), FLOOD_KEYS);
	bmap_destroy(&m);
	bmap_destroy(&m2);
	nmap_destroy(&n);
}
END_TEST

/* The seeded hash: seeds, lengths and bytes all count. */
START_TEST(test_hash_seeds)
{
	unsigned char k[40];

	for (size_t i = 0; i < sizeof(k); i++)
		k[i] = (unsigned char)(i * 37 + 1);
	for (size_t len = 0; len <= sizeof(k); len++) {
		ck_assert_uint_eq(rcuslot_map_hash_seeded(k, len, 7), rcuslot_map_hash_seeded(k, len, 7));
		ck_assert_uint_ne(rcuslot_map_hash_seeded(k, len, 7), rcuslot_map_hash_seeded(k, len, 8));
		ck_assert_uint_eq(rcuslot_map_hash_seeded(k, len, 0), rcuslot_map_hash_bytes(k, len));
		if (len)
			ck_assert_uint_ne(rcuslot_map_hash_seeded(k, len, 7),
					  rcuslot_map_hash_seeded(k, len - 1, 7));
	}
	/* Swapping the halves of a short key is not a collision. */
	{
		uint64_t w[2] = { 0x1122334455667788ULL, 0x99aabbccddeeff00ULL };
		uint64_t v[2] = { w[1] ^ RCUSLOT_PRIV_MAP_K0 ^ RCUSLOT_PRIV_MAP_K1,
				  w[0] ^ RCUSLOT_PRIV_MAP_K0 ^ RCUSLOT_PRIV_MAP_K1 };

		ck_assert_uint_ne(rcuslot_map_hash_seeded(w, 16, 5), rcuslot_map_hash_seeded(v, 16, 5));
	}
	ck_assert_uint_ne(rcuslot_map_new_seed(), rcuslot_map_new_seed());
	ck_assert_uint_eq(rcuslot_map_hash_string_seeded("route", 9),
			  rcuslot_map_hash_seeded("route", 5, 9));
}
END_TEST

/* The named-flavor generator, given the unit's flavor as a bare token. */
RCU_MAP_DEFINE_FLAVOR(fvmap, struct mobj, node, key, mobj_free, RCUSLOT_FLAVOR);

/*
 * RCU_MAP_INITIALIZER: "readers find nothing in it, and its first update
 * allocates the table and draws the map's seed"; every operation on a map
 * without a table behaves as on an empty one, and after destroy the map is
 * one without a table again, usable as before.
 */
static struct tmap static_map = RCU_MAP_INITIALIZER;
static struct tmap static_other = RCU_MAP_INITIALIZER;
static struct tmap zeroed_map; /* static storage without an initializer */

START_TEST(test_static_initializer)
{
	struct mobj *spare = mobj_new(1, 10);
	struct tmap_old old;
	const struct mobj *o;
	uint32_t k = 1;
	int seen = 0;

	ck_assert_ptr_null(static_map.rcuslot_priv_ht);
	ck_assert_uint_eq(static_map.rcuslot_priv_seed, 0);
	RCUSLOT_READ_SCOPE({
		ck_assert_ptr_null(tmap_find(&static_map, &k));
		RCU_MAP_FOREACH(tmap, &static_map, o)
			seen++;
	})
	ck_assert_int_eq(seen, 0);
	ck_assert_uint_eq(tmap_count(&static_map), 0);
	old = tmap_remove(&static_map, &k);
	ck_assert(tmap_old_is_empty(&old));
	old.rcuslot_priv_obj = spare; /* written on every path */
	ck_assert_int_eq(tmap_replace(&static_map, spare, &old), -ENOENT);
	ck_assert(tmap_old_is_empty(&old));
	/* none of those allocated a table or drew a seed */
	ck_assert_ptr_null(static_map.rcuslot_priv_ht);
	ck_assert_uint_eq(static_map.rcuslot_priv_seed, 0);
	ck_assert(mobj_live(spare)); /* still ours */

	/* The first update allocates; the rest is an ordinary map. */
	ck_assert_int_eq(tmap_insert(&static_map, spare), 0);
	ck_assert_ptr_nonnull(static_map.rcuslot_priv_ht);
	ck_assert_uint_ne(static_map.rcuslot_priv_seed, 0);
	ck_assert_int_eq(value_of(&static_map, 1), 10);
	ck_assert_int_eq(tmap_upsert(&static_other, mobj_new(1, 20), &old), 0);
	ck_assert(tmap_old_is_empty(&old));
	ck_assert_int_eq(value_of(&static_other, 1), 20);
	ck_assert_uint_ne(static_other.rcuslot_priv_seed, 0);
	ck_assert_uint_ne(static_other.rcuslot_priv_seed,
			  static_map.rcuslot_priv_seed);
	for (uint32_t i = 2; i <= 100; i++)
		ck_assert_int_eq(tmap_insert(&static_map, mobj_new(i, i)), 0);
	ck_assert_uint_eq(tmap_count(&static_map), 100);

	/* Destroyed: without a table again, and usable again. */
	tmap_destroy(&static_map);
	ck_assert_ptr_null(static_map.rcuslot_priv_ht);
	ck_assert_int_eq(atomic_load(&mobj_frees), 100);
	ck_assert_int_eq(value_of(&static_map, 1), -1);
	ck_assert_int_eq(tmap_insert(&static_map, mobj_new(7, 70)), 0);
	ck_assert_int_eq(value_of(&static_map, 7), 70);
	tmap_destroy(&static_map);
	tmap_destroy(&static_other);
	tmap_destroy(&static_other); /* twice: nothing left to do */

	/* A zeroed map is the same; copy_update and resize allocate too. */
	tmap_resize(&zeroed_map, 64);
	ck_assert_ptr_nonnull(zeroed_map.rcuslot_priv_ht);
	tmap_destroy(&zeroed_map);
	k = 42; /* the key copy_set gives a new object */
	ck_assert_int_eq(
		tmap_copy_update(&zeroed_map, &k, copy_set, &(long){ 5 }, &old),
		0);
	ck_assert(tmap_old_is_empty(&old));
	ck_assert_int_eq(value_of(&zeroed_map, 42), 5);
	tmap_destroy(&zeroed_map);
	ck_assert_int_eq(atomic_load(&mobj_allocs), atomic_load(&mobj_frees));
	ck_assert_int_eq(atomic_load(&mobj_bad_frees), 0);
}
END_TEST

/*
 * "Racing first updates are safe: one table wins, the others are destroyed
 * unseen": threads released together each make the first insert into the
 * same statically initialized map, round after round. Every object lands
 * in the one table and is found under the one seed (an update that hashed
 * with a seed other than the table's would lose its key); the losers'
 * tables leak nothing (ASan) and the publication is ordered (TSan).
 */
#define FIRST_THREADS 4
#define FIRST_ROUNDS 20
#define FIRST_KEYS 8

static struct tmap first_map;
static pthread_barrier_t first_go;

/*
 * The worst moment: a first update draws the map's seed (getrandom) after
 * it found no table and before it builds one. While first_park is set, the
 * first two draws wait for each other (up to a second), so two updaters
 * are both past the check when either builds its table.
 */
static atomic_int first_park, first_drawing;
static ssize_t (*real_getrandom)(void *, size_t, unsigned int);
static pthread_once_t real_getrandom_once = PTHREAD_ONCE_INIT;

static void find_real_getrandom(void)
{
	real_getrandom = (ssize_t(*)(void *, size_t, unsigned int))dlsym(
		RTLD_NEXT, "getrandom");
}

/* NOLINTNEXTLINE(readability-inconsistent-declaration-parameter-name): glibc's are reserved */
ssize_t getrandom(void *buf, size_t len, unsigned int flags)
{
	const struct timespec tick = { 0, 10000 };

	pthread_once(&real_getrandom_once, find_real_getrandom);
	if (atomic_load(&first_park) && atomic_fetch_add(&first_drawing, 1) < 2)
		for (int i = 0; i < 100000 && atomic_load(&first_drawing) < 2;
		     i++)
			nanosleep(&tick, NULL);
	return real_getrandom(buf, len, flags);
}

static void *first_inserter(void *arg)
{
	uint32_t base = (uint32_t)(uintptr_t)arg * FIRST_KEYS;

	rcuslot_register_thread();
	/* offline while waiting: under qsbr destroy waits for online threads */
	rcuslot_thread_offline();
	for (int r = 0; r < FIRST_ROUNDS; r++) {
		pthread_barrier_wait(&first_go); /* the map is fresh */
		rcuslot_thread_online();
		for (uint32_t k = base; k < base + FIRST_KEYS; k++)
			ck_assert_int_eq(
				tmap_insert(&first_map, mobj_new(k, k)), 0);
		rcuslot_thread_offline();
		pthread_barrier_wait(&first_go); /* the test thread checks */
		pthread_barrier_wait(&first_go); /* and empties it */
	}
	rcuslot_thread_online();
	rcuslot_unregister_thread();
	return NULL;
}

START_TEST(test_static_first_updates_race)
{
	pthread_t t[FIRST_THREADS];

	ck_assert_int_eq(
		pthread_barrier_init(&first_go, NULL, FIRST_THREADS + 1), 0);
	for (uintptr_t i = 0; i < FIRST_THREADS; i++)
		ck_assert_int_eq(
			pthread_create(&t[i], NULL, first_inserter, (void *)i),
			0);
	for (int r = 0; r < FIRST_ROUNDS; r++) {
		struct tmap fresh = RCU_MAP_INITIALIZER;

		first_map = fresh;
		atomic_store(&first_drawing, 0);
		atomic_store(&first_park, 1);
		rcuslot_thread_offline();
		pthread_barrier_wait(&first_go);
		pthread_barrier_wait(&first_go);
		rcuslot_thread_online();
		atomic_store(&first_park, 0);
		ck_assert_int_ge(atomic_load(&first_drawing),
				 2); /* two raced */
		for (uint32_t k = 0; k < FIRST_THREADS * FIRST_KEYS; k++)
			ck_assert_int_eq(value_of(&first_map, k), (long)k);
		ck_assert_uint_eq(tmap_count(&first_map),
				  (unsigned long)FIRST_THREADS * FIRST_KEYS);
		tmap_destroy(&first_map);
		rcuslot_thread_offline();
		pthread_barrier_wait(&first_go);
		rcuslot_thread_online();
	}
	rcuslot_thread_offline();
	for (int i = 0; i < FIRST_THREADS; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	rcuslot_thread_online();
	pthread_barrier_destroy(&first_go);
	ck_assert_int_eq(atomic_load(&mobj_frees),
			 (long)FIRST_ROUNDS * FIRST_THREADS * FIRST_KEYS);
	ck_assert_int_eq(atomic_load(&mobj_bad_frees), 0);
}
END_TEST

START_TEST(test_named_flavor)
{
	struct fvmap m;
	struct fvmap_old old;
	const struct mobj *o;
	uint32_t k = 1;

	ck_assert_int_eq(fvmap_init(&m, 0), 0);
	ck_assert_int_eq(fvmap_insert(&m, mobj_new(1, 10)), 0);
	ck_assert_int_eq(fvmap_upsert(&m, mobj_new(1, 11), &old), 0);
	ck_assert(!fvmap_old_is_empty(&old));
	fvmap_old_defer(&old);
	rcuslot_read_lock();
	o = fvmap_find(&m, &k);
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(o->value, 11);
	rcuslot_read_unlock();
	fvmap_destroy(&m);
	rcuslot_barrier();
	ck_assert_int_eq(mobj_frees, 2);
	ck_assert_int_eq(mobj_bad_frees, 0);
}
END_TEST

Suite *map_suite(void)
{
	TCase *tc;
	Suite *s = rcu_suite("map", &tc, map_setup, NULL);

	tcase_add_test(tc, test_sizes);
	tcase_add_test(tc, test_init_invalid);
	tcase_add_test(tc, test_insert_find);
	tcase_add_test(tc, test_upsert);
	tcase_add_test(tc, test_replace);
	tcase_add_test(tc, test_remove);
	tcase_add_test(tc, test_batch);
	tcase_add_test(tc, test_copy_update);
	tcase_add_loop_test(tc, test_copy_update_retry, 0, 3);
	tcase_add_test(tc, test_foreach);
	tcase_add_test(tc, test_destroy_frees_all);
	tcase_add_test(tc, test_hash);
	tcase_add_test(tc, test_hash_seeded);
	tcase_add_test(tc, test_hash_seeds);
	tcase_add_test(tc, test_string_keys);
	tcase_add_test(tc, test_named_flavor);
	tcase_add_test(tc, test_static_initializer);
	tcase_add_test(tc, test_static_first_updates_race);
	/*
	 * Their own case and timeout: resizes wait for grace periods, a shrink
	 * one per halving, which take seconds on a loaded machine under the
	 * sanitizers; a hang, what the first tests for, is still caught.
	 */
	tc = tcase_create("map-resize");
	tcase_add_checked_fixture(tc, map_setup, rcu_thread_teardown);
	tcase_set_timeout(tc, 4 * GP_TIMEOUT);
	tcase_add_loop_test(tc, test_destroy_during_resize, 0, 3);
	tcase_add_test(tc, test_grow_shrink);
	tcase_add_test(tc, test_resize);
	suite_add_tcase(s, tc);
	return s;
}
