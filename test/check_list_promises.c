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
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
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

	RCUSLOT_READ_GUARD();
	RCU_LIST_FOREACH(llist, &dlist, e) {
		ck_assert(lent_intact(e));
		if (n < max)
			out[n] = e->key;
		n++;
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
	long elapsed;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		sched_yield();
		clock_gettime(CLOCK_MONOTONIC, &t);
		elapsed = (t.tv_sec - t0.tv_sec) * 1000L +
			  (t.tv_nsec - t0.tv_nsec) / 1000000L;
	} while (elapsed < ms);
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
	/* destroy is past its unlock: its grace period waits for us */
	spin_ms(5);
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

	ck_assert_int_eq(llist_replace(&dlist, e[0], n, &old), -ENOENT);
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

/*
 * Two destroys at once: the second takes out what was added after the
 * first one's detach, and each frees only what it took out.
 */
START_TEST(test_destroy_vs_destroy)
{
	struct lent *e[2];
	pthread_t t1, t2;

	fill(2);
	rcuslot_read_lock();
	ck_assert_int_eq(collect(e, 2), 2);
	t1 = destroy_begin();
	llist_add_tail(&dlist, lent_new(10));
	/* the list reads empty again: the second took it */
	t2 = destroy_begin();
	rcuslot_read_unlock();
	offline_join(t1);
	offline_join(t2);
	ck_assert(llist_empty(&dlist));
	ck_assert_int_eq(lent_bad_frees, 0);
	ck_assert_int_eq(lent_frees, 3);
}
END_TEST

/*
 * Destroys among updaters and readers, for a bounded number of operations:
 * what the parked tests above show one interleaving at a time, at random.
 * Updaters find entries by walking and remove, replace or add next to them
 * (retiring by free, defer or a batch), or add at the tail; a destroyer
 * empties the list over and over; readers walk. Every entry must be intact
 * when seen and freed exactly once (the ledger, checked by the fixture).
 */
#define CHURN_UPDATERS 3
#define CHURN_OPS 300
#define CHURN_DESTROYS 30

static atomic_int churn_stop;
static atomic_long churn_torn;

static unsigned churn_rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return (unsigned)((z ^ (z >> 31)) >> 33);
}

/* The n-th entry (or the last one, or NULL), in the caller's section. */
static const struct lent *churn_find(unsigned n)
{
	const struct lent *e, *last = NULL;

	RCU_LIST_FOREACH(llist, &dlist, e) {
		if (!lent_intact(e))
			atomic_fetch_add(&churn_torn, 1);
		last = e;
		if (n-- == 0)
			break;
	}
	return last;
}

static void churn_retire(struct rcuslot_batch *b, struct llist_old *old,
			 unsigned how)
{
	if (how % 3 == 0)
		llist_old_free(old);
	else if (how % 3 == 1)
		llist_old_defer(old);
	else
		llist_batch_add(b, old);
}

static void *churn_updater(void *arg)
{
	uint64_t seed = (uint64_t)(uintptr_t)arg;
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;

	rcuslot_register_thread();
	for (int i = 0; i < CHURN_OPS; i++) {
		unsigned op = churn_rnd(&seed) % 4, how = churn_rnd(&seed);
		struct lent *n = lent_new(i);
		struct llist_old old = { NULL };
		const struct lent *e;
		int err = 0;

		if (op == 0) {
			llist_add_tail(&dlist, n);
			n = NULL;
		}
		rcuslot_read_lock();
		e = op ? churn_find(churn_rnd(&seed) % 12) : NULL;
		if (how & 8) /* widen the window between finding and acting */
			sched_yield();
		if (e && op == 1)
			old = llist_remove(&dlist, e);
		else if (e && op == 2)
			err = llist_replace(&dlist, e, n, &old);
		else if (e && op == 3)
			err = llist_add_after(&dlist, e, n);
		rcuslot_read_unlock();
		/* n is the list's once linked; the caller's otherwise */
		if ((op == 2 || op == 3) && e && err == 0)
			n = NULL;
		if (n)
			lent_free(n);
		if (!llist_old_is_empty(&old))
			churn_retire(&b, &old, how);
		if (rcuslot_batch_count(&b) >= 8)
			rcuslot_batch_free(&b);
		rcuslot_quiescent_state();
	}
	rcuslot_batch_free(&b);
	rcuslot_unregister_thread();
	return NULL;
}

