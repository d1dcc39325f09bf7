/* SPDX-License-Identifier: MIT */
/*
 * What the kit knows of the installed liburcu: the release flavor.h
 * detects (the build says which one it compiled against), what follows
 * from it, and where liburcu has them (0.14 and later), polling grace
 * periods and the pending slots built on them (rcuslot/poll.h).
 */
#include <pthread.h>
#include <stdatomic.h>

#include "check_rcuslot.h"
#include "testobj.h"

#ifndef RCUSLOT_TEST_URCU_MINOR
#error "the build passes RCUSLOT_TEST_URCU_MINOR: the liburcu 0.N it compiles against"
#endif

START_TEST(test_version_is_the_one_built_against)
{
	ck_assert_int_eq(RCUSLOT_PRIV_URCU_VERSION,
			 RCUSLOT_PRIV_URCU_V(0, RCUSLOT_TEST_URCU_MINOR));
	ck_assert_int_eq(RCUSLOT_PRIV_HAVE_SIGNAL,
			 RCUSLOT_TEST_URCU_MINOR < 15);
	ck_assert_int_eq(RCUSLOT_HAVE_POLL, RCUSLOT_TEST_URCU_MINOR >= 14);
#ifdef RCUSLOT_PRIV_URCU_TSAN
	const int urcu_tsan = 1;
#else
	const int urcu_tsan = 0;
#endif
#if defined(RCUSLOT_PRIV_TSAN) && defined(_LGPL_SOURCE)
	/* TSan sees 0.15's inlined pointer accesses, and only those. */
	ck_assert_int_eq(urcu_tsan, RCUSLOT_TEST_URCU_MINOR >= 15);
#else
	ck_assert_int_eq(urcu_tsan, 0);
#endif
}
END_TEST

#if RCUSLOT_HAVE_POLL

/* The documented prototypes (rcuslot/poll.h) are the generated ones. */
static bool tslot_old_poll_start(struct tslot_old *old,
				 struct tslot_pending *pending);
static bool tslot_pending_poll(struct tslot_pending *pending);

/* Poll until the slot is empty, going offline between polls (qsbr). */
static long poll_until_empty(struct tslot_pending *p)
{
	long not_yet = 0;

	while (!tslot_pending_poll(p)) {
		not_yet++;
		offline_sleep_ms(1);
	}
	return not_yet;
}

START_TEST(test_poll_start_done)
{
	unsigned long gps = rcuslot_grace_periods_waited();
	struct rcuslot_poll gp = rcuslot_poll_start();

	while (!rcuslot_poll_done(gp))
		offline_sleep_ms(1);
	/* Once passed, passed for good; a later grace period is a new one. */
	ck_assert(rcuslot_poll_done(gp));
	gp = rcuslot_poll_start();
	while (!rcuslot_poll_done(gp))
		offline_sleep_ms(1);
	/* Nobody waited: polling is not rcuslot_synchronize(). */
	ck_assert_uint_eq(rcuslot_grace_periods_waited(), gps);
}
END_TEST

/* A reader that holds the slot's object until told to let go. */
struct holder {
	struct tslot *slot;
	sem_t holding, release;
	atomic_int unlocking;
	int intact_at_end;
};

static struct holder *the_holder;
static atomic_int unlocked_at_free = -1;
static pthread_t freed_in;

