/* SPDX-License-Identifier: MIT */
/*
 * Debug builds (RCUSLOT_DEBUG): every misuse of a map aborts with one line
 * naming the function, the map and the caller's file:line, as
 * check_debug.c does for slots: each misuse runs as a test that must die of
 * SIGABRT, and in a child whose stderr is compared with the exact line.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_map.h"
#include "check_rcuslot.h"

#ifdef RCUSLOT_DEBUG

/* The misuse statement follows AT(run) on the same line. */
#define AT(run) if (!(run)) return __LINE__; else

static uint32_t one = 1;

/* A map holding key 1. */
static struct tmap *full_map(void)
{
	static struct tmap m;

	if (tmap_init(&m, 0) != 0 || tmap_insert(&m, mobj_new(1, 10)) != 0)
		abort();
	return &m;
}

static int find_outside(int run)
{
	struct tmap *m = run ? full_map() : NULL;

	AT(run) (void)tmap_find(m, &one);
	return 0;
}

static int foreach_outside(int run)
{
	struct tmap *m = run ? full_map() : NULL;
	const struct mobj *o;

	AT(run) RCU_MAP_FOREACH(tmap, m, o) (void)o;
	return 0;
}

static int destroy_inside(int run)
{
	struct tmap *m = run ? full_map() : NULL;

	if (run)
		rcuslot_read_lock();
	AT(run) tmap_destroy(m);
	return 0;
}

static int resize_inside(int run)
{
	struct tmap *m = run ? full_map() : NULL;

	if (run)
		rcuslot_read_lock();
	AT(run) tmap_resize(m, 1024);
	return 0;
}

static int free_inside(int run)
{
	struct tmap_old old;

	if (run) {
		old = tmap_remove(full_map(), &one);
		rcuslot_read_lock();
	}
	AT(run) tmap_old_free(&old);
	return 0;
}

static int reclaim_inside(int run)
{
	struct tmap_old old;

	if (run) {
		old = tmap_remove(full_map(), &one);
		rcuslot_read_lock();
	}
	AT(run) mobj_free(tmap_old_reclaim(&old));
	return 0;
}

static int defer_inside(int run)
{
	struct tmap_old old;

	if (run) {
		old = tmap_remove(full_map(), &one);
		rcuslot_read_lock();
	}
	AT(run) tmap_old_defer(&old);
	return 0;
}

static int find_unregistered(int run)
{
	struct tmap *m = run ? full_map() : NULL;

	if (run)
		rcuslot_unregister_thread();
	AT(run) (void)tmap_find(m, &one);
	return 0;
}

static int insert_unregistered(int run)
{
	struct tmap *m = run ? full_map() : NULL;

	if (run)
		rcuslot_unregister_thread();
	AT(run) if (tmap_insert(m, mobj_new(2, 2)) != 0) return -1;
	return 0;
}

static int remove_unregistered(int run)
{
	struct tmap *m = run ? full_map() : NULL;
	struct tmap_old old;

	if (run)
		rcuslot_unregister_thread();
	AT(run) old = tmap_remove(m, &one);
	tmap_old_free(&old);
	return 0;
}

static int copy_keep(const struct mobj *old, struct mobj **new_out, void *arg)
{
	(void)old;
	(void)new_out;
	(void)arg;
	return 0;
}

static int copy_update_unregistered(int run)
{
	struct tmap *m = run ? full_map() : NULL;
	struct tmap_old old;

	if (run)
		rcuslot_unregister_thread();
	AT(run) if (tmap_copy_update(m, &one, copy_keep, NULL, &old) != 0) return -1;
	return 0;
}

static int free_copy_twice(int run)
{
	struct tmap_old old, copy;

	if (run) {
		old = tmap_remove(full_map(), &one);
		copy = old;
		tmap_old_free(&old);
	}
	AT(run) tmap_old_free(&copy);
	return 0;
}

static int batch_copy_twice(int run)
{
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	struct tmap_old old, copy;

	if (run) {
		old = tmap_remove(full_map(), &one);
		copy = old;
		tmap_batch_add(&b, &old);
	}
	AT(run) tmap_batch_add(&b, &copy);
	return 0;
}

static int insert_twice(int run)
{
	struct tmap m;
	struct mobj *o = run ? mobj_new(5, 5) : NULL; /* run 0 only asks the line */

	if (run) {
		if (tmap_init(&m, 0) != 0 || tmap_insert(&m, o) != 0)
			abort();
		o->key = 6; /* even under another key: it is linked */
	}
	AT(run) if (tmap_insert(&m, o) != 0) return -1;
	return 0;
}

static int upsert_linked(int run)
{
	struct tmap *m = run ? full_map() : NULL;
	const struct mobj *o = NULL;
	struct tmap_old old;

	if (run) {
		rcuslot_read_lock();
		o = tmap_find(m, &one);
		rcuslot_read_unlock();
	}
	AT(run) if (tmap_upsert(m, (struct mobj *)o, &old) != 0)
		return 1;
	tmap_old_free(&old);
	return 0;
}

static int reinsert_before_gp(int run)
{
	struct tmap *m = run ? full_map() : NULL;
	struct tmap_old old;
	struct mobj *o = NULL;

	if (run) {
		rcuslot_read_lock();
		o = (struct mobj *)tmap_find(m, &one);
		rcuslot_read_unlock();
		old = tmap_remove(m, &one);
	}
	AT(run) if (tmap_insert(m, o) != 0) return -1;
	tmap_old_free(&old);
	return 0;
}

static struct mobj *linked_obj;

static int copy_linked(const struct mobj *old, struct mobj **new_out, void *arg)
{
	(void)old;
	(void)arg;
	*new_out = linked_obj;
	return 0;
}

