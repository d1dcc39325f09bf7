/* SPDX-License-Identifier: MIT */
/*
 * RCU_SLOT_DEFINE_REF: every generated function, each retire path with and
 * without a reader's reference, copy_update's losing copy and error paths,
 * and who frees when.
 */
#include <errno.h>
#include <string.h>

#include "failalloc.h" /* the kit allocates through it (check_main.c) */
#include "check_rcuslot.h"
#include "check_ref.h"
#include "testobj.h"

atomic_long robj_allocs;
atomic_long robj_frees;
atomic_long robj_bad_frees;
atomic_long robj_last_freed_value;
_Thread_local long robj_frees_here;
void (*robj_free_hook)(struct robj *o);

static uint64_t robj_checksum(const struct robj *o)
{
	uint64_t h = 1469598103934665603u ^ (uint64_t)o->value;

	for (int i = 0; i < ROBJ_WORDS; i++)
		h = (h ^ o->word[i]) * 1099511628211u;
	return h;
}

struct robj *robj_new(long value)
{
	struct robj *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->magic = ROBJ_LIVE;
	o->value = value;
	for (int i = 0; i < ROBJ_WORDS; i++)
		o->word[i] = (uint64_t)value * 2654435761u + (uint64_t)i;
	o->sum = robj_checksum(o);
	atomic_fetch_add(&robj_allocs, 1);
	return o;
}

int robj_intact(const struct robj *o)
{
	return o && o->magic == ROBJ_LIVE && o->sum == robj_checksum(o);
}

void robj_free(struct robj *o)
{
	if (o->magic != ROBJ_LIVE || robj_count(o) != 0)
		atomic_fetch_add(&robj_bad_frees, 1);
	if (robj_free_hook)
		robj_free_hook(o);
	atomic_store(&robj_last_freed_value, o->value);
	o->magic = ROBJ_DEAD;
	memset(o->word, 0xa5, sizeof(o->word));
	atomic_fetch_add(&robj_frees, 1);
	robj_frees_here++;
	if (!o->is_static)
		free(o);
}

void robj_reset_counters(void)
{
	atomic_store(&robj_allocs, 0);
	atomic_store(&robj_frees, 0);
	atomic_store(&robj_bad_frees, 0);
	atomic_store(&robj_last_freed_value, 0);
	robj_frees_here = 0;
	robj_free_hook = NULL;
}

static void setup(void)
{
	rcu_thread_setup();
	robj_reset_counters();
}

/* Every test ends with nothing freed badly. */
static void teardown(void)
{
	rcu_thread_teardown();
	ck_assert_int_eq(robj_bad_frees, 0);
}

START_TEST(test_fresh_object_holds_nothing)
{
	struct robj *o = robj_new(1);
	struct rcuslot_ref r = RCUSLOT_REF_INIT;

	ck_assert_int_eq(robj_count(o), 0);
	ck_assert_uint_eq(rcuslot_ref_count(&r), 0);
	ck_assert_ptr_null(rslot_ref_get(NULL));
	rslot_put(NULL); /* a no-op, as free(NULL) */
	robj_free(o);
	ck_assert_int_eq(robj_frees, 1);
}
END_TEST

START_TEST(test_init_gives_the_slot_its_reference)
{
	struct rslot s, e;
	struct robj *o = robj_new(7);

	rslot_init(&s, o);
	ck_assert_int_eq(robj_count(o), 1);
	rslot_init(&e, NULL);
	ck_assert_ptr_null(rslot_get(&e));
	rslot_destroy(&e);
	rslot_destroy(&s);
	ck_assert_int_eq(robj_frees, 1);
	ck_assert_int_eq(robj_frees_here, 1);
}
END_TEST

START_TEST(test_get_and_put)
{
	struct rslot s;
	struct robj *o = robj_new(3);
	const struct robj *g, *h = NULL;

	rslot_init(&s, o);
	g = rslot_get(&s);
	ck_assert_ptr_eq(g, o);
	ck_assert_int_eq(robj_count(o), 2);
	/* Inside a read-side critical section as well: the lock nests. */
	RCUSLOT_READ_SCOPE({
		h = rslot_get(&s);
		ck_assert_ptr_eq(h, rslot_dereference(&s));
	})
	ck_assert_int_eq(robj_count(o), 3);
	ck_assert_ptr_eq(rslot_ref_get(h), o);
	ck_assert_int_eq(robj_count(o), 4);
	rslot_put(h);
	rslot_put(h);
	rslot_put(g);
	ck_assert_int_eq(robj_count(o), 1);
	ck_assert_int_eq(robj_frees, 0);
	ck_assert(robj_intact(o));
	rslot_destroy(&s);
	ck_assert_int_eq(robj_frees, 1);
}
END_TEST

