/* SPDX-License-Identifier: MIT */
/*
 * Readers walking one list while four updaters change it, for a bounded
 * number of updates, against the real liburcu:
 * - the list holds STABLE positions, entries with even keys 0, 2, ...;
 *   two updaters replace them (racing each other for the same entry, so
 *   one of them sometimes finds it gone and gets an empty handle), and
 *   retire the old one by free, defer, reclaim or batch, in turn;
 * - two more add and remove transient entries (odd key 2k+1, right after
 *   stable entry k): one with add_after/remove next to what it found by
 *   walking (add_after then gets -ENOENT when the entry was replaced in
 *   between), one with compound updates under the list's lock.
 *
 * Checked by each reader, for each walk: every entry it sees is intact,
 * during the walk and at its end; keys never go down; each stable
 * position is seen exactly once, in order, although it is replaced all the
 * time (replace is atomic: old or new, never both, never neither); no entry
 * is seen twice. Checked by free_fn, through the ledger and a clock
 * (check_concurrency.c's argument): every entry is freed exactly once, and
 * never while a reader whose section began before its unlink is still
 * inside. An unlinking updater stamps the entry from the clock before it
 * calls remove or replace; the first stamp wins, and any stamp taken
 * before the unlink is no later than it, so the check cannot cry wolf.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>

#include "check_list.h"
#include "check_rcuslot.h"

#define READERS 4
#define STABLE 16
#define UPDATES 500 /* each; bp under ASan waits ~10 ms per grace period */
#define MAX_TRANSIENT 24
#define SEEN_MAX (STABLE + 4 * MAX_TRANSIENT)

static struct llist list;
static atomic_ulong clock_now;
static atomic_ulong reader_begin[READERS];
static atomic_int stop, transients;
static atomic_long walks, bad_walks, torn, early_frees, enoents, lost_races;

static void check_not_held(struct lent *e)
{
	uint64_t unpub = atomic_load(&e->unpub);

	if (unpub == 0) /* never unlinked by a stamped updater: never published */
		return;
	for (int r = 0; r < READERS; r++) {
		unsigned long b = atomic_load(&reader_begin[r]);

		if (b != 0 && b <= unpub)
			atomic_fetch_add(&early_frees, 1);
	}
}

/* A random number generator per thread (splitmix64). */
static unsigned rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return (unsigned)((z ^ (z >> 31)) >> 33);
}

/* Stamp before unlinking; the first stamp is kept (see the top). */
static void stamp(const struct lent *e)
{
	uint64_t zero = 0, now = atomic_fetch_add(&clock_now, 1);

	atomic_compare_exchange_strong(&((struct lent *)e)->unpub, &zero, now);
}

/* One walk: is everything a reader may rely on true of it? */
static int walk_ok(int r)
{
	const struct lent *seen[SEEN_MAX], *e;
	int n = 0, stable = 0, ok = 1;
	long last = -1;

	rcuslot_read_lock();
	atomic_store(&reader_begin[r], atomic_load(&clock_now));
	RCU_LIST_FOREACH(llist, &list, e) {
		if (!lent_intact(e)) {
			atomic_fetch_add(&torn, 1);
			ok = 0;
			break;
		}
		if (e->key < last)
			ok = 0;
		if (e->key % 2 == 0 && e->key != 2L * stable++)
			ok = 0;
		for (int i = 0; i < n; i++)
			if (seen[i] == e)
				ok = 0;
		if (n == SEEN_MAX) {
			ok = 0;
			break;
		}
		seen[n++] = e;
		last = e->key;
	}
	if (stable != STABLE)
		ok = 0;
	for (int spin = r * 16; spin > 0; spin--)
		caa_cpu_relax();
	for (int i = 0; i < n; i++) /* still intact at the end of the section */
		if (!lent_intact(seen[i]))
			atomic_fetch_add(&torn, 1);
	atomic_store(&reader_begin[r], 0);
	rcuslot_read_unlock();
	return ok;
}

/* Widen the window between finding an entry and updating next to it. */
static void dawdle(uint64_t *seed)
{
	for (unsigned spin = rnd(seed) % 1024; spin > 0; spin--)
		caa_cpu_relax();
	if (rnd(seed) % 8 == 0)
		sched_yield();
}

