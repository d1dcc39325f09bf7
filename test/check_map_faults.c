/* SPDX-License-Identifier: MIT */
/*
 * The map under allocation failure.
 *
 * - The sweep: for N = 1, 2, ... a scenario of map updates runs with its
 *   N-th allocation failing, until a run meets no injected failure; the
 *   allocations swept are the kit's (rcuslot_set_allocator: batch chunks) and the
 *   copy callback's, counted as one sequence. At every N: a failed copy
 *   makes copy_update return the callback's error with the map unchanged
 *   and the old handle empty; a failed chunk makes batch_add wait for one
 *   grace period and free at once; every object built is freed exactly
 *   once by the end.
 * - Retiring never allocates: with every kit allocation failing, removing
 *   and deferring a thousand objects waits for no grace period.
 * - init when the table itself cannot be allocated: rculfhash allocates
 *   with calloc, out of the kit's reach; under a small address-space limit
 *   init returns -ENOMEM where liburcu reports the failure, and the process
 *   aborts in liburcu's own assertion where it does not (0.13 to 0.15).
 */
#include "failalloc.h" /* the kit allocates through it (check_main.c) */

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rcuslot/rcuslot.h>

#include "check_rcuslot.h"

#define FOBJ_LIVE 0xf0b1a11eu
#define FOBJ_DEAD 0xdeadf0b1u

struct fobj {
	uint32_t magic;
	uint32_t key;
	long value;
	struct rcuslot_map_node node;
};

static atomic_long fobj_allocs, fobj_frees, fobj_bad_frees;

static void fobj_free(struct fobj *o)
{
	if (o->magic != FOBJ_LIVE)
		atomic_fetch_add(&fobj_bad_frees, 1);
	o->magic = FOBJ_DEAD;
	free(o);
	atomic_fetch_add(&fobj_frees, 1);
}

RCU_MAP_DEFINE(fmap, struct fobj, node, key, fobj_free);

/* Objects the scenario inserts itself never fail. */
static struct fobj *fobj_new(uint32_t key, long value)
{
	struct fobj *o = malloc(sizeof(*o));

	ck_assert_ptr_nonnull(o);
	o->magic = FOBJ_LIVE;
	o->key = key;
	o->value = value;
	atomic_fetch_add(&fobj_allocs, 1);
	return o;
}

/* The copy callback allocates through the swept sequence. */
static int copy_inc(const struct fobj *old, struct fobj **new_out, void *arg)
{
	struct fobj *o = failalloc_malloc(sizeof(*o));

	if (!o)
		return -ENOMEM;
	o->magic = FOBJ_LIVE;
	o->key = *(uint32_t *)arg;
	o->value = old ? old->value + 1 : 1;
	atomic_fetch_add(&fobj_allocs, 1);
	*new_out = o;
	return 0;
}

static long value_of(struct fmap *m, uint32_t key)
{
	const struct fobj *o;
	long v = -1;

	rcuslot_read_lock();
	o = fmap_find(m, &key);
	if (o) {
		ck_assert_uint_eq(o->magic, FOBJ_LIVE);
		v = o->value;
	}
	rcuslot_read_unlock();
	return v;
}

/* copy_update key with copy_inc, checking both outcomes; the old handle out. */
static struct fmap_old inc(struct fmap *m, uint32_t key, long *value)
{
	long f0 = failalloc_failures();
	struct fmap_old old;
	int rc = fmap_copy_update(m, &key, copy_inc, &key, &old);

	if (failalloc_failures() > f0) {
		ck_assert_int_eq(rc, -ENOMEM);
		ck_assert(fmap_old_is_empty(&old));
	} else {
		ck_assert_int_eq(rc, 0);
		ck_assert(fmap_old_is_empty(&old) == (*value < 0));
		*value = *value < 0 ? 1 : *value + 1;
	}
	ck_assert_int_eq(value_of(m, key), *value);
	return old;
}