START_TEST(test_get_empty)
{
	static struct rslot empty = RCU_SLOT_INITIALIZER(NULL);
	struct rslot s;

	ck_assert_ptr_null(rslot_get(&empty));
	rslot_init(&s, robj_new(1));
	{
		struct rslot_old old = rslot_replace(&s, NULL);

		rslot_old_free(&old);
	}
	ck_assert_ptr_null(rslot_get(&s));
	ck_assert_int_eq(robj_frees, 1);
}
END_TEST

START_TEST(test_many_references)
{
	struct rslot s;
	struct robj *o = robj_new(1);
	const struct robj *g;

	rslot_init(&s, o);
	g = rslot_get(&s);
	for (int i = 0; i < 10000; i++)
		rslot_ref_get(g);
	ck_assert_int_eq(robj_count(o), 10002);
	for (int i = 0; i < 10001; i++)
		rslot_put(g);
	ck_assert_int_eq(robj_count(o), 1);
	rslot_destroy(&s);
	ck_assert_int_eq(robj_frees, 1);
}
END_TEST

/* The retire paths, each run with a reader holding a reference (_i odd) or not. */
enum { R_FREE, R_DEFER, R_BATCH_FREE, R_BATCH_DEFER, R_DESTROY, N_RETIRE };

static void retire(struct rslot *s, int path, struct robj *next)
{
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	struct rslot_old old;

	if (path == R_DESTROY) {
		rslot_destroy(s);
		rslot_init(s, next);
		return;
	}
	old = rslot_replace(s, next);
	switch (path) {
	case R_FREE:
		rslot_old_free(&old);
		break;
	case R_DEFER:
		rslot_old_defer(&old);
		rcuslot_barrier();
		break;
	default:
		rslot_batch_add(&b, &old);
		if (path == R_BATCH_FREE) {
			rcuslot_batch_free(&b);
		} else {
			rcuslot_batch_defer(&b);
			rcuslot_barrier();
		}
	}
	ck_assert(rslot_old_is_empty(&old));
}

START_TEST(test_retire_paths)
{
	int path = _i / 2, held = _i % 2;
	struct rslot s;
	struct robj *first = robj_new(1), *second = robj_new(2);
	const struct robj *g = NULL;

	rslot_init(&s, first);
	if (held)
		g = rslot_get(&s);
	retire(&s, path, second);
	if (held) {
		/* The grace period has passed: only the reader's reference is left. */
		ck_assert_int_eq(robj_frees, 0);
		ck_assert(robj_intact(g));
		ck_assert_int_eq(robj_count(g), 1);
		robj_frees_here = 0;
		rslot_put(g);
	}
	ck_assert_int_eq(robj_frees, 1);
	ck_assert_int_eq(robj_last_freed_value, 1);
	/* free_fn ran where the last reference was dropped: here, except for deferral. */
	if (held || (path != R_DEFER && path != R_BATCH_DEFER))
		ck_assert_int_eq(robj_frees_here, 1);
	ck_assert_int_eq(robj_count(second), 1);
	rslot_destroy(&s);
	ck_assert_int_eq(robj_frees, 2);
}
END_TEST

/*
 * Deferral and batches without memory fall back to waiting here: the slot's
 * reference is still dropped only after the grace period (_i: 0 defer,
 * 1 batch; held by a reader when _i >= 2).
 */
START_TEST(test_retire_paths_out_of_memory)
{
	int batch = _i % 2, held = _i / 2;
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	struct rslot s;
	struct rslot_old old;
	const struct robj *g = NULL;
	unsigned long gp;

	rslot_init(&s, robj_new(1));
	if (held)
		g = rslot_get(&s);
	old = rslot_replace(&s, NULL);
	failalloc_reset();
	failalloc_fail_all(1);
	gp = rcuslot_grace_periods_waited();
	if (batch)
		rslot_batch_add(&b, &old);
	else
		rslot_old_defer(&old);
	failalloc_fail_all(0);
	ck_assert_int_ge(failalloc_failures(), 1);
	ck_assert_uint_eq(rcuslot_grace_periods_waited(), gp + 1);
	ck_assert_uint_eq(rcuslot_batch_count(&b), 0);
	ck_assert_int_eq(robj_frees, held ? 0 : 1);
	if (held) {
		ck_assert(robj_intact(g));
		ck_assert_int_eq(robj_count(g), 1);
		rslot_put(g);
		ck_assert_int_eq(robj_frees, 1);
	}
	failalloc_reset();
}
END_TEST

