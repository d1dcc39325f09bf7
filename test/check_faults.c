/* SPDX-License-Identifier: MIT */
/*
 * Allocation-failure sweep. For N = 1, 2, ... a scenario (copy_updates,
 * replaces, clearing, old_defer with a node and with an intrusive head,
 * old_free, old_reclaim, batches freed and deferred) runs with its N-th
 * allocation failing, until a run meets no injected failure. Three
 * sequences are swept: the kit's own allocations (RCUSLOT_MALLOC, through
 * failalloc), the copy callback's (an object and its separately allocated
 * blob), and both counted as one sequence.
 *
 * At every N, after every step: each slot holds an intact object of the
 * value the scenario expects (or nothing, where it emptied the slot). When
 * the callback's allocation fails, copy_update returns the callback's
 * error, leaves the slot as it was and the old handle empty. When the
 * kit's fails, there is no error to report, by design: old_defer and
 * batch_add fall back to waiting for a grace period and freeing at once,
 * so the object (and what the batch held) is freed by the time they
 * return, after exactly one grace period. At the end of each run every
 * object built has been freed exactly once (counters, poisoning; ASan and
 * LeakSanitizer in the sanitized builds).
 */
#include "failalloc.h" /* the kit allocates through it (check_main.c) */

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rcuslot/rcuslot.h>

#include "check_rcuslot.h"

#define FOBJ_LIVE 0xf0b1a11eu
#define FOBJ_DEAD 0xdeadf0b1u
#define BLOB_LEN 24

/* An object whose copy takes two allocations: itself and its blob. */
struct fobj {
	uint32_t magic;
	long value;
	char *blob; /* the value in decimal, owned */
	struct rcu_head rcu;
};

static atomic_long fobj_allocs, fobj_frees, fobj_bad_frees;

static int fobj_intact(const struct fobj *o)
{
	return o && o->magic == FOBJ_LIVE && o->blob && strtol(o->blob, NULL, 10) == o->value;
}

static void fobj_free(struct fobj *o)
{
	if (!fobj_intact(o))
		atomic_fetch_add(&fobj_bad_frees, 1);
	o->magic = FOBJ_DEAD;
	memset(o->blob, 'x', BLOB_LEN - 1);
	free(o->blob);
	free(o);
	atomic_fetch_add(&fobj_frees, 1);
}

RCU_SLOT_DEFINE(fslot, struct fobj, fobj_free);
RCU_SLOT_DEFINE_HEAD(fhslot, struct fobj, rcu, fobj_free);

/* Which allocations fail. */
enum sweep_mode { SWEEP_KIT, SWEEP_COPY, SWEEP_BOTH, SWEEP_MODES };
static const char *const mode_name[] = { "the kit's", "the copy callback's", "all" };

static enum sweep_mode mode;
static long copy_allocs, copy_countdown, copy_failures;

/* The copy callback's allocator: its own countdown, or the kit's sequence. */
static void *copy_alloc(size_t size)
{
	if (mode == SWEEP_BOTH)
		return failalloc_malloc(size);
	copy_allocs++;
	if (mode == SWEEP_COPY && copy_countdown > 0 && --copy_countdown == 0) {
		copy_failures++;
		return NULL;
	}
	return malloc(size);
}

static struct fobj *fobj_build(long value, void *(*alloc)(size_t))
{
	struct fobj *o = alloc(sizeof(*o));

	if (!o)
		return NULL;
	o->blob = alloc(BLOB_LEN);
	if (!o->blob) {
		free(o); /* the partial object, never seen by anyone */
		return NULL;
	}
	snprintf(o->blob, BLOB_LEN, "%ld", value);
	o->value = value;
	o->magic = FOBJ_LIVE;
	atomic_fetch_add(&fobj_allocs, 1);
	return o;
}

/* Objects the scenario itself publishes never fail. */
static struct fobj *fobj_new(long value)
{
	struct fobj *o = fobj_build(value, malloc);

	ck_assert_ptr_nonnull(o);
	return o;
}

/* Copy callbacks: add one (two allocations), empty the slot, keep it. */
static int copy_inc(const struct fobj *old, struct fobj **new_out, void *arg)
{
	(void)arg;
	*new_out = fobj_build(old ? old->value + 1 : 1, copy_alloc);
	return *new_out ? 0 : -ENOMEM;
}

