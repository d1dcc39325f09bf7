/* SPDX-License-Identifier: MIT */
/*
 * Deferred reclamation that never loses an object: the fallback when the
 * kit's node cannot be allocated, intrusive heads that need no allocation,
 * rcuslot_barrier(), and the bound on objects awaiting reclamation (the
 * updater is throttled, deterministically and under a storm).
 */
#include "failalloc.h" /* the kit allocates through it (check_main.c) */

/* The deferral bound these tests run with (the library's default is 65536). */
#define DEFER_MAX 512

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "check_rcuslot.h"
#include "testobj.h"

/* An object that carries its own rcu_head. */
struct hobj {
	long value;
	struct rcu_head rcu;
};

static atomic_long hobj_frees;

static void hobj_free(struct hobj *h)
{
	atomic_fetch_add(&hobj_frees, 1);
	free(h);
}

RCU_SLOT_DEFINE_HEAD(hslot, struct hobj, rcu, hobj_free);

static struct hobj *hobj_new(long value)
{
	struct hobj *h = malloc(sizeof(*h));

	h->value = value;
	return h;
}

static void setup(void)
{
	rcu_thread_setup();
	failalloc_reset();
	atomic_store(&hobj_frees, 0);
	ck_assert_int_eq(rcuslot_set_defer_max(DEFER_MAX), 0);
}

static void teardown(void)
{
	rcu_thread_teardown();
	ck_assert_int_eq(rcuslot_set_defer_max(65536), 0);
}

/* A reader that holds the slot's object until told to let go. ------- */

struct holder {
	struct tslot *slot;
	sem_t holding, release;
	atomic_int unlocking;
	int intact_at_end;
};

static struct holder *the_holder;
static atomic_int unlocked_at_free = -1;

static void record_free(struct tobj *o)
{
	(void)o;
	atomic_store(&unlocked_at_free, atomic_load(&the_holder->unlocking));
}

static void *hold(void *arg)
{
	struct holder *h = arg;
	const struct tobj *o;

	rcuslot_register_thread();
	rcuslot_read_lock();
	o = tslot_dereference(h->slot);
	sem_post(&h->holding);
	sem_wait(&h->release);
	h->intact_at_end = tobj_intact(o);
	atomic_store(&h->unlocking, 1);
	rcuslot_read_unlock();
	rcuslot_unregister_thread();
	return NULL;
}

static void holder_start(struct holder *h, struct tslot *slot, pthread_t *t)
{
	h->slot = slot;
	atomic_store(&h->unlocking, 0);
	sem_init(&h->holding, 0, 0);
	sem_init(&h->release, 0, 0);
	the_holder = h;
	ck_assert_int_eq(pthread_create(t, NULL, hold, h), 0);
	offline_sem_wait(&h->holding);
}

/* Lets the holder go after a while, from another thread. */
static void *release_later(void *arg)
{
	struct holder *h = arg;
	struct timespec ts = { 0, 50L * 1000 * 1000 };

	nanosleep(&ts, NULL);
	sem_post(&h->release);
	return NULL;
}

/*
 * No node for call_rcu: old_defer must wait for the grace period itself and
 * free in place: after the reader that holds the object, never before.
 */
START_TEST(test_defer_without_memory_frees_synchronously)
{
	struct tslot s;
	struct holder h;
	struct tslot_old old;
	pthread_t reader, releaser;
	unsigned long gps = rcuslot_grace_periods_waited();

	tslot_init(&s, tobj_new(1));
	holder_start(&h, &s, &reader);
	tobj_free_hook = record_free;
	old = tslot_replace(&s, tobj_new(2));
	failalloc_fail_all(1);
	ck_assert_int_eq(pthread_create(&releaser, NULL, release_later, &h), 0);
	tslot_old_defer(&old);
	/* Returned: so the object is already freed, and after the unlock. */
	ck_assert(tslot_old_is_empty(&old));
	ck_assert_int_eq(tobj_frees, 1);
	ck_assert_int_eq(atomic_load(&unlocked_at_free), 1);
	ck_assert(h.intact_at_end);
	ck_assert_int_eq(failalloc_failures(), 1);
	ck_assert_uint_eq(rcuslot_grace_periods_waited(), gps + 1);
	ck_assert_int_eq(rcuslot_defer_pending(), 0);
	offline_join(releaser);
	offline_join(reader);
	failalloc_fail_all(0);
	tslot_destroy(&s);
	ck_assert_int_eq(tobj_frees, tobj_allocs);
}
END_TEST