/* A reader's put before the grace period: the slot's reference frees it. */
START_TEST(test_put_before_grace_period)
{
	struct rslot s;
	struct robj *o = robj_new(1);
	const struct robj *g;
	struct rslot_old old;

	rslot_init(&s, o);
	g = rslot_get(&s);
	old = rslot_replace(&s, robj_new(2));
	rslot_put(g);
	ck_assert_int_eq(robj_frees, 0);
	ck_assert_int_eq(robj_count(o), 1);
	rslot_old_free(&old);
	ck_assert_int_eq(robj_frees, 1);
	ck_assert_int_eq(robj_last_freed_value, 1);
	rslot_destroy(&s);
}
END_TEST

START_TEST(test_reclaim_hands_over_the_slots_reference)
{
	struct rslot s;
	struct robj *o = robj_new(1), *r;
	const struct robj *g;
	struct rslot_old old;

	rslot_init(&s, o);
	g = rslot_get(&s);
	old = rslot_replace(&s, robj_new(2));
	r = rslot_old_reclaim(&old);
	ck_assert_ptr_eq(r, o);
	ck_assert(rslot_old_is_empty(&old));
	ck_assert_int_eq(robj_count(o),
			 2); /* the reader's and now the caller's */
	rslot_put(g);
	ck_assert_int_eq(robj_frees, 0);
	rslot_put(r);
	ck_assert_int_eq(robj_frees, 1);
	ck_assert_int_eq(robj_last_freed_value, 1);
	ck_assert_ptr_null(rslot_old_reclaim(&old));
	rslot_destroy(&s);
	ck_assert_int_eq(robj_frees, 2);
}
END_TEST

/* A reclaimed object published again: the slot takes a reference of its own. */
START_TEST(test_reclaim_and_republish)
{
	struct rslot s;
	struct robj *o = robj_new(1), *r;
	struct rslot_old old;

	rslot_init(&s, o);
	old = rslot_replace(&s, robj_new(2));
	r = rslot_old_reclaim(&old);
	ck_assert_int_eq(robj_count(r), 1);
	old = rslot_replace(&s, r);
	ck_assert_int_eq(robj_count(r), 2);
	rslot_put(r);
	rslot_old_free(&old);
	ck_assert_int_eq(robj_frees, 1);
	ck_assert_int_eq(robj_last_freed_value, 2);
	ck_assert(robj_intact(r));
	rslot_destroy(&s);
	ck_assert_int_eq(robj_frees, 2);
	ck_assert_int_eq(robj_last_freed_value, 1);
}
END_TEST

struct copy_ctl {
	int calls;
	int fail;           /* return this error (after building and freeing) */
	int keep;           /* return old: no change */
	struct robj *give;  /* return this object the first time */
	struct rslot *race; /* first call: another updater replaces the slot */
	struct rslot_old raced; /* what that updater took out */
};

static int copy_fn(const struct robj *old, struct robj **new_out, void *arg)
{
	struct copy_ctl *c = arg;
	struct robj *o;

	if (c->calls++ == 0 && c->race) {
		c->raced = rslot_replace(c->race, robj_new(100));
		if (c->give) {
			*new_out = c->give;
			return 0;
		}
	}
	if (c->keep) {
		*new_out = (struct robj *)old;
		return 0;
	}
	o = robj_new(old ? old->value + 1 : 1000);
	if (c->fail) {
		robj_free(o);
		return c->fail;
	}
	*new_out = o;
	return 0;
}