static void *churn_destroyer(void *arg)
{
	(void)arg;
	rcuslot_register_thread();
	for (int i = 0; i < CHURN_DESTROYS; i++) {
		llist_destroy(&dlist);
		if (i % 2)
			offline_sleep_ms(1);
	}
	rcuslot_unregister_thread();
	return NULL;
}

static void *churn_reader(void *arg)
{
	(void)arg;
	rcuslot_register_thread();
	while (!atomic_load(&churn_stop)) {
		rcuslot_read_lock();
		(void)churn_find(~0u);
		rcuslot_read_unlock();
		rcuslot_quiescent_state();
		sched_yield();
	}
	rcuslot_unregister_thread();
	return NULL;
}

START_TEST(test_destroy_while_updaters_churn)
{
	pthread_t up[CHURN_UPDATERS], rd[2], d;

	atomic_store(&churn_stop, 0);
	atomic_store(&churn_torn, 0);
	fill(8);
	for (int r = 0; r < 2; r++)
		ck_assert_int_eq(
			pthread_create(&rd[r], NULL, churn_reader, NULL), 0);
	for (long u = 0; u < CHURN_UPDATERS; u++)
		ck_assert_int_eq(pthread_create(&up[u], NULL, churn_updater,
						(void *)(u + 1)),
				 0);
	ck_assert_int_eq(pthread_create(&d, NULL, churn_destroyer, NULL), 0);
	for (int u = 0; u < CHURN_UPDATERS; u++)
		offline_join(up[u]);
	offline_join(d);
	atomic_store(&churn_stop, 1);
	for (int r = 0; r < 2; r++)
		offline_join(rd[r]);
	llist_destroy(&dlist);
	rcuslot_barrier();
	ck_assert_int_eq(churn_torn, 0);
	ck_assert_int_eq(lent_bad_frees, 0);
	ck_assert_int_eq(lent_frees, lent_allocs);
}
END_TEST

/* --- Walks, removals and retirement with a reader parked ----------------- */

/*
 * The other side of each test below: an updater thread that changes the
 * list while the test thread is parked inside its section, posts `acted`,
 * then retires what it took out, by one of the ways in retire_by(): the
 * waiting ones block until the test thread's section ends.
 */
enum retire_path {
	BY_FREE,
	BY_RECLAIM,
	BY_DEFER,
	BY_BATCH_FREE,
	BY_BATCH_DEFER,
	N_PATHS
};

struct updater {
	pthread_t thread;
	sem_t acted;
	enum retire_path path;
	int op; /* what to do: the test's own numbering */
	/* the entries the test thread found; act_walk: e[6] */
	struct lent *e[8];
	struct llist_old old[4];
	int n_old;
	atomic_int retired; /* the retiring call has returned */
	void (*act)(struct updater *u);
};

static void retire_all(struct updater *u)
{
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;

	for (int i = 0; i < u->n_old; i++) {
		switch (u->path) {
		case BY_FREE:
			llist_old_free(&u->old[i]);
			break;
		case BY_RECLAIM: {
			struct lent *e = llist_old_reclaim(&u->old[i]);

			if (e)
				lent_free(e);
			break;
		}
		case BY_DEFER:
			llist_old_defer(&u->old[i]);
			break;
		default:
			llist_batch_add(&b, &u->old[i]);
			break;
		}
	}
	if (u->path == BY_BATCH_FREE)
		rcuslot_batch_free(&b);
	else if (u->path == BY_BATCH_DEFER)
		rcuslot_batch_defer(&b);
}

static void *updater_thread(void *arg)
{
	struct updater *u = arg;

	rcuslot_register_thread();
	u->act(u);
	sem_post(&u->acted);
	retire_all(u);
	atomic_store(&u->retired, 1);
	rcuslot_unregister_thread();
	return NULL;
}

/* Start the updater and wait, inside the caller's section, until it acted. */
static void updater_run(struct updater *u, void (*act)(struct updater *u))
{
	u->act = act;
	sem_init(&u->acted, 0, 0);
	ck_assert_int_eq(pthread_create(&u->thread, NULL, updater_thread, u),
			 0);
	/* a plain wait: the caller stays in its section (online, under qsbr) */
	sem_wait(&u->acted);
}