/* Intrusive heads: deferral allocates nothing, even with no memory at all. */
START_TEST(test_defer_head_allocates_nothing)
{
	struct hslot s;
	unsigned long gps = rcuslot_grace_periods_waited();

	hslot_init(&s, hobj_new(0));
	failalloc_fail_all(1);
	for (long i = 1; i <= 100; i++) {
		struct hslot_old old = hslot_replace(&s, hobj_new(i));

		hslot_old_defer(&old);
		ck_assert(hslot_old_is_empty(&old));
	}
	rcuslot_barrier();
	ck_assert_int_eq(failalloc_calls(), 0);
	ck_assert_int_eq(atomic_load(&hobj_frees), 100);
	/* No fallback: the deferring thread never waited. */
	ck_assert_uint_eq(rcuslot_grace_periods_waited(), gps);
	failalloc_fail_all(0);
	hslot_destroy(&s);
	ck_assert_int_eq(atomic_load(&hobj_frees), 101);
}
END_TEST

/* rcuslot_barrier() returns only after every earlier deferral has run. */
#define DEFER_THREADS 4
#define DEFERS_EACH 300

static struct tslot barrier_slot;

static void *deferrer(void *arg)
{
	(void)arg;
	rcuslot_register_thread();
	for (int i = 0; i < DEFERS_EACH; i++) {
		struct tslot_old old = tslot_replace(&barrier_slot, tobj_new(i));

		tslot_old_defer(&old);
		rcuslot_quiescent_state();
	}
	rcuslot_unregister_thread();
	return NULL;
}

START_TEST(test_barrier_waits_for_every_deferral)
{
	pthread_t t[DEFER_THREADS];

	tslot_init(&barrier_slot, tobj_new(-1));
	for (int i = 0; i < DEFER_THREADS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, deferrer, NULL), 0);
	for (int i = 0; i < DEFER_THREADS; i++)
		offline_join(t[i]);
	rcuslot_barrier();
	/* Every replace retired one object; all of them freed by now. */
	ck_assert_int_eq(tobj_frees, (long)DEFER_THREADS * DEFERS_EACH);
	ck_assert_int_eq(rcuslot_defer_pending(), 0);
	tslot_destroy(&barrier_slot);
	ck_assert_int_eq(tobj_frees, tobj_allocs);
	ck_assert_int_eq(tobj_bad_frees, 0);
}
END_TEST

/*
 * The bound, deterministically: a reader holds off every grace period, so
 * no deferred object can be freed. DEFER_MAX deferrals queue up;
 * the next one must throttle (wait for the grace period, free in place)
 * instead of queueing more.
 */
struct throttle_ctx {
	struct tslot *slot;
	atomic_int done;
};

static void *defer_past_bound(void *arg)
{
	struct throttle_ctx *c = arg;

	rcuslot_register_thread();
	for (int i = 0; i <= DEFER_MAX; i++) {
		struct tslot_old old = tslot_replace(c->slot, tobj_new(i));

		tslot_old_defer(&old);
		if (i == DEFER_MAX - 1)
			atomic_store(&c->done, 1); /* the queue is full now */
	}
	atomic_store(&c->done, 2);
	rcuslot_unregister_thread();
	return NULL;
}