/* The copy is an object already in another map. */
static int copy_update_linked(int run)
{
	struct tmap *m = run ? full_map() : NULL;
	struct tmap other;
	struct tmap_old old;
	uint32_t two = 2;

	if (run) {
		linked_obj = mobj_new(2, 2);
		if (tmap_init(&other, 0) != 0 || tmap_insert(&other, linked_obj) != 0)
			abort();
	}
	AT(run) if (tmap_copy_update(m, &two, copy_linked, NULL, &old) != 0) return -1;
	return 0;
}

/* A callback that returns 0 and leaves *new_out alone: a slip, as for slots. */
static int copy_forgets(const struct mobj *old, struct mobj **new_out, void *arg)
{
	(void)old;
	(void)new_out;
	(void)arg;
	return 0;
}

static int copy_update_untouched(int run)
{
	struct tmap *m = run ? full_map() : NULL;
	struct tmap_old old;
	uint32_t k = 1;

	AT(run) if (tmap_copy_update(m, &k, copy_forgets, NULL, &old) != 0) return -1;
	return 0;
}

#define WAITS "called inside a read-side critical section (it would wait for itself forever)"
#define UNREG "called from a thread that is not registered (rcuslot_register_thread)"
#define TWICE "consumed an old handle that was already consumed (through a copy of it?)"
#define LINKED "called with an object that is already in a map"
#define EARLY "called with an object taken out of a map whose grace period has not passed " \
	"(an old handle owns it)"

static const struct misuse {
	int (*fn)(int run);
	const char *what;
	enum misuse_when when;
} misuses[] = {
	{ find_outside, "tmap_find called outside a read-side critical section", LOCKED },
	{ foreach_outside, "RCU_MAP_FOREACH(tmap) called outside a read-side critical section", LOCKED },
	{ destroy_inside, "tmap_destroy " WAITS, LOCKED },
	{ resize_inside, "tmap_resize " WAITS, LOCKED },
	{ free_inside, "tmap_old_free " WAITS, LOCKED },
	{ reclaim_inside, "tmap_old_reclaim " WAITS, LOCKED },
	{ defer_inside, "tmap_old_defer " WAITS, LOCKED },
	{ find_unregistered, "tmap_find " UNREG, REG },
	{ insert_unregistered, "tmap_insert " UNREG, REG },
	{ remove_unregistered, "tmap_remove " UNREG, REG },
	{ copy_update_unregistered, "tmap_copy_update " UNREG, REG },
	{ free_copy_twice, "tmap_old_free " TWICE, ANY },
	{ batch_copy_twice, "tmap_batch_add " TWICE, ANY },
	{ insert_twice, "tmap_insert " LINKED, ANY },
	{ upsert_linked, "tmap_upsert " LINKED, ANY },
	{ reinsert_before_gp, "tmap_insert " EARLY, ANY },
	{ copy_update_linked, "tmap_copy_update " LINKED, ANY },
	{ copy_update_untouched, "tmap_copy_update got 0 from a copy callback that did not write "
	  "*new_out (write the new object, NULL to empty, or old for no change)", ANY },
};

#define NMISUSES ((int)(sizeof(misuses) / sizeof(misuses[0])))

static const struct misuse *checked[NMISUSES];
static int nchecked;

START_TEST(test_map_misuse_aborts)
{
	checked[_i]->fn(1);
}
END_TEST

START_TEST(test_map_misuse_message)
{
	misuse_expect_message(checked[_i]->fn, checked[_i]->what, "check_map_debug.c", _i);
}
END_TEST

/*
 * Correct use raises nothing: an object re-inserted after old_reclaim,
 * one whose memory comes back from malloc after a free, find inside a
 * copy callback (the map's own section counts as a read-side section).
 */
static int copy_with_find(const struct mobj *old, struct mobj **new_out, void *arg)
{
	struct tmap *m = arg;

	ck_assert_ptr_eq(tmap_find(m, &one), old);
	*new_out = mobj_new(1, old->value + 1);
	return 0;
}

START_TEST(test_map_correct_use_passes)
{
	struct tmap *m = full_map();
	struct tmap_old old;
	struct mobj *o;
	const struct mobj *r;

	ck_assert_int_eq(tmap_copy_update(m, &one, copy_with_find, m, &old), 0);
	o = tmap_old_reclaim(&old);
	o->key = 3;
	ck_assert_int_eq(tmap_insert(m, o), 0);
	for (int i = 0; i < 100; i++) {
		uint32_t k = 100 + (uint32_t)i;

		ck_assert_int_eq(tmap_insert(m, mobj_new(k, i)), 0);
		old = tmap_remove(m, &k);
		tmap_old_free(&old);
	}
	rcuslot_read_lock();
	RCU_MAP_FOREACH(tmap, m, r)
		ck_assert(mobj_live(r));
	rcuslot_read_unlock();
	tmap_destroy(m);
	ck_assert_int_eq(mobj_frees, mobj_allocs);
}
END_TEST

Suite *map_debug_suite(void)
{
	const char *fork = getenv("CK_FORK");
	TCase *tc;
	Suite *s = rcu_suite("map-debug-checks", &tc, map_setup, NULL);

	for (int i = 0; i < NMISUSES; i++)
		if (misuse_checked_here(misuses[i].when))
			checked[nchecked++] = &misuses[i];
	if (!fork || strcmp(fork, "no") != 0)
		tcase_add_loop_test_raise_signal(tc, test_map_misuse_aborts, SIGABRT, 0, nchecked);
	tcase_add_loop_test(tc, test_map_misuse_message, 0, nchecked);
	tcase_add_test(tc, test_map_correct_use_passes);
	return s;
}

#endif /* RCUSLOT_DEBUG */