static void updater_join(struct updater *u)
{
	offline_join(u->thread);
	sem_destroy(&u->acted);
	rcuslot_barrier(); /* the deferred paths */
}

/*
 * Remove the reader's entry (e[2]) and its successor (e[3]), replace the
 * one after (e[4], by a new entry with its key), add entries next to the
 * replacement and in front of the reader.
 */
static void act_walk(struct updater *u)
{
	struct lent *n4 = lent_new(4);

	u->e[6] = n4;
	u->old[u->n_old++] = llist_remove(&dlist, u->e[2]);
	u->old[u->n_old++] = llist_remove(&dlist, u->e[3]);
	ck_assert_int_eq(
		llist_replace(&dlist, u->e[4], n4, &u->old[u->n_old++]), 0);
	/* a second 4 */
	ck_assert_int_eq(llist_add_after(&dlist, n4, lent_new(4)), 0);
	ck_assert_int_eq(llist_add_after(&dlist, u->e[0], lent_new(0)), 0);
	for (int i = 0; i < u->n_old; i++)
		ck_assert(!llist_old_is_empty(&u->old[i]));
}

/*
 * What a walk sees while updaters work (the list's top-level contract):
 * the test thread walks to entry `_i + 1` and parks there; the updater
 * removes the entry it stands on and the next, replaces the one after,
 * adds entries. Going on, the walk meets only intact entries, in key
 * order, each at most once; the entries that stayed (keys 0, 1, 5) exactly
 * once; key 4 (replaced) exactly once, old or new; and nothing it met is
 * freed before its section ends, whichever way the updater retires them.
 */
START_TEST(test_walk_while_updater_works)
{
	struct updater u = { .path = (enum retire_path)(_i / 2) };
	const struct lent *seen[16], *w;
	int n = 0, count[6] = { 0 }, removed = 0, fours = 0;

	fill(6);
	rcuslot_read_lock();
	ck_assert_int_eq(collect(u.e, 8), 6);
	for (w = llist_first(&dlist); w != u.e[1 + _i % 2];
	     w = llist_next(&dlist, w))
		seen[n++] = w;
	/* parked on e[1] (before the removed ones) or e[2] (on one) */
	seen[n++] = w;
	updater_run(&u, act_walk);
	spin_ms(10);
	for (w = llist_next(&dlist, w); w; w = llist_next(&dlist, w)) {
		ck_assert_int_lt(n, 16);
		seen[n++] = w;
	}
	for (int i = 0; i < n; i++) {
		ck_assert_msg(lent_intact(seen[i]),
			      "entry %d of the walk torn or freed", i);
		ck_assert(i == 0 || seen[i]->key >= seen[i - 1]->key);
		for (int j = 0; j < i; j++)
			ck_assert(seen[j] != seen[i]);
		count[seen[i]->key]++;
		removed += seen[i] == u.e[2] || seen[i] == u.e[3];
		fours += seen[i] == u.e[4] || seen[i] == u.e[6];
	}
	/* the updater waits for this section */
	ck_assert_int_eq(lent_frees, 0);
	rcuslot_read_unlock();
	updater_join(&u);
	/* the 0 added meanwhile is behind the reader */
	ck_assert_int_eq(count[0], 1);
	ck_assert_int_eq(count[1], 1);
	ck_assert_int_eq(count[5], 1);
	/* the old 4 or its replacement: one of them */
	ck_assert_int_eq(fours, 1);
	/* and maybe the 4 added after the new one */
	ck_assert_int_le(count[4], 2);
	ck_assert_int_le(removed, 2);
	ck_assert_int_eq(lent_frees, 3);
	llist_destroy(&dlist);
}
END_TEST

static void act_remove_first(struct updater *u)
{
	u->old[u->n_old++] = llist_remove(&dlist, u->e[0]);
	ck_assert(!llist_old_is_empty(&u->old[0]));
}

/*
 * "Valid, and unchanged, until the end of the outermost read-side
 * critical section that encloses the call, even if an updater removes it
 * meanwhile", for each way of retiring it: found in an inner section that
 * has ended, the entry is removed and retired while the outer one goes on.
 */