static int copy_clear(const struct fobj *old, struct fobj **new_out, void *arg)
{
	(void)old;
	(void)arg;
	*new_out = NULL;
	return 0;
}

static int copy_keep(const struct fobj *old, struct fobj **new_out, void *arg)
{
	(void)arg;
	*new_out = (struct fobj *)old;
	return 0;
}

static long injected(void)
{
	return failalloc_failures() + copy_failures;
}

/*
 * Per slot type: check the slot, copy_update it, and retire through
 * old_defer or a batch, checking the kit's fallback when its allocation
 * failed.
 */
#define SWEEP_OPS(S)                                                           \
	static void S##_expect(struct S *slot, long value)                     \
	{                                                                      \
		RCUSLOT_READ_SCOPE({                                           \
			const struct fobj *o = S##_dereference(slot);          \
                                                                               \
			if (value < 0) {                                       \
				ck_assert_ptr_null(o);                         \
			} else {                                               \
				ck_assert(fobj_intact(o));                     \
				ck_assert_int_eq(o->value, value);             \
			}                                                      \
		})                                                             \
	}                                                                      \
                                                                               \
	/* copy_update with copy_inc; returns the old handle to retire. */     \
	static struct S##_old S##_inc(struct S *slot, long *value)             \
	{                                                                      \
		struct fobj *before = S##_dereference_protected(slot);         \
		long f0 = injected();                                          \
		struct S##_old old;                                            \
		int rc = S##_copy_update(slot, copy_inc, NULL, &old);          \
                                                                               \
		if (injected() > f0) {                                         \
			ck_assert_int_eq(rc, -ENOMEM);                         \
			ck_assert(S##_old_is_empty(&old));                     \
			ck_assert_ptr_eq(S##_dereference_protected(slot), before); \
		} else {                                                       \
			ck_assert_int_eq(rc, 0);                               \
			ck_assert_ptr_eq(rcuslot_priv_strip(old.rcuslot_priv_obj), before);     \
			*value = *value < 0 ? 1 : *value + 1;                  \
		}                                                              \
		S##_expect(slot, *value);                                      \
		return old;                                                    \
	}                                                                      \
                                                                               \
	static void S##_defer_checked(struct S##_old *old)                     \
	{                                                                      \
		long f0 = injected(), frees0 = atomic_load(&fobj_frees);       \
		unsigned long gps = rcuslot_grace_periods_waited();            \
                                                                               \
		S##_old_defer(old);                                            \
		ck_assert(S##_old_is_empty(old));                              \
		if (injected() > f0) { /* no node: freed here, after a grace period */ \
			ck_assert_int_eq(atomic_load(&fobj_frees), frees0 + 1); \
			ck_assert_uint_eq(rcuslot_grace_periods_waited(), gps + 1); \
		}                                                              \
	}                                                                      \
                                                                               \
	static void S##_batch_checked(struct rcuslot_batch *b, struct S##_old *old) \
	{                                                                      \
		long f0 = injected(), frees0 = atomic_load(&fobj_frees);       \
		long held = (long)rcuslot_batch_count(b) + !S##_old_is_empty(old); \
		unsigned long gps = rcuslot_grace_periods_waited();            \
                                                                               \
		S##_batch_add(b, old);                                         \
		ck_assert(S##_old_is_empty(old));                              \
		if (injected() > f0) { /* no chunk: all freed, after a grace period */ \
			ck_assert_uint_eq(rcuslot_batch_count(b), 0);          \
			ck_assert_int_eq(atomic_load(&fobj_frees), frees0 + held); \
			ck_assert_uint_eq(rcuslot_grace_periods_waited(), gps + 1); \
		} else {                                                       \
			ck_assert_uint_eq(rcuslot_batch_count(b), held);       \
		}                                                              \
	}

SWEEP_OPS(fslot)
SWEEP_OPS(fhslot)

/* The scenario, with whatever failure is armed. */
static void scenario(void)
{
	struct fslot a;
	struct fhslot h;
	struct fslot_old old;
	struct fhslot_old hold;
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	long av = 1, hv = 100;

	fslot_init(&a, fobj_new(av));
	fhslot_init(&h, fobj_new(hv));

	old = fslot_inc(&a, &av); /* deferral through a node */
	fslot_defer_checked(&old);
	hold = fhslot_inc(&h, &hv); /* intrusive: allocates nothing */
	fhslot_defer_checked(&hold);
	av = 50;
	old = fslot_replace(&a, fobj_new(av));
	fslot_defer_checked(&old);
	old = fslot_inc(&a, &av);
	fslot_old_free(&old);
	hold = fhslot_inc(&h, &hv);
	if (!fhslot_old_is_empty(&hold))
		fobj_free(fhslot_old_reclaim(&hold));

	/* Empty the slot, then copy into the empty slot. */
	ck_assert_int_eq(fslot_copy_update(&a, copy_clear, NULL, &old), 0);
	av = -1;
	fslot_expect(&a, av);
	fslot_defer_checked(&old);
	old = fslot_inc(&a, &av);
	ck_assert(fslot_old_is_empty(&old));

	/* A batch past its first chunk (60 entries), of both types. */
	for (int i = 0; i < 62; i++) {
		if (i % 10 == 9) {
			hv = 1000 + i;
			hold = fhslot_replace(&h, fobj_new(hv));
			fhslot_batch_checked(&b, &hold);
		} else {
			av = 1000 + i;
			old = fslot_replace(&a, fobj_new(av));
			fslot_batch_checked(&b, &old);
		}
	}
	rcuslot_batch_defer(&b);
	ck_assert_uint_eq(rcuslot_batch_count(&b), 0);
	/* Copies straight into a batch freed with one grace period. */
	old = fslot_inc(&a, &av);
	fslot_batch_checked(&b, &old);
	hold = fhslot_inc(&h, &hv);
	fhslot_batch_checked(&b, &hold);
	rcuslot_batch_free(&b);

	/* No change: nothing published, nothing to retire. */
	ck_assert_int_eq(fslot_copy_update(&a, copy_keep, NULL, &old), 0);
	ck_assert(fslot_old_is_empty(&old));
	fslot_expect(&a, av);
	fhslot_expect(&h, hv);

	fslot_destroy(&a);
	fhslot_destroy(&h);
}

static void setup(void)
{
	rcu_thread_setup();
	failalloc_reset();
}

START_TEST(test_alloc_failure_sweep)
{
	long n, allocs = 0;

	mode = (enum sweep_mode)_i;
	for (n = 1; n < 1000; n++) {
		failalloc_reset();
		copy_allocs = copy_failures = 0;
		copy_countdown = mode == SWEEP_COPY ? n : 0;
		if (mode != SWEEP_COPY)
			failalloc_fail_nth(n);
		atomic_store(&fobj_allocs, 0);
		atomic_store(&fobj_frees, 0);
		atomic_store(&fobj_bad_frees, 0);

		scenario();
		rcuslot_barrier();

		/* Every object built, freed exactly once; nothing pending. */
		ck_assert_int_eq(atomic_load(&fobj_frees), atomic_load(&fobj_allocs));
		ck_assert_int_eq(atomic_load(&fobj_bad_frees), 0);
		ck_assert_int_eq(rcuslot_defer_pending(), 0);
		ck_assert_int_le(injected(), 1);
		if (injected() == 0) { /* the N-th allocation never came */
			allocs = mode == SWEEP_COPY ? copy_allocs : failalloc_calls();
			break;
		}
	}
	ck_assert_int_lt(n, 1000);
	ck_assert_int_eq(allocs, n - 1);
	ck_assert_int_gt(allocs, 0);
	printf("fault sweep: failed %s allocations N = 1..%ld in turn; "
	       "a clean run of the scenario makes %ld\n", mode_name[mode], n - 1, allocs);
	failalloc_reset();
}
END_TEST

Suite *faults_suite(void)
{
	Suite *s = suite_create("faults");
	TCase *tc = tcase_create("alloc-sweep");

	tcase_add_checked_fixture(tc, setup, rcu_thread_teardown);
	tcase_set_timeout(tc, GP_TIMEOUT);
	tcase_add_loop_test(tc, test_alloc_failure_sweep, 0, SWEEP_MODES);
	suite_add_tcase(s, tc);
	return s;
}