static void *reader(void *arg)
{
	int r = (int)(intptr_t)arg;

	rcuslot_register_thread();
	while (!atomic_load(&stop)) {
		if (!walk_ok(r))
			atomic_fetch_add(&bad_walks, 1);
		atomic_fetch_add(&walks, 1);
		rcuslot_quiescent_state();
		if (atomic_load(&walks) % 64 == 0)
			sched_yield();
	}
	rcuslot_unregister_thread();
	return NULL;
}

/* The entry with this key, found by walking (in the caller's section). */
static const struct lent *find_key(long key)
{
	const struct lent *e;

	RCU_LIST_FOREACH(llist, &list, e)
		if (e->key == key)
			return e;
	return NULL;
}

struct retirer {
	struct rcuslot_batch batch;
	int turn;
};

static void retire(struct retirer *t, struct llist_old *old)
{
	switch (t->turn++ % 5) {
	case 0:
		llist_old_free(old);
		break;
	case 1:
	case 2:
		llist_old_defer(old);
		break;
	case 3:
		lent_free(llist_old_reclaim(old));
		break;
	default:
		llist_batch_add(&t->batch, old);
		if (rcuslot_batch_count(&t->batch) >= 8) {
			if (t->turn % 2)
				rcuslot_batch_free(&t->batch);
			else
				rcuslot_batch_defer(&t->batch);
		}
		break;
	}
}

static void *replacer(void *arg)
{
	uint64_t seed = (uint64_t)(uintptr_t)arg;
	struct retirer t = { RCUSLOT_BATCH_INITIALIZER, (int)(uintptr_t)arg };

	rcuslot_register_thread();
	for (int i = 0; i < UPDATES; i++) {
		/* Half the time one of the first four: the replacers collide. */
		long key = 2 * (long)(rnd(&seed) % (i % 2 ? 4 : STABLE));
		struct lent *fresh = lent_new(key);
		struct llist_old old;
		int err;

		rcuslot_read_lock();
		const struct lent *cur = find_key(key);

		ck_assert_ptr_nonnull(cur);
		dawdle(&seed);
		stamp(cur);
		err = llist_replace(&list, cur, fresh, &old);
		rcuslot_read_unlock();
		if (err) { /* the other replacer was first */
			ck_assert_int_eq(err, -ENOENT);
			ck_assert(llist_old_is_empty(&old));
			atomic_fetch_add(&lost_races, 1);
			lent_free(fresh); /* never published */
		} else {
			retire(&t, &old);
		}
		rcuslot_quiescent_state();
	}
	rcuslot_batch_free(&t.batch);
	rcuslot_unregister_thread();
	return NULL;
}

/* add_after what it found; remove a transient it found. */
static void *walker_updater(void *arg)
{
	uint64_t seed = (uint64_t)(uintptr_t)arg;
	struct retirer t = { RCUSLOT_BATCH_INITIALIZER, 0 };

	rcuslot_register_thread();
	for (int i = 0; i < UPDATES; i++) {
		long k = rnd(&seed) % (i % 2 ? 4 : STABLE);

		if (atomic_load(&transients) < MAX_TRANSIENT && rnd(&seed) % 2) {
			struct lent *n = lent_new(2 * k + 1);
			int err;

			rcuslot_read_lock();
			const struct lent *pos = find_key(2 * k);

			dawdle(&seed);
			err = llist_add_after(&list, pos, n);
			rcuslot_read_unlock();
			if (err == -ENOENT) { /* replaced since we found it */
				atomic_fetch_add(&enoents, 1);
				lent_free(n);
			} else {
				ck_assert_int_eq(err, 0);
				atomic_fetch_add(&transients, 1);
			}
		} else {
			struct llist_old old = { NULL };

			rcuslot_read_lock();
			const struct lent *e = find_key(2 * k + 1);

			if (e) {
				dawdle(&seed);
				stamp(e);
				old = llist_remove(&list, e);
			}
			rcuslot_read_unlock();
			if (!llist_old_is_empty(&old)) {
				atomic_fetch_sub(&transients, 1);
				retire(&t, &old);
			}
		}
		rcuslot_quiescent_state();
	}
	rcuslot_batch_free(&t.batch);
	rcuslot_unregister_thread();
	return NULL;
}