START_TEST(test_entry_valid_until_outermost_unlock)
{
	struct updater u = { .path = (enum retire_path)_i };
	struct lent copy;

	fill(2);
	rcuslot_read_lock();
	rcuslot_read_lock();
	ck_assert_int_eq(collect(u.e, 8), 2);
	copy = *u.e[0];
	rcuslot_read_unlock();
	updater_run(&u, act_remove_first);
	spin_ms(20); /* time for a grace period that would not wait */
	ck_assert(lent_intact(u.e[0]));
	ck_assert_int_eq(memcmp(&copy, u.e[0], offsetof(struct lent, node)), 0);
	ck_assert_int_eq(lent_frees, 0);
	/* a retiring call that waits is still waiting */
	if (u.path == BY_FREE || u.path == BY_RECLAIM ||
	    u.path == BY_BATCH_FREE)
		ck_assert_int_eq(atomic_load(&u.retired), 0);
	rcuslot_read_unlock();
	updater_join(&u);
	ck_assert_int_eq(lent_frees, 1);
	llist_destroy(&dlist);
}
END_TEST

static void act_remove_or_replace(struct updater *u)
{
	if (u->op == 0)
		u->old[u->n_old++] = llist_remove(&dlist, u->e[1]);
	else
		ck_assert_int_eq(llist_replace(&dlist, u->e[1], lent_new(1),
					       &u->old[u->n_old++]),
				 0);
	ck_assert(!llist_old_is_empty(&u->old[0]));
}

/*
 * "An updater that found an entry by walking learns that another updater
 * removed it meanwhile" (and "either obj goes in next to a pos that is in
 * the list, or nothing changes and obj is still the caller's"): the test
 * thread finds entry 1, another updater removes it (_i = 0) or replaces it
 * (_i = 1) before the test thread acts on it.
 */
START_TEST(test_update_next_to_entry_removed_meanwhile)
{
	struct updater u = { .path = BY_FREE, .op = _i };
	struct lent *n[4];
	struct llist_old rm, rp;
	long keys[8];
	int err_before, err_after, err_replace;

	for (int i = 0; i < 4; i++)
		n[i] = lent_new(10 + i);
	fill(3);
	rcuslot_read_lock();
	ck_assert_int_eq(collect(u.e, 8), 3);
	updater_run(&u, act_remove_or_replace);
	err_before = llist_add_before(&dlist, u.e[1], n[0]);
	err_after = llist_add_after(&dlist, u.e[1], n[1]);
	rm = llist_remove(&dlist, u.e[1]);
	err_replace = llist_replace(&dlist, u.e[1], n[2], &rp);
	rcuslot_read_unlock();
	updater_join(&u);
	ck_assert_int_eq(err_before, -ENOENT);
	ck_assert_int_eq(err_after, -ENOENT);
	ck_assert_int_eq(err_replace, -ENOENT);
	ck_assert(llist_old_is_empty(&rm));
	ck_assert(llist_old_is_empty(&rp));
	ck_assert_int_eq(keys_now(keys, 8), 3 - (_i == 0));
	ck_assert_int_eq(keys[0], 0);
	ck_assert_int_eq(keys[1], _i == 0 ? 2 : 1);
	/* still the caller's: fresh for any list (debug builds check it) */
	for (int i = 0; i < 4; i++) {
		ck_assert(lent_intact(n[i]));
		llist_add_tail(&dlist, n[i]);
	}
	ck_assert_int_eq(keys_now(keys, 8), 7 - (_i == 0));
	ck_assert_int_eq(lent_frees, 1);
	llist_destroy(&dlist);
}
END_TEST

struct lock_reader {
	sem_t done;
	int entries;
	bool empty;
};

static void *lock_reader_thread(void *arg)
{
	struct lock_reader *r = arg;

	rcuslot_register_thread();
	RCUSLOT_READ_SCOPE({
		const struct lent *e;

		RCU_LIST_FOREACH(llist, &dlist, e)
			r->entries += lent_intact(e);
	})
	r->empty = llist_empty(&dlist);
	rcuslot_unregister_thread();
	sem_post(&r->done);
	return NULL;
}

/*
 * "Readers never take it and never wait for it" (LIST_lock), and
 * LIST_empty "with or without the lock": a reader walks the whole list
 * while the test thread holds the lock in the middle of a compound update.
 */