static void batch_checked(struct rcuslot_batch *b, struct fmap_old *old)
{
	long f0 = failalloc_failures(), frees0 = atomic_load(&fobj_frees);
	long held = (long)rcuslot_batch_count(b) + !fmap_old_is_empty(old);
	unsigned long gps = rcuslot_grace_periods_waited();

	fmap_batch_add(b, old);
	ck_assert(fmap_old_is_empty(old));
	if (failalloc_failures() > f0) { /* no chunk: all freed, after a grace period */
		ck_assert_uint_eq(rcuslot_batch_count(b), 0);
		ck_assert_int_eq(atomic_load(&fobj_frees), frees0 + held);
		ck_assert_uint_eq(rcuslot_grace_periods_waited(), gps + 1);
	} else {
		ck_assert_uint_eq(rcuslot_batch_count(b), held);
	}
}

static void scenario(void)
{
	struct fmap m;
	struct fmap_old old;
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	long v1 = 10, v2 = -1;

	ck_assert_int_eq(fmap_init(&m, 0), 0);
	ck_assert_int_eq(fmap_insert(&m, fobj_new(1, v1)), 0);
	old = inc(&m, 1, &v1);           /* replace by copy */
	fmap_old_defer(&old);
	old = inc(&m, 2, &v2);           /* insert by copy, into an absent key */
	ck_assert(fmap_old_is_empty(&old));
	old = inc(&m, 1, &v1);
	fmap_old_free(&old);
	/* The deferred free has run: batch_checked counts frees exactly. */
	rcuslot_barrier();
	/* A batch past its first chunk (60 entries). */
	for (uint32_t k = 100; k < 162; k++) {
		ck_assert_int_eq(fmap_insert(&m, fobj_new(k, k)), 0);
		old = fmap_remove(&m, &k);
		batch_checked(&b, &old);
	}
	old = inc(&m, 1, &v1);
	batch_checked(&b, &old);
	ck_assert_int_eq(fmap_upsert(&m, fobj_new(1, 500), &old), 0);
	v1 = 500;
	batch_checked(&b, &old);
	rcuslot_batch_defer(&b);
	ck_assert_int_eq(value_of(&m, 1), v1);
	ck_assert_int_eq(value_of(&m, 2), v2);
	fmap_destroy(&m);
}

START_TEST(test_map_alloc_failure_sweep)
{
	long n, allocs = 0;

	for (n = 1; n < 1000; n++) {
		failalloc_reset();
		failalloc_fail_nth(n);
		atomic_store(&fobj_allocs, 0);
		atomic_store(&fobj_frees, 0);
		atomic_store(&fobj_bad_frees, 0);

		scenario();
		rcuslot_barrier();

		ck_assert_int_eq(atomic_load(&fobj_frees), atomic_load(&fobj_allocs));
		ck_assert_int_eq(atomic_load(&fobj_bad_frees), 0);
		ck_assert_int_eq(rcuslot_defer_pending(), 0);
		ck_assert_int_le(failalloc_failures(), 1);
		if (failalloc_failures() == 0) {
			allocs = failalloc_calls();
			break;
		}
	}
	ck_assert_int_lt(n, 1000);
	ck_assert_int_eq(allocs, n - 1);
	ck_assert_int_gt(allocs, 0);
	printf("map fault sweep: failed allocations N = 1..%ld in turn; "
	       "a clean run of the scenario makes %ld\n", n - 1, allocs);
	failalloc_reset();
}
END_TEST

START_TEST(test_map_retire_allocates_nothing)
{
	struct fmap m;
	unsigned long gps;

	atomic_store(&fobj_frees, 0);
	ck_assert_int_eq(fmap_init(&m, 0), 0);
	for (uint32_t k = 0; k < 1000; k++)
		ck_assert_int_eq(fmap_insert(&m, fobj_new(k, k)), 0);
	failalloc_reset();
	failalloc_fail_all(1);
	gps = rcuslot_grace_periods_waited();
	for (uint32_t k = 0; k < 1000; k++) {
		struct fmap_old old = fmap_remove(&m, &k);

		ck_assert(!fmap_old_is_empty(&old));
		fmap_old_defer(&old);
	}
	/* Deferred through the nodes' own rcu_heads: nothing asked for. */
	ck_assert_int_eq(failalloc_calls(), 0);
	ck_assert_uint_eq(rcuslot_grace_periods_waited(), gps);
	failalloc_reset();
	rcuslot_barrier();
	ck_assert_int_eq(atomic_load(&fobj_frees), 1000);
	fmap_destroy(&m);
}
END_TEST