/* Compound updates under the lock: sorted insert, remove the n-th transient. */
static void *locked_updater(void *arg)
{
	uint64_t seed = (uint64_t)(uintptr_t)arg;
	struct retirer t = { RCUSLOT_BATCH_INITIALIZER, 1 };

	rcuslot_register_thread();
	for (int i = 0; i < UPDATES; i++) {
		struct llist_old old = { NULL };
		struct lent *e;

		if (atomic_load(&transients) < MAX_TRANSIENT && rnd(&seed) % 2) {
			struct lent *n = lent_new(2 * (rnd(&seed) % STABLE) + 1);

			llist_lock(&list);
			RCU_LIST_FOREACH_LOCKED(llist, &list, e)
				if (e->key > n->key)
					break;
			/* e: the first entry with a greater key, or NULL: the end */
			if (e)
				ck_assert_int_eq(llist_add_before_locked(&list, e, n), 0);
			else
				llist_add_tail_locked(&list, n);
			llist_unlock(&list);
			atomic_fetch_add(&transients, 1);
		} else {
			unsigned skip = rnd(&seed) % 4;

			llist_lock(&list);
			RCU_LIST_FOREACH_LOCKED(llist, &list, e) {
				if (e->key % 2 && skip-- == 0) {
					stamp(e);
					old = llist_remove_locked(&list, e);
					break;
				}
			}
			llist_unlock(&list);
			if (!llist_old_is_empty(&old)) {
				atomic_fetch_sub(&transients, 1);
				retire(&t, &old);
			}
		}
		rcuslot_quiescent_state();
	}
	rcuslot_batch_free(&t.batch);
	rcuslot_unregister_thread();
	return NULL;
}

START_TEST(test_walkers_and_four_updaters)
{
	pthread_t rt[READERS], ut[4];

	atomic_store(&clock_now, 1);
	atomic_store(&stop, 0);
	llist_init(&list);
	for (long k = 0; k < STABLE; k++)
		llist_add_tail(&list, lent_new(2 * k));
	lent_free_hook = check_not_held;
	for (int r = 0; r < READERS; r++)
		ck_assert_int_eq(pthread_create(&rt[r], NULL, reader, (void *)(intptr_t)r), 0);
	ck_assert_int_eq(pthread_create(&ut[0], NULL, replacer, (void *)1), 0);
	ck_assert_int_eq(pthread_create(&ut[1], NULL, replacer, (void *)2), 0);
	ck_assert_int_eq(pthread_create(&ut[2], NULL, walker_updater, (void *)3), 0);
	ck_assert_int_eq(pthread_create(&ut[3], NULL, locked_updater, (void *)4), 0);
	for (int u = 0; u < 4; u++)
		offline_join(ut[u]);
	atomic_store(&stop, 1);
	for (int r = 0; r < READERS; r++)
		offline_join(rt[r]);
	llist_destroy(&list);
	rcuslot_barrier();

	printf("list concurrency: %ld walks, %ld lost replace races, %ld add_after -ENOENT\n",
	       atomic_load(&walks), atomic_load(&lost_races), atomic_load(&enoents));
	ck_assert_int_gt(atomic_load(&walks), 0);
	ck_assert_int_eq(atomic_load(&bad_walks), 0);
	ck_assert_int_eq(atomic_load(&torn), 0);
	ck_assert_int_eq(atomic_load(&early_frees), 0);
	ck_assert_int_eq(atomic_load(&lent_bad_frees), 0);
	/* Every entry, published or not, freed exactly once. */
	ck_assert_int_eq(atomic_load(&lent_frees), atomic_load(&lent_allocs));
	ck_assert_int_eq(lent_ledger_live(), 0);
	ck_assert_int_ge(atomic_load(&lent_allocs), STABLE + 2 * UPDATES);
}
END_TEST

Suite *list_concurrency_suite(void)
{
	TCase *tc;
	Suite *s = rcu_suite("list-concurrency", &tc, list_setup, list_teardown);

	tcase_add_test(tc, test_walkers_and_four_updaters);
	return s;
}
