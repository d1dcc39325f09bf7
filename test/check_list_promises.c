/* SPDX-License-Identifier: MIT */
/*
 * The list's promises under concurrency, each tried adversarially: a thread
 * is parked at the worst moment for the promise, deterministically, and the
 * other side acts there. test/README.md lists which promise each test holds.
 *
 * The parking place is a read-side critical section: the test thread finds
 * entries by walking, then another thread removes, retires or destroys, and
 * its grace period waits for the test thread's section. So the other thread
 * is held between its unlink and its free exactly as long as the test thread
 * needs, and the entries the test thread found stay valid meanwhile. The
 * entry (check_list.h) is ledgered and poisoned when freed: a double free, a
 * free too early or a lost entry fails the test even without a sanitizer.
 */
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <time.h>

#include "check_list.h"
#include "check_rcuslot.h"

static struct llist dlist;

/* The entries of the list, found by walking in the caller's section. */
static int collect(struct lent **out, int max)
{
	const struct lent *e;
	int n = 0;

	RCU_LIST_FOREACH(llist, &dlist, e) {
		ck_assert(lent_intact(e));
		ck_assert_int_lt(n, max);
		out[n++] = (struct lent *)e;
	}
	return n;
}

/* The keys of a walk, in order, outside any section of the caller's. */
static int keys_now(long *out, int max)
{
	const struct lent *e;
	int n = 0;

	RCUSLOT_READ_SCOPE() {
		RCU_LIST_FOREACH(llist, &dlist, e) {
			ck_assert(lent_intact(e));
			if (n < max)
				out[n] = e->key;
			n++;
		}
	}
	return n;
}

static void fill(int n)
{
	llist_init(&dlist);
	for (long k = 0; k < n; k++)
		llist_add_tail(&dlist, lent_new(k));
}

/* Spin inside the caller's section without a quiescent state. */
static void spin_ms(int ms)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		sched_yield();
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 +
			 (t.tv_nsec - t0.tv_nsec) / 1000000 <
		 ms);
}

/* --- LIST_destroy with concurrent updaters -------------------------------- */

static void *destroyer(void *arg)
{
	(void)arg;
	rcuslot_register_thread();
	llist_destroy(&dlist);
	rcuslot_unregister_thread();
	return NULL;
}

/*
 * Inside the caller's read-side section, which found the entries: start
 * LIST_destroy in another thread and return once it has taken every entry
 * out (the list reads empty). It is then waiting for its grace period, that
 * is for this section: parked between its detach and its free loop.
 */
static pthread_t destroy_begin(void)
{
	pthread_t t;

	ck_assert_int_eq(pthread_create(&t, NULL, destroyer, NULL), 0);
	while (!llist_empty(&dlist))
		sched_yield();
	spin_ms(5); /* destroy is past its unlock: its grace period waits for us */
	return t;
}

/* End the caller's section, and let destroy free what it took out. */
static void destroy_end(pthread_t t)
{
	rcuslot_read_unlock();
	offline_join(t);
}

/*
 * remove() of entries destroy took out (the first one and the middle one):
 * an empty handle, as for any entry another updater removed; the updater
 * that would have retired it does nothing, destroy frees it, once, and the
 * list stays empty. A reader on an entry destroy took out walks on to the
 * end, on valid entries.
 */
START_TEST(test_destroy_vs_remove)
{
	struct lent *e[3];
	struct llist_old first, mid;
	const struct lent *w;
	long keys[4];
	int seen = 0;

	fill(3);
	rcuslot_read_lock();
	ck_assert_int_eq(collect(e, 3), 3);
	pthread_t t = destroy_begin();

	first = llist_remove(&dlist, e[0]);
	mid = llist_remove(&dlist, e[1]);
	/* entries removed during a walk may be seen or not; all are valid */
	for (w = llist_next(&dlist, e[0]); w; w = llist_next(&dlist, w)) {
		ck_assert(lent_intact(w));
		seen++;
	}
	destroy_end(t);
	/* as an updater does with what remove handed it */
	llist_old_free(&first);
	llist_old_free(&mid);
	ck_assert_int_eq(lent_bad_frees, 0);
	ck_assert_int_eq(lent_frees, 3);
	ck_assert_int_eq(keys_now(keys, 4), 0);
	ck_assert(llist_old_is_empty(&first) && llist_old_is_empty(&mid));
	ck_assert_int_le(seen, 2);
}
END_TEST

/*
 * After remove() of destroy's last entry, the list is still sound: what is
 * added then stays, intact, and is freed once, by the next destroy.
 */