#if defined(__SANITIZE_ADDRESS__) || defined(RCUSLOT_PRIV_TSAN)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif

#ifndef UNDER_SANITIZER /* they reserve far more address space than the limit */
/*
 * Run child() in a child process under a 256 MiB address-space limit: it
 * exits 0 when the map kept its promise, or liburcu aborts in its own
 * assertion (0.13 to 0.15 do where the table cannot be allocated). Says
 * which, after `what`; true when the child exited.
 */
static bool under_memory_limit(int (*child)(void), const char *what)
{
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct rlimit rl = { 256UL << 20, 256UL << 20 };

		if (setrlimit(RLIMIT_AS, &rl) != 0)
			_exit(3);
		_exit(child());
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg((WIFEXITED(status) && WEXITSTATUS(status) == 0) ||
		      (WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT),
		      "%s under memory pressure: status %#x", what, status);
	return WIFEXITED(status);
}

/* A map expecting 16M objects (256 MiB of buckets): -ENOMEM. */
static int init_child(void)
{
	struct fmap m;

	return fmap_init(&m, 1UL << 24) == -ENOMEM ? 0 : 4;
}

START_TEST(test_map_init_out_of_memory)
{
	printf("map init out of memory: %s\n",
	       under_memory_limit(init_child, "init") ? "-ENOMEM"
						      : "liburcu aborted (its assertion)");
}
END_TEST

/*
 * The same for a map set up with RCU_MAP_INITIALIZER, whose first update
 * allocates the table: a resize to 16M objects fails (-ENOMEM's path: the
 * map stays without a table, finds nothing, and its next update tries
 * again and succeeds with a small table).
 */
static int first_update_child(void)
{
	static struct fmap m = RCU_MAP_INITIALIZER;
	struct fobj *o = fobj_new(1, 10);
	uint32_t k = 1;
	const struct fobj *found;

	fmap_resize(&m, 1UL << 24);
	if (m.rcuslot_priv_ht)
		return 4; /* 256 MiB of buckets under a 256 MiB limit */
	rcuslot_read_lock();
	found = fmap_find(&m, &k);
	rcuslot_read_unlock();
	if (found || fmap_count(&m) != 0)
		return 5;
	if (fmap_insert(&m, o) != 0)
		return 6;
	rcuslot_read_lock();
	found = fmap_find(&m, &k);
	rcuslot_read_unlock();
	return found == o ? 0 : 7;
}

START_TEST(test_map_first_update_out_of_memory)
{
	printf("map first update out of memory: %s\n",
	       under_memory_limit(first_update_child, "first update")
		       ? "no table, the next update allocates one"
		       : "liburcu aborted (its assertion)");
}
END_TEST
#endif

static void setup(void)
{
	rcu_thread_setup();
	failalloc_reset();
}

Suite *map_faults_suite(void)
{
	Suite *s = suite_create("map-faults");
	TCase *tc = tcase_create("map-alloc");

	tcase_add_checked_fixture(tc, setup, rcu_thread_teardown);
	tcase_set_timeout(tc, GP_TIMEOUT);
	tcase_add_test(tc, test_map_alloc_failure_sweep);
	tcase_add_test(tc, test_map_retire_allocates_nothing);
#ifndef UNDER_SANITIZER
	tcase_add_test(tc, test_map_init_out_of_memory);
	tcase_add_test(tc, test_map_first_update_out_of_memory);
#endif
	suite_add_tcase(s, tc);
	return s;
}
