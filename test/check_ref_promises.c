/* SPDX-License-Identifier: MIT */
/*
 * The counted slot's promises under concurrency, each tried adversarially
 * with a thread parked at the worst moment (test/README.md lists which
 * promise each test holds):
 * - "the object is freed exactly once, by whichever of 'a grace period has
 *   passed since it was retired' and 'the last reference was put' comes
 *   last", and "every way of retiring it drops the slot's reference only
 *   after a grace period": a reader puts its reference while the retiring
 *   call is parked in its grace period (the reader's own section holds it
 *   there), for each way of retiring;
 * - NAME_ref_get() and NAME_put() "any thread, registered or not, inside or
 *   outside a read-side critical section": the last reference is put by a
 *   thread that never registered, and by one inside a section.
 */
#include <pthread.h>
#include <semaphore.h>

#include "check_rcuslot.h"
#include "check_ref.h"

enum ref_retire {
	R_OLD_FREE,
	R_OLD_DEFER,
	R_BATCH_FREE,
	R_BATCH_DEFER,
	R_DESTROY,
	N_REF_RETIRE
};

struct put_race {
	struct rslot slot;
	enum ref_retire path;
	sem_t got, replaced, go, put, end;
	const struct robj *obj; /* the object the reader holds */
	long frees_after_put;   /* robj_frees right after the reader's put */
	long frees_in_reader;   /* frees the reader's thread did */
	atomic_int retired;     /* the retiring call returned */
};

/* Holds a reference and a read-side section, and puts inside the section. */
static void *section_reader(void *arg)
{
	struct put_race *p = arg;

	rcuslot_register_thread();
	rcuslot_read_lock();
	p->obj = rslot_get(&p->slot);
	sem_post(&p->got);
	sem_wait(&p->go); /* a plain wait: online, in the section */
	rslot_put(p->obj);
	p->frees_after_put = atomic_load(&robj_frees);
	p->frees_in_reader = robj_frees_here;
	sem_post(&p->put);
	sem_wait(&p->end);
	rcuslot_read_unlock();
	rcuslot_unregister_thread();
	return NULL;
}

/* Unpublishes the reader's object and retires it by p->path. */
static void *retirer(void *arg)
{
	struct put_race *p = arg;
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	struct rslot_old old;

	rcuslot_register_thread();
	if (p->path == R_DESTROY) {
		sem_post(&p->replaced);
		rslot_destroy(&p->slot);
	} else {
		old = rslot_replace(&p->slot, robj_new(2));
		sem_post(&p->replaced);
		switch (p->path) {
		case R_OLD_FREE:
			rslot_old_free(&old);
			break;
		case R_OLD_DEFER:
			rslot_old_defer(&old);
			break;
		default:
			rslot_batch_add(&b, &old);
			if (p->path == R_BATCH_FREE)
				rcuslot_batch_free(&b);
			else
				rcuslot_batch_defer(&b);
			break;
		}
	}
	atomic_store(&p->retired, 1);
	rcuslot_unregister_thread();
	return NULL;
}

/* Until the slot no longer holds obj (replaced, or emptied by destroy). */
static void wait_unpublished(struct put_race *p)
{
	for (;;) {
		const struct robj *cur;

		rcuslot_read_lock();
		cur = rslot_dereference(&p->slot);
		rcuslot_read_unlock();
		if (cur != p->obj)
			return;
		offline_sleep_ms(1);
	}
}

/*
 * The reader's put comes while the retiring call waits for the grace
 * period that the reader's own section holds up: the put must not free
 * (the slot's reference is still there), the retiring side frees once the
 * section ends, and nothing frees twice.
 */