static void record_free(struct tobj *o)
{
	(void)o;
	atomic_store(&unlocked_at_free, atomic_load(&the_holder->unlocking));
	freed_in = pthread_self();
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

/*
 * The pending object outlives the reader that holds it, however often it
 * is polled, and is freed by the poll that follows the reader's unlock, in
 * the polling thread.
 */
START_TEST(test_pending_waits_for_reader)
{
	struct tslot s;
	struct tslot_pending p = RCUSLOT_PENDING_INITIALIZER;
	struct tslot_old old;
	struct holder h = { .slot = &s };
	pthread_t reader;

	tslot_init(&s, tobj_new(1));
	sem_init(&h.holding, 0, 0);
	sem_init(&h.release, 0, 0);
	the_holder = &h;
	ck_assert_int_eq(pthread_create(&reader, NULL, hold, &h), 0);
	offline_sem_wait(&h.holding);
	tobj_free_hook = record_free;

	old = tslot_replace(&s, tobj_new(2));
	ck_assert(tslot_old_poll_start(&old, &p));
	ck_assert(tslot_old_is_empty(&old));
	for (int i = 0; i < 20; i++) {
		ck_assert(!tslot_pending_poll(&p));
		offline_sleep_ms(5);
	}
	ck_assert_int_eq(tobj_frees, 0);

	sem_post(&h.release);
	poll_until_empty(&p);
	ck_assert_int_eq(tobj_frees, 1);
	ck_assert_int_eq(tobj_last_freed_value, 1);
	ck_assert_int_eq(atomic_load(&unlocked_at_free), 1);
	ck_assert(pthread_equal(freed_in, pthread_self()));
	offline_join(reader);
	ck_assert(h.intact_at_end);
	/* Empty now: a further poll frees nothing more. */
	ck_assert(tslot_pending_poll(&p));
	tslot_destroy(&s);
	ck_assert_int_eq(tobj_frees, tobj_allocs);
	ck_assert_int_eq(tobj_bad_frees, 0);
}
END_TEST

/* An occupied pending slot refuses the next object and the handle keeps it. */
START_TEST(test_occupied_pending_refuses)
{
	struct tslot s;
	struct tslot_pending p = RCUSLOT_PENDING_INITIALIZER;
	struct tslot_old first, second;

	tslot_init(&s, tobj_new(1));
	first = tslot_replace(&s, tobj_new(2));
	second = tslot_replace(&s, tobj_new(3));
	ck_assert(tslot_old_poll_start(&first, &p));
	ck_assert(!tslot_old_poll_start(&second, &p));
	ck_assert(!tslot_old_is_empty(&second));
	tslot_old_free(&second);
	ck_assert_int_eq(tobj_frees, 1);
	ck_assert_int_eq(tobj_last_freed_value, 2);
	/* The refused call left the pending object and its grace period alone. */
	poll_until_empty(&p);
	ck_assert_int_eq(tobj_frees, 2);
	ck_assert_int_eq(tobj_last_freed_value, 1);
	ck_assert(tslot_old_poll_start(&second, &p));
	ck_assert(tslot_pending_poll(&p));
	tslot_destroy(&s);
	ck_assert_int_eq(tobj_frees, tobj_allocs);
}
END_TEST

/* Nothing retired, nothing pending: empty at once, no free. */
START_TEST(test_empty_handle_and_slot)
{
	struct tslot s;
	struct tslot_pending p = RCUSLOT_PENDING_INITIALIZER;
	struct tslot_old old;

	ck_assert(tslot_pending_poll(&p));
	tslot_init(&s, NULL);
	old = tslot_replace(&s, NULL);
	ck_assert(tslot_old_is_empty(&old));
	ck_assert(tslot_old_poll_start(&old, &p));
	ck_assert(tslot_pending_poll(&p));
	ck_assert_int_eq(tobj_frees, 0);
	tslot_destroy(&s);
}
END_TEST

/* Many updates, each retired through one pending slot, none lost. */
START_TEST(test_pending_loop_frees_everything)
{
	struct tslot s;
	struct tslot_pending p = RCUSLOT_PENDING_INITIALIZER;
	struct tslot_old old = { 0 };
	long refused = 0;

	tslot_init(&s, tobj_new(0));
	for (long i = 1; i <= 200; i++) {
		if (tslot_old_is_empty(&old))
			old = tslot_replace(&s, tobj_new(i));
		if (tslot_old_poll_start(&old, &p))
			continue;
		refused++;
		tslot_pending_poll(&p);
		offline_sleep_ms(0);
	}
	if (!tslot_old_poll_start(&old, &p)) {
		poll_until_empty(&p);
		ck_assert(tslot_old_poll_start(&old, &p));
	}
	poll_until_empty(&p);
	tslot_destroy(&s);
	ck_assert_int_eq(tobj_frees, tobj_allocs);
	ck_assert_int_eq(tobj_bad_frees, 0);
	ck_assert_int_gt(refused, 0);
}
END_TEST

#endif /* RCUSLOT_HAVE_POLL */

Suite *urcu_suite(void)
{
	TCase *tc;
	Suite *s = rcu_suite("liburcu", &tc, NULL, NULL);

	tcase_add_test(tc, test_version_is_the_one_built_against);
#if RCUSLOT_HAVE_POLL
	tcase_add_test(tc, test_poll_start_done);
	tcase_add_test(tc, test_pending_waits_for_reader);
	tcase_add_test(tc, test_occupied_pending_refuses);
	tcase_add_test(tc, test_empty_handle_and_slot);
	tcase_add_test(tc, test_pending_loop_frees_everything);
#endif
	return s;
}