START_TEST(test_copy_update_publishes_with_a_reference)
{
	struct rslot s, e;
	struct robj *o = robj_new(1), *n;
	struct copy_ctl c = { 0 };
	struct rslot_old old;

	rslot_init(&s, o);
	ck_assert_int_eq(rslot_copy_update(&s, copy_fn, &c, &old), 0);
	n = rslot_dereference_protected(&s);
	ck_assert_int_eq(n->value, 2);
	ck_assert_int_eq(robj_count(n), 1);
	ck_assert_int_eq(robj_count(o),
			 1); /* the slot's, until old is consumed */
	rslot_old_free(&old);
	ck_assert_int_eq(robj_frees, 1);
	ck_assert_int_eq(robj_last_freed_value, 1);
	/* From an empty slot. */
	rslot_init(&e, NULL);
	ck_assert_int_eq(rslot_copy_update(&e, copy_fn, &c, &old), 0);
	ck_assert(rslot_old_is_empty(&old));
	ck_assert_int_eq(robj_count(rslot_dereference_protected(&e)), 1);
	rslot_destroy(&e);
	rslot_destroy(&s);
	ck_assert_int_eq(robj_frees, 3);
}
END_TEST

START_TEST(test_copy_update_no_change_and_error)
{
	struct rslot s;
	struct robj *o = robj_new(1);
	struct copy_ctl keep = { .keep = 1 }, fail = { .fail = EINVAL };
	struct rslot_old old;

	rslot_init(&s, o);
	ck_assert_int_eq(rslot_copy_update(&s, copy_fn, &keep, &old), 0);
	ck_assert(rslot_old_is_empty(&old));
	ck_assert_int_eq(robj_count(o), 1);
	ck_assert_int_eq(rslot_copy_update(&s, copy_fn, &fail, &old), EINVAL);
	ck_assert(rslot_old_is_empty(&old));
	ck_assert_ptr_eq(rslot_dereference_protected(&s), o);
	ck_assert_int_eq(robj_count(o), 1);
	ck_assert_int_eq(robj_frees,
			 1); /* the copy the callback freed itself */
	rslot_destroy(&s);
	ck_assert_int_eq(robj_frees, 2);
}
END_TEST

/* The losing copy was never published: freed at once, with no reference left. */
START_TEST(test_copy_update_losing_copy)
{
	struct rslot s;
	struct robj *o = robj_new(1), *n;
	struct copy_ctl c = { .race = &s };
	struct rslot_old old;

	rslot_init(&s, o);
	ck_assert_int_eq(rslot_copy_update(&s, copy_fn, &c, &old), 0);
	ck_assert_int_eq(c.calls, 2);
	/* The first copy (value 2) lost to the racing replace and is gone. */
	ck_assert_int_eq(robj_frees, 1);
	ck_assert_int_eq(robj_last_freed_value, 2);
	n = rslot_dereference_protected(&s);
	ck_assert_int_eq(n->value, 101);
	ck_assert_int_eq(robj_count(n), 1);
	rslot_old_free(&old);     /* the racing updater's object */
	rslot_old_free(&c.raced); /* the first object */
	ck_assert_int_eq(robj_frees, 3);
	rslot_destroy(&s);
	ck_assert_int_eq(robj_frees, 4);
	ck_assert_int_eq(robj_allocs, 4);
}
END_TEST

/* A losing copy someone else holds a reference to keeps that reference. */
START_TEST(test_copy_update_losing_held_object)
{
	struct rslot s;
	struct robj *held = robj_new(50);
	struct rslot_old old;
	struct copy_ctl c;

	rslot_init(&s, robj_new(1));
	old = rslot_replace(&s, held);
	rslot_old_free(&old);
	ck_assert_ptr_eq(rslot_get(&s), held); /* held: the slot's and ours */
	old = rslot_replace(&s, robj_new(2));
	rslot_old_free(&old); /* now only ours */
	ck_assert_int_eq(robj_count(held), 1);
	c = (struct copy_ctl){ .race = &s, .give = held };
	ck_assert_int_eq(rslot_copy_update(&s, copy_fn, &c, &old), 0);
	ck_assert_int_eq(robj_count(held), 1);
	ck_assert(robj_intact(held));
	ck_assert_int_eq(robj_frees, 1);
	rslot_old_free(&old);
	rslot_old_free(&c.raced);
	rslot_put(held);
	rslot_destroy(&s);
	ck_assert_int_eq(robj_frees, robj_allocs);
}
END_TEST