START_TEST(test_put_while_retire_waits)
{
	struct put_race p = { .path = (enum ref_retire)_i };
	pthread_t r, t;

	sem_init(&p.got, 0, 0);
	sem_init(&p.replaced, 0, 0);
	sem_init(&p.go, 0, 0);
	sem_init(&p.put, 0, 0);
	sem_init(&p.end, 0, 0);
	rslot_init(&p.slot, robj_new(1));
	ck_assert_int_eq(pthread_create(&r, NULL, section_reader, &p), 0);
	offline_sem_wait(&p.got);
	ck_assert_ptr_nonnull(p.obj);
	ck_assert_int_eq(pthread_create(&t, NULL, retirer, &p), 0);
	offline_sem_wait(&p.replaced);
	wait_unpublished(&p);
	offline_sleep_ms(10); /* the retiring call is in its grace period */
	sem_post(&p.go);
	offline_sem_wait(&p.put);
	ck_assert_int_eq(p.frees_after_put, 0);
	ck_assert_int_eq(p.frees_in_reader, 0);
	ck_assert(robj_intact(p.obj));
	/* one reference left: the slot's, not yet dropped */
	ck_assert_int_eq(robj_count(p.obj), 1);
	/* a retiring call that waits is still waiting */
	if (p.path == R_OLD_FREE || p.path == R_BATCH_FREE ||
	    p.path == R_DESTROY)
		ck_assert_int_eq(atomic_load(&p.retired), 0);
	sem_post(&p.end);
	offline_join(r);
	offline_join(t);
	rcuslot_barrier();
	ck_assert_int_eq(robj_frees, 1);
	ck_assert_int_eq(robj_last_freed_value, 1);
	if (p.path != R_DESTROY)
		rslot_destroy(&p.slot);
	ck_assert_int_eq(robj_bad_frees, 0);
	ck_assert_int_eq(robj_frees, robj_allocs);
	sem_destroy(&p.got);
	sem_destroy(&p.replaced);
	sem_destroy(&p.go);
	sem_destroy(&p.put);
	sem_destroy(&p.end);
}
END_TEST

struct last_put {
	const struct robj *held;
	int registered; /* 0: a thread that never registers */
	int intact;
	long frees_there;
};

/* Takes one more reference, then puts both: the last put frees, here. */
static void *last_putter(void *arg)
{
	struct last_put *l = arg;
	const struct robj *extra;

	if (l->registered) {
		rcuslot_register_thread();
		rcuslot_read_lock();
	}
	l->intact = robj_intact(l->held);
	extra = rslot_ref_get(l->held);
	rslot_put(extra);
	rslot_put(l->held);
	l->frees_there = robj_frees_here;
	if (l->registered) {
		rcuslot_read_unlock();
		rcuslot_unregister_thread();
	}
	return NULL;
}

/*
 * The last reference is taken and put by a thread that never registered
 * (_i = 0), or by one inside a read-side section (_i = 1), after the
 * object's grace period: it frees there, once.
 */
START_TEST(test_last_put_from_any_thread)
{
	struct rslot s;
	struct rslot_old old;
	struct last_put l = { .registered = _i };
	pthread_t t;

	rslot_init(&s, robj_new(1));
	l.held = rslot_get(&s);
	old = rslot_replace(&s, robj_new(2));
	/* the slot's reference is gone: l.held's is the last */
	rslot_old_free(&old);
	ck_assert_int_eq(robj_frees, 0);
	ck_assert_int_eq(pthread_create(&t, NULL, last_putter, &l), 0);
	offline_join(t);
	ck_assert(l.intact);
	ck_assert_int_eq(l.frees_there, 1);
	ck_assert_int_eq(robj_frees, 1);
	ck_assert_int_eq(robj_last_freed_value, 1);
	rslot_destroy(&s);
	ck_assert_int_eq(robj_bad_frees, 0);
	ck_assert_int_eq(robj_frees, robj_allocs);
}
END_TEST

static void setup(void)
{
	rcu_thread_setup();
	robj_reset_counters();
}

Suite *ref_promises_suite(void)
{
	TCase *tc;
	Suite *s = rcu_suite("ref-promises", &tc, setup, NULL);

	tcase_add_loop_test(tc, test_put_while_retire_waits, 0, N_REF_RETIRE);
	tcase_add_loop_test(tc, test_last_put_from_any_thread, 0, 2);
	return s;
}