START_TEST(test_defer_throttles_at_bound)
{
	struct tslot s;
	struct holder h;
	struct throttle_ctx c = { .slot = &s };
	pthread_t reader, updater;
	unsigned long throttled = rcuslot_defer_throttled();

	tslot_init(&s, tobj_new(-1));
	holder_start(&h, &s, &reader);
	ck_assert_int_eq(pthread_create(&updater, NULL, defer_past_bound, &c), 0);
	while (atomic_load(&c.done) == 0)
		offline_sleep_ms(1);
	offline_sleep_ms(50);
	/* The last deferral is stuck waiting for the reader, not queued. */
	ck_assert_int_eq(atomic_load(&c.done), 1);
	ck_assert_int_eq(rcuslot_defer_pending(), DEFER_MAX);
	ck_assert_int_eq(tobj_frees, 0);
	ck_assert_uint_eq(rcuslot_defer_throttled(), throttled + 1);
	sem_post(&h.release);
	offline_join(updater);
	offline_join(reader);
	ck_assert_int_eq(atomic_load(&c.done), 2);
	rcuslot_barrier();
	ck_assert_int_eq(tobj_frees, DEFER_MAX + 1);
	tslot_destroy(&s);
	ck_assert_int_eq(tobj_frees, tobj_allocs);
}
END_TEST

/* The storm: replace + defer flat out while readers run. --------------- */

static struct tslot storm_slot;
static atomic_int storm_stop;
static atomic_long storm_reads, storm_torn;

static void *storm_reader(void *arg)
{
	(void)arg;
	rcuslot_register_thread();
	while (!atomic_load(&storm_stop)) {
		rcuslot_read_lock();
		if (!tobj_intact(tslot_dereference(&storm_slot)))
			atomic_fetch_add(&storm_torn, 1);
		rcuslot_read_unlock();
		rcuslot_quiescent_state();
		atomic_fetch_add(&storm_reads, 1);
	}
	rcuslot_unregister_thread();
	return NULL;
}

static int storm_ms(void)
{
	const char *e = getenv("RCUSLOT_TEST_STORM_MS");

	return e ? (int)strtol(e, NULL, 10) : 2000;
}

START_TEST(test_defer_storm_stays_bounded)
{
	pthread_t readers[2];
	struct timespec t0, now;
	long updates = 0, peak = 0;
	unsigned long throttled = rcuslot_defer_throttled();

	tslot_init(&storm_slot, tobj_new(0));
	atomic_store(&storm_stop, 0);
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&readers[i], NULL, storm_reader, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		for (int i = 0; i < 256; i++, updates++) {
			struct tslot_old old = tslot_replace(&storm_slot, tobj_new(updates));
			long pending;

			tslot_old_defer(&old);
			rcuslot_quiescent_state();
			pending = rcuslot_defer_pending();
			if (pending > peak)
				peak = pending;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000 <
		 storm_ms());
	atomic_store(&storm_stop, 1);
	for (int i = 0; i < 2; i++)
		offline_join(readers[i]);
	tslot_destroy(&storm_slot);
	rcuslot_barrier();
	printf("defer storm: %ld updates, peak %ld pending (bound %d), %lu throttled, %ld reads\n",
	       updates, peak, DEFER_MAX, rcuslot_defer_throttled() - throttled,
	       atomic_load(&storm_reads));
	/* One deferring thread: the bound holds exactly. */
	ck_assert_int_le(peak, DEFER_MAX);
	ck_assert_int_eq(atomic_load(&storm_torn), 0);
	ck_assert_int_eq(tobj_frees, tobj_allocs);
	ck_assert_int_eq(tobj_bad_frees, 0);
	ck_assert_int_eq(rcuslot_defer_pending(), 0);
}
END_TEST

Suite *reclaim_suite(void)
{
	TCase *tc;
	Suite *s = rcu_suite("reclaim", &tc, setup, teardown);

	tcase_add_test(tc, test_defer_without_memory_frees_synchronously);
	tcase_add_test(tc, test_defer_head_allocates_nothing);
	tcase_add_test(tc, test_barrier_waits_for_every_deferral);
	tcase_add_test(tc, test_defer_throttles_at_bound);
	tcase_add_test(tc, test_defer_storm_stays_bounded);
	return s;
}
