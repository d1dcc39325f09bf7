/* SPDX-License-Identifier: MIT */
/*
 * RCU_SLOT_DEFINE_REF_FLAVOR: a counted slot bound to qsbr by name, in a
 * unit built for memb (test/SConscript builds this file with
 * RCUSLOT_FLAVOR=memb whatever the configuration's flavor, and links both
 * libraries). Its references, retire paths and grace periods are qsbr's:
 * a memb reader does not hold them up, a qsbr-registered thread is what
 * name_get needs.
 */
#include <urcu/urcu-qsbr.h>

#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "check_rcuslot.h"
#include "check_ref.h"

#if !defined(RCUSLOT_FLAVOR) ||                                                \
	RCUSLOT_PRIV_FLAVOR_ID != RCUSLOT_PRIV_FLAVOR_ID_memb
#error "check_ref_flavor.c is built with RCUSLOT_FLAVOR=memb (test/SConscript)"
#endif

RCU_SLOT_DEFINE_REF_FLAVOR(qref, struct robj, ref, robj_free, qsbr);

static void setup(void)
{
	rcuslot_register_thread(); /* memb, this unit's default */
	rcuslot_qsbr_register_thread();
	robj_reset_counters();
}

static void teardown(void)
{
	rcuslot_barrier(); /* every flavor's callbacks, qsbr's included */
	rcuslot_qsbr_unregister_thread();
	rcuslot_unregister_thread();
	ck_assert_int_eq(robj_bad_frees, 0);
	ck_assert_int_eq(robj_frees, robj_allocs);
}

/* A reference outlives the qsbr grace period that retires its object. */
START_TEST(test_flavor_ref_outlives_retire)
{
	struct qref s;
	struct robj *o = robj_new(1);
	const struct robj *g, *h;
	struct qref_old old;

	qref_init(&s, o);
	ck_assert_int_eq(robj_count(o), 1);
	g = qref_get(&s);
	ck_assert_ptr_eq(g, o);
	h = qref_ref_get(g);
	ck_assert_int_eq(robj_count(o), 3);
	old = qref_replace(&s, robj_new(2));
	qref_old_free(&old);
	ck_assert(qref_old_is_empty(&old));
	ck_assert_int_eq(robj_frees, 0);
	ck_assert(robj_intact(g));
	qref_put(h);
	qref_put(g);
	ck_assert_int_eq(robj_frees, 1);
	ck_assert_int_eq(robj_last_freed_value, 1);
	rcuslot_qsbr_read_lock();
	ck_assert_int_eq(qref_dereference(&s)->value, 2);
	rcuslot_qsbr_read_unlock();
	qref_destroy(&s);
	ck_assert_int_eq(robj_frees, 2);
}
END_TEST

static int copy_next(const struct robj *old, struct robj **new_out, void *arg)
{
	(void)arg;
	*new_out = robj_new(old ? old->value + 1 : 1);
	return *new_out ? 0 : -1;
}

/*
 * Every retire path of the named flavor: old_defer through qsbr's call_rcu,
 * old_reclaim handing over the slot's reference, a batch mixing a memb
 * slot's object with the qsbr one's.
 */
START_TEST(test_flavor_retire_paths)
{
	struct qref s;
	struct qref_old old;
	struct robj *r;
	const struct robj *g;
	struct rcuslot_batch batch = RCUSLOT_BATCH_INITIALIZER;
	struct rslot m;
	struct rslot_old mold;

	qref_init(&s, robj_new(0));
	for (int i = 0; i < 100; i++) {
		ck_assert_int_eq(qref_copy_update(&s, copy_next, NULL, &old),
				 0);
		qref_old_defer(&old);
		rcuslot_qsbr_quiescent_state();
	}
	g = qref_get(&s);
	ck_assert_int_eq(g->value, 100);
	rcuslot_barrier();
	ck_assert_int_eq(robj_frees, 100);

	old = qref_replace(&s, robj_new(200));
	r = qref_old_reclaim(&old);
	ck_assert_ptr_eq(r, g);
	ck_assert_int_eq(robj_count(r), 2); /* the reclaimer's and g */
	qref_put(g);
	ck_assert_int_eq(robj_frees, 100);
	qref_put(r);
	ck_assert_int_eq(robj_frees, 101);

	rslot_init(&m, robj_new(300));
	old = qref_replace(&s, robj_new(201));
	mold = rslot_replace(&m, NULL);
	qref_batch_add(&batch, &old);
	rslot_batch_add(&batch, &mold);
	ck_assert_uint_eq(rcuslot_batch_count(&batch), 2);
	rcuslot_batch_free(&batch);
	ck_assert_int_eq(robj_frees, 103);
	rslot_destroy(&m);
	qref_destroy(&s);
}
END_TEST

/* A thread inside a memb read-side critical section until told to leave. */
struct memb_reader {
	sem_t inside, leave;
};

static void *memb_reader(void *arg)
{
	struct memb_reader *r = arg;

	rcuslot_register_thread(); /* memb only */
	rcuslot_read_lock();
	sem_post(&r->inside);
	sem_wait(&r->leave);
	rcuslot_read_unlock();
	rcuslot_unregister_thread();
	return NULL;
}

/*
 * The slot's grace periods are qsbr's: a memb reader that never leaves its
 * section does not hold up old_free (under memb it would wait forever; the
 * test's timeout is the failure).
 */
START_TEST(test_flavor_grace_periods_are_qsbr)
{
	struct memb_reader r;
	pthread_t t;
	struct qref s;
	struct qref_old old;

	ck_assert_int_eq(sem_init(&r.inside, 0, 0), 0);
	ck_assert_int_eq(sem_init(&r.leave, 0, 0), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, memb_reader, &r), 0);
	sem_wait(&r.inside);
	qref_init(&s, robj_new(1));
	old = qref_replace(&s, robj_new(2));
	qref_old_free(&old);
	ck_assert_int_eq(robj_frees, 1);
	qref_destroy(&s);
	ck_assert_int_eq(robj_frees, 2);
	sem_post(&r.leave);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
}
END_TEST

#ifdef RCUSLOT_DEBUG
/* name_get from a thread registered with memb only: qsbr's check fires. */
START_TEST(test_flavor_get_unregistered_aborts)
{
	struct qref s;
	const struct robj *g;

	qref_init(&s, robj_new(1));
	rcuslot_qsbr_unregister_thread();
	g = qref_get(&s);
	qref_put(g);
}
END_TEST
#endif

Suite *ref_flavor_suite(void)
{
	TCase *tc;
	Suite *s = rcu_suite("ref-flavor", &tc, setup, teardown);

	tcase_add_test(tc, test_flavor_ref_outlives_retire);
	tcase_add_test(tc, test_flavor_retire_paths);
	tcase_add_test(tc, test_flavor_grace_periods_are_qsbr);
#ifdef RCUSLOT_DEBUG
	{
		const char *fork = getenv("CK_FORK");

		if (!fork || strcmp(fork, "no") != 0)
			tcase_add_test_raise_signal(
				tc, test_flavor_get_unregistered_aborts,
				SIGABRT);
	}
#endif
	return s;
}