START_TEST(test_readers_never_wait_for_the_lock)
{
	struct lock_reader r = { .entries = 0 };
	struct timespec until;
	pthread_t t;
	int rc;

	fill(4);
	sem_init(&r.done, 0, 0);
	llist_lock(&dlist);
	llist_add_head_locked(&dlist, lent_new(-1));
	ck_assert_int_eq(pthread_create(&t, NULL, lock_reader_thread, &r), 0);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	rcuslot_thread_offline();
	while ((rc = sem_timedwait(&r.done, &until)) != 0 && errno == EINTR)
		;
	rcuslot_thread_online();
	ck_assert(!llist_empty(&dlist)); /* the lock holder may ask too */
	llist_unlock(&dlist);
	ck_assert_msg(rc == 0, "a reader waited for the list's lock");
	offline_join(t);
	ck_assert_int_eq(r.entries, 5);
	ck_assert(!r.empty);
	sem_destroy(&r.done);
	llist_destroy(&dlist);
}
END_TEST

struct parked_reader {
	sem_t in, out;
};

/* Holds a read-side section until told: any grace period waits for it. */
static void *parked_reader_thread(void *arg)
{
	struct parked_reader *r = arg;

	rcuslot_register_thread();
	rcuslot_read_lock();
	sem_post(&r->in);
	sem_wait(&r->out); /* a plain wait: online, in the section */
	rcuslot_read_unlock();
	rcuslot_unregister_thread();
	return NULL;
}

/*
 * "Never waits" (every update, LIST_empty()), "an empty handle: no-op, no
 * wait" (LIST_old_free(), LIST_old_reclaim()), LIST_old_defer() "does not
 * wait" under its bound, LIST_batch_add() "never waits" while it finds
 * memory, LIST_destroy() of an empty list does not wait: all of them with
 * a reader parked in its section, which a wait would deadlock on (the
 * test's timeout), and none of them counted as a grace period waited.
 */
START_TEST(test_no_wait_while_a_reader_is_parked)
{
	struct parked_reader r;
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	struct llist_old old, empty = { NULL };
	struct lent *e[3], *n = lent_new(10);
	unsigned long gps;
	pthread_t t;

	fill(3);
	ck_assert_int_eq(sem_init(&r.in, 0, 0), 0);
	ck_assert_int_eq(sem_init(&r.out, 0, 0), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, parked_reader_thread, &r), 0);
	offline_sem_wait(&r.in);
	gps = rcuslot_grace_periods_waited();

	rcuslot_read_lock();
	ck_assert_int_eq(collect(e, 3), 3);
	rcuslot_read_unlock();
	llist_add_head(&dlist, lent_new(-1));
	ck_assert_int_eq(llist_add_after(&dlist, e[0], lent_new(0)), 0);
	ck_assert_int_eq(llist_replace(&dlist, e[1], n, &old), 0);
	llist_old_defer(&old);
	old = llist_remove(&dlist, e[2]);
	llist_batch_add(&b, &old);
	ck_assert(!llist_empty(&dlist));
	llist_old_free(&empty);
	ck_assert_ptr_null(llist_old_reclaim(&empty));
	{
		struct llist none = RCU_LIST_INITIALIZER(none);

		llist_destroy(&none);
	}
	ck_assert_uint_eq(rcuslot_grace_periods_waited(), gps);
	ck_assert_int_eq(lent_frees, 0); /* the reader may still see them */

	sem_post(&r.out);
	offline_join(t);
	rcuslot_batch_free(&b);
	rcuslot_barrier();
	ck_assert_int_eq(lent_frees, 2);
	llist_destroy(&dlist);
	sem_destroy(&r.in);
	sem_destroy(&r.out);
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
	tcase_add_test(tc, test_destroy_vs_destroy);
	tcase_add_test(tc, test_destroy_while_updaters_churn);
	tcase_add_loop_test(tc, test_walk_while_updater_works, 0, 2 * N_PATHS);
	tcase_add_loop_test(tc, test_entry_valid_until_outermost_unlock, 0,
			    N_PATHS);
	tcase_add_loop_test(tc, test_update_next_to_entry_removed_meanwhile, 0,
			    2);
	tcase_add_test(tc, test_readers_never_wait_for_the_lock);
	tcase_add_test(tc, test_no_wait_while_a_reader_is_parked);
	return s;
}
