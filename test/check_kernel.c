/* SPDX-License-Identifier: MIT */
/*
 * The behaviours the kernel's Rust Rcu<P> documentation demonstrates, in C:
 * 1. a reader sees 100;
 * 2. a reader holding the pointer across replace(101) still reads 100, new
 *    readers see 101, and the old object is freed only after that reader
 *    unlocks (a recording free_fn; a second thread does the free);
 * 3. a dereferenced config stays readable after the reader's reference to
 *    the slot's owner is gone: the read lock keeps the object alive.
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>

#include "check_rcuslot.h"
#include "testobj.h"

START_TEST(test_reader_sees_100)
{
	struct tslot s;

	tslot_init(&s, tobj_new(100));
	RCUSLOT_READ_SCOPE({
		const struct tobj *o = tslot_dereference(&s);

		ck_assert_ptr_nonnull(o);
		ck_assert_int_eq(o->value, 100);
	})
	tslot_destroy(&s);
	ck_assert_int_eq(tobj_frees, 1);
}
END_TEST

/* Scenario 2 ---------------------------------------------------------- */

struct held {
	struct tslot *slot;
	sem_t has_pointer, replaced, reader_done;
	long seen_before, seen_after;
	int intact_after;
	atomic_int unlocking;     /* set by the reader just before it unlocks */
	atomic_int freed;         /* set by free_fn */
	atomic_int unlocked_at_free; /* `unlocking` as free_fn saw it */
	struct tslot_old old;
};

static struct held *the_held;

static void record_free(struct tobj *o)
{
	if (o->value == 100) {
		atomic_store(&the_held->unlocked_at_free,
			     atomic_load(&the_held->unlocking));
		atomic_store(&the_held->freed, 1);
	}
}

static void *holding_reader(void *arg)
{
	struct held *h = arg;
	const struct tobj *o;

	rcuslot_register_thread();
	rcuslot_read_lock();
	o = tslot_dereference(h->slot);
	h->seen_before = o->value;
	sem_post(&h->has_pointer);
	sem_wait(&h->replaced);
	/* The updater has replaced and is waiting to free: still ours. */
	h->seen_after = o->value;
	h->intact_after = tobj_intact(o);
	atomic_store(&h->unlocking, 1);
	rcuslot_read_unlock();
	rcuslot_unregister_thread();
	sem_post(&h->reader_done);
	return NULL;
}

static void *freeing_thread(void *arg)
{
	struct held *h = arg;

	rcuslot_register_thread();
	tslot_old_free(&h->old);
	rcuslot_unregister_thread();
	return NULL;
}

START_TEST(test_reader_holds_across_replace)
{
	struct tslot s;
	struct held h = { .slot = &s };
	pthread_t reader, freer;

	the_held = &h;
	tobj_free_hook = record_free;
	sem_init(&h.has_pointer, 0, 0);
	sem_init(&h.replaced, 0, 0);
	sem_init(&h.reader_done, 0, 0);
	tslot_init(&s, tobj_new(100));

	ck_assert_int_eq(pthread_create(&reader, NULL, holding_reader, &h), 0);
	offline_sem_wait(&h.has_pointer);
	ck_assert_int_eq(h.seen_before, 100);

	h.old = tslot_replace(&s, tobj_new(101));
	ck_assert_int_eq(pthread_create(&freer, NULL, freeing_thread, &h), 0);
	/* A new reader sees 101 at once. */
	RCUSLOT_READ_SCOPE({
		ck_assert_int_eq(tslot_dereference(&s)->value, 101);
	})
	/* However long the freer waits, 100 stays alive while it is held. */
	offline_sleep_ms(50);
	ck_assert_int_eq(atomic_load(&h.freed), 0);

	sem_post(&h.replaced);
	offline_sem_wait(&h.reader_done);
	ck_assert_int_eq(h.seen_after, 100);
	ck_assert(h.intact_after);
	offline_join(freer);
	offline_join(reader);
	ck_assert_int_eq(atomic_load(&h.freed), 1);
	/* The free came after the reader's unlock, never before. */
	ck_assert_int_eq(atomic_load(&h.unlocked_at_free), 1);
	ck_assert_int_eq(tobj_frees, 1);
	tslot_destroy(&s);
	ck_assert_int_eq(tobj_frees, 2);
	ck_assert_int_eq(tobj_bad_frees, 0);
}
END_TEST

/* Scenario 3 ---------------------------------------------------------- */

struct config {
	int a, b, c;
};

static atomic_int config_frees;

static void config_free(struct config *c)
{
	atomic_fetch_add(&config_frees, 1);
	free(c);
}

RCU_SLOT_DEFINE(cfg_slot, struct config, config_free);

/* The slot lives inside an owner that the worker only borrows. */
struct owner {
	struct cfg_slot cfg;
};

struct worker {
	struct owner *owner;
	sem_t got, dropped, done;
	int a, b, c;
};

static void *config_worker(void *arg)
{
	struct worker *w = arg;
	const struct config *c;

	rcuslot_register_thread();
	RCUSLOT_READ_SCOPE({
		c = cfg_slot_dereference(&w->owner->cfg);
		w->owner = NULL; /* the worker's reference to the owner is gone */
		sem_post(&w->got);
		sem_wait(&w->dropped); /* ... and the owner itself is freed */
		w->a = c->a;
		w->b = c->b;
		w->c = c->c;
	})
	rcuslot_unregister_thread();
	sem_post(&w->done);
	return NULL;
}

START_TEST(test_config_outlives_owner_reference)
{
	struct owner *owner = malloc(sizeof(*owner));
	struct config *c = malloc(sizeof(*c));
	struct worker w = { .owner = owner };
	struct cfg_slot_old old;
	pthread_t t;

	c->a = 1;
	c->b = 2;
	c->c = 3;
	atomic_store(&config_frees, 0);
	sem_init(&w.got, 0, 0);
	sem_init(&w.dropped, 0, 0);
	sem_init(&w.done, 0, 0);
	cfg_slot_init(&owner->cfg, c);
	ck_assert_int_eq(pthread_create(&t, NULL, config_worker, &w), 0);
	offline_sem_wait(&w.got);
	/* Tear the owner down while the worker still reads: retire, defer, free. */
	old = cfg_slot_replace(&owner->cfg, NULL);
	cfg_slot_old_defer(&old);
	free(owner);
	/* The worker still holds its read lock: the config cannot be gone. */
	ck_assert_int_eq(atomic_load(&config_frees), 0);
	sem_post(&w.dropped);
	offline_sem_wait(&w.done);
	offline_join(t);
	ck_assert_int_eq(w.a, 1);
	ck_assert_int_eq(w.b, 2);
	ck_assert_int_eq(w.c, 3);
	rcuslot_barrier();
	ck_assert_int_eq(atomic_load(&config_frees), 1);
}
END_TEST

Suite *kernel_suite(void)
{
	TCase *tc;
	Suite *s = rcu_suite("kernel-behaviours", &tc, NULL, NULL);

	tcase_add_test(tc, test_reader_sees_100);
	tcase_add_test(tc, test_reader_holds_across_replace);
	tcase_add_test(tc, test_config_outlives_owner_reference);
	return s;
}