START_TEST(test_destroy_vs_remove_last_then_add)
{
	struct lent *e[2], *a, *b;
	struct llist_old old;
	long keys[4];

	fill(2);
	rcuslot_read_lock();
	ck_assert_int_eq(collect(e, 2), 2);
	pthread_t t = destroy_begin();

	old = llist_remove(&dlist, e[1]);
	a = lent_new(10);
	llist_add_tail(&dlist, a);
	destroy_end(t);
	llist_old_free(&old);
	b = lent_new(11);
	llist_add_tail(&dlist, b); /* the head's back link must be sound */
	ck_assert_int_eq(keys_now(keys, 4), 2);
	ck_assert_int_eq(keys[0], 10);
	ck_assert_int_eq(keys[1], 11);
	ck_assert(lent_intact(a) && lent_intact(b));
	ck_assert_int_eq(lent_frees, 2);
	llist_destroy(&dlist);
	ck_assert_int_eq(lent_frees, 4);
}
END_TEST

/*
 * add_before() / add_after() next to entries destroy took out: -ENOENT,
 * nothing linked, the new entry still the caller's; the list stays empty
 * and sound.
 */
START_TEST(test_destroy_vs_add_next_to)
{
	struct lent *e[3], *n1 = lent_new(100), *n2 = lent_new(101);
	int before, after;
	long keys[4];

	fill(3);
	rcuslot_read_lock();
	ck_assert_int_eq(collect(e, 3), 3);
	pthread_t t = destroy_begin();

	before = llist_add_before(&dlist, e[0], n1);
	after = llist_add_after(&dlist, e[2], n2);
	destroy_end(t);
	ck_assert_int_eq(keys_now(keys, 4), 0);
	llist_add_tail(&dlist, lent_new(5));
	ck_assert_int_eq(keys_now(keys, 4), 1);
	ck_assert_int_eq(keys[0], 5);
	ck_assert_int_eq(before, -ENOENT);
	ck_assert_int_eq(after, -ENOENT);
	ck_assert(lent_intact(n1) && lent_intact(n2)); /* still the caller's */
	lent_free(n1);
	lent_free(n2);
	llist_destroy(&dlist);
}
END_TEST

/* replace() of an entry destroy took out: empty handle, nothing linked. */
START_TEST(test_destroy_vs_replace)
{
	struct lent *e[2], *n = lent_new(100);
	struct llist_old old;
	long keys[2];

	fill(2);
	rcuslot_read_lock();
	ck_assert_int_eq(collect(e, 2), 2);
	pthread_t t = destroy_begin();

	old = llist_replace(&dlist, e[0], n);
	destroy_end(t);
	ck_assert(llist_old_is_empty(&old));
	ck_assert_int_eq(keys_now(keys, 2), 0);
	ck_assert(lent_intact(n));
	lent_free(n);
	ck_assert_int_eq(lent_frees, 3);
}
END_TEST

/* What updaters add while destroy waits stays in the list, untouched. */
START_TEST(test_destroy_keeps_what_is_added_meanwhile)
{
	struct lent *e[2], *h = lent_new(20), *tl = lent_new(21),
			   *mid = lent_new(22);
	long keys[4];

	fill(2);
	rcuslot_read_lock();
	ck_assert_int_eq(collect(e, 2), 2);
	pthread_t t = destroy_begin();

	llist_add_head(&dlist, h);
	llist_add_tail(&dlist, tl);
	ck_assert_int_eq(llist_add_after(&dlist, h, mid), 0);
	destroy_end(t);
	ck_assert_int_eq(keys_now(keys, 4), 3);
	ck_assert_int_eq(keys[0], 20);
	ck_assert_int_eq(keys[1], 22);
	ck_assert_int_eq(keys[2], 21);
	ck_assert_int_eq(lent_frees, 2);
	llist_destroy(&dlist);
	ck_assert_int_eq(lent_frees, 5);
}
END_TEST

Suite *list_promises_suite(void)
{
	TCase *tc;
	Suite *s = rcu_suite("list-promises", &tc, list_setup, list_teardown);

	tcase_add_test(tc, test_destroy_vs_remove);
	tcase_add_test(tc, test_destroy_vs_remove_last_then_add);
	tcase_add_test(tc, test_destroy_vs_add_next_to);
	tcase_add_test(tc, test_destroy_vs_replace);
	tcase_add_test(tc, test_destroy_keeps_what_is_added_meanwhile);
	return s;
}