START_TEST(test_static_initializer_published)
{
	static struct robj defaults = { .ref = RCUSLOT_REF_INIT_PUBLISHED,
					.magic = ROBJ_LIVE,
					.is_static = 1 };
	static struct rslot s = RCU_SLOT_INITIALIZER(&defaults);
	const struct robj *g;

	defaults.sum = 0;
	defaults.sum = (uint64_t)robj_checksum(&defaults);
	g = rslot_get(&s);
	ck_assert_ptr_eq(g, &defaults);
	ck_assert_int_eq(robj_count(g), 2);
	rslot_put(g);
	ck_assert_int_eq(robj_frees, 0);
	rslot_destroy(&s);
	ck_assert_int_eq(robj_frees, 1);
}
END_TEST

/* Counted and plain objects share one batch and one grace period. */
START_TEST(test_batch_mixed_with_plain_slots)
{
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	struct rslot r;
	struct tslot t;
	struct rslot_old rold;
	struct tslot_old told;
	const struct robj *g;
	unsigned long gp;

	rslot_init(&r, robj_new(1));
	tslot_init(&t, tobj_new(1));
	g = rslot_get(&r);
	rold = rslot_replace(&r, NULL);
	told = tslot_replace(&t, NULL);
	rslot_batch_add(&b, &rold);
	tslot_batch_add(&b, &told);
	gp = rcuslot_grace_periods_waited();
	rcuslot_batch_free(&b);
	ck_assert_uint_eq(rcuslot_grace_periods_waited(), gp + 1);
	ck_assert_int_eq(tobj_frees, 1);
	ck_assert_int_eq(robj_frees, 0);
	rslot_put(g);
	ck_assert_int_eq(robj_frees, 1);
}
END_TEST

/* The last put frees in the putting thread, after the grace period. */
struct holder {
	struct rslot *s;
	sem_t got, release;
	int intact;
	long frees_there;
};

static void *holder_thread(void *arg)
{
	struct holder *h = arg;
	const struct robj *g;

	rcuslot_register_thread();
	g = rslot_get(h->s);
	sem_post(&h->got);
	offline_sem_wait(&h->release); /* blocks holding the reference */
	h->intact = robj_intact(g);
	rslot_put(g);
	h->frees_there = robj_frees_here;
	rcuslot_unregister_thread();
	return NULL;
}

START_TEST(test_last_put_frees_in_the_readers_thread)
{
	struct rslot s;
	struct holder h = { .s = &s };
	struct rslot_old old;
	pthread_t t;

	sem_init(&h.got, 0, 0);
	sem_init(&h.release, 0, 0);
	rslot_init(&s, robj_new(1));
	ck_assert_int_eq(pthread_create(&t, NULL, holder_thread, &h), 0);
	offline_sem_wait(&h.got);
	old = rslot_replace(&s, robj_new(2));
	rslot_old_free(
		&old); /* a grace period passes while the reader blocks */
	ck_assert_int_eq(robj_frees, 0);
	sem_post(&h.release);
	offline_join(t);
	ck_assert(h.intact);
	ck_assert_int_eq(h.frees_there, 1);
	ck_assert_int_eq(robj_frees, 1);
	ck_assert_int_eq(robj_frees_here, 0);
	rslot_destroy(&s);
	sem_destroy(&h.got);
	sem_destroy(&h.release);
}
END_TEST

Suite *ref_suite(void)
{
	TCase *tc;
	Suite *s = rcu_suite("ref", &tc, setup, teardown);

	tcase_add_test(tc, test_fresh_object_holds_nothing);
	tcase_add_test(tc, test_init_gives_the_slot_its_reference);
	tcase_add_test(tc, test_get_and_put);
	tcase_add_test(tc, test_get_empty);
	tcase_add_test(tc, test_many_references);
	tcase_add_loop_test(tc, test_retire_paths, 0, 2 * N_RETIRE);
	tcase_add_loop_test(tc, test_retire_paths_out_of_memory, 0, 4);
	tcase_add_test(tc, test_put_before_grace_period);
	tcase_add_test(tc, test_reclaim_hands_over_the_slots_reference);
	tcase_add_test(tc, test_reclaim_and_republish);
	tcase_add_test(tc, test_copy_update_publishes_with_a_reference);
	tcase_add_test(tc, test_copy_update_no_change_and_error);
	tcase_add_test(tc, test_copy_update_losing_copy);
	tcase_add_test(tc, test_copy_update_losing_held_object);
	tcase_add_test(tc, test_static_initializer_published);
	tcase_add_test(tc, test_batch_mixed_with_plain_slots);
	tcase_add_test(tc, test_last_put_frees_in_the_readers_thread);
	return s;
}
