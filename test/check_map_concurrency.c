/* SPDX-License-Identifier: MIT */
/*
 * Readers, two updaters and a grower on one map, for a bounded number of
 * operations. The updaters mix insert, upsert, replace, remove and
 * copy_update on overlapping keys and retire what they take out by free,
 * defer, batch and reclaim in turn; the grower inserts and removes a range
 * of 20000 keys, round after round, so the table (created with one bucket)
 * grows and shrinks all the while.
 *
 * Checked:
 * - a ledger of every object: each is freed exactly once, none is left;
 * - never freed while a reader that could hold it is still inside its
 *   read-side section (the clock argument of check_concurrency.c: a reader
 *   stores the clock it read inside its section; an updater stamps the
 *   clock before it unpublishes; free_fn must find no reader inside whose
 *   stored clock is <= the object's stamp);
 * - every object a reader finds or iterates to is live and under its key;
 * - the stable keys, always present and only ever replaced (upsert,
 *   replace, copy_update), are never seen missing, replace on them never
 *   fails, and each full iteration sees each of them exactly once.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_map.h"
#include "check_rcuslot.h"

#define READERS 3
#define KEYS 512            /* churned keys: 0 .. KEYS-1 */
#define STABLE 64           /* stable keys: STABLE_BASE .. + STABLE-1 */
#define STABLE_BASE 100000u
#define GROW_BASE 200000u   /* the grower's keys */
#define GROW_KEYS 20000
#define GROW_ROUNDS 3
#define UPDATES 4000        /* per updater */
#define LEDGER_MAX (1 << 20)

static struct tmap map;
static atomic_ulong clock_now;
static atomic_ulong reader_begin[READERS];
static atomic_int stop;
static atomic_long next_id;
static atomic_char ledger[LEDGER_MAX]; /* 1 live, 2 freed */
static atomic_long double_frees, early_frees, bad_reads, stable_missing;
static atomic_long stable_miscounts, replace_failures, reads, iterations;

static struct mobj *obj_new(uint32_t key, long value)
{
	struct mobj *o = mobj_new(key, value);
	long id = atomic_fetch_add(&next_id, 1);

	ck_assert_ptr_nonnull(o);
	ck_assert_int_lt(id, LEDGER_MAX);
	o->id = id;
	atomic_store(&o->unpub, 0);
	atomic_store(&ledger[id], 1);
	return o;
}

/* mobj_free's hook: the ledger and the clock. */
static void on_free(struct mobj *o)
{
	uint64_t unpub = atomic_load(&o->unpub);
	char was = 1;

	if (!atomic_compare_exchange_strong(&ledger[o->id], &was, 2))
		atomic_fetch_add(&double_frees, 1);
	if (unpub == 0) /* never published, or freed by destroy at the end */
		return;
	for (int r = 0; r < READERS; r++) {
		unsigned long b = atomic_load(&reader_begin[r]);

		if (b != 0 && b <= unpub)
			atomic_fetch_add(&early_frees, 1);
	}
}

/* A per-thread generator (xorshift32): seed must not be 0. */
static unsigned next_rand(unsigned *seed)
{
	unsigned x = *seed;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *seed = x;
}

static void check_read(const struct mobj *o, uint32_t key)
{
	if (!mobj_live(o) || o->key != key)
		atomic_fetch_add(&bad_reads, 1);
}

/* One full iteration: every object live; every stable key exactly once. */
static void iterate(void)
{
	unsigned char seen[STABLE];
	const struct mobj *o;

	memset(seen, 0, sizeof(seen));
	RCU_MAP_FOREACH(tmap, &map, o) {
		if (!mobj_live(o))
			atomic_fetch_add(&bad_reads, 1);
		else if (o->key >= STABLE_BASE && o->key < STABLE_BASE + STABLE)
			seen[o->key - STABLE_BASE]++;
	}
	for (int i = 0; i < STABLE; i++)
		if (seen[i] != 1)
			atomic_fetch_add(&stable_miscounts, 1);
	atomic_fetch_add(&iterations, 1);
}

static void *reader(void *arg)
{
	int r = (int)(intptr_t)arg;
	unsigned seed = (unsigned)r * 7919u + 3;

	rcuslot_register_thread();
	while (!atomic_load(&stop)) {
		rcuslot_read_lock();
		atomic_store(&reader_begin[r], atomic_load(&clock_now));
		if (next_rand(&seed) % 64 == 0) {
			iterate();
		} else {
			for (int i = 0; i < 16; i++) {
				uint32_t k = (uint32_t)next_rand(&seed) % KEYS;
				uint32_t s = STABLE_BASE + (uint32_t)next_rand(&seed) % STABLE;
				const struct mobj *o = tmap_find(&map, &k);

				if (o)
					check_read(o, k);
				o = tmap_find(&map, &s);
				if (!o)
					atomic_fetch_add(&stable_missing, 1);
				else
					check_read(o, s);
			}
			atomic_fetch_add(&reads, 32);
		}
		atomic_store(&reader_begin[r], 0);
		rcuslot_read_unlock();
		rcuslot_quiescent_state();
		for (int spin = (int)(next_rand(&seed) % 64); spin > 0; spin--)
			caa_cpu_relax();
		if (next_rand(&seed) % 128 == 0)
			sched_yield();
	}
	rcuslot_unregister_thread();
	return NULL;
}

/* Retire by free, defer, batch or reclaim, in turn; stamp first. */
static void retire(struct tmap_old *old, uint64_t stamp, struct rcuslot_batch *batch,
		   unsigned how)
{
	if (tmap_old_is_empty(old))
		return;
	atomic_store(&RCUSLOT_TEST_OLD_OBJ(old)->unpub, stamp);
	switch (how % 4) {
	case 0:
		tmap_old_free(old);
		break;
	case 1:
		tmap_old_defer(old);
		break;
	case 2:
		tmap_batch_add(batch, old);
		if (rcuslot_batch_count(batch) >= 16)
			rcuslot_batch_defer(batch);
		break;
	default:
		mobj_free(tmap_old_reclaim(old));
		break;
	}
}

struct copy_arg {
	unsigned what; /* with an existing entry: 0 remove, 1 no change, 2 replace */
	uint32_t key;
};

static int copy_op(const struct mobj *old, struct mobj **new_out, void *arg)
{
	unsigned what = ((struct copy_arg *)arg)->what;
	uint32_t key = ((struct copy_arg *)arg)->key;

	if (old && what % 3 == 0) {
		*new_out = NULL;            /* remove */
	} else if (old && what % 3 == 1) {
		*new_out = (struct mobj *)old; /* no change */
	} else {
		*new_out = obj_new(key, old ? old->value + 1 : 0); /* insert or replace */
	}
	return 0;
}

static void update_once(uint32_t key, unsigned op, struct rcuslot_batch *batch, unsigned i)
{
	bool stable = key >= STABLE_BASE;
	struct tmap_old old = { NULL };
	uint64_t stamp = atomic_fetch_add(&clock_now, 1);
	struct mobj *o;
	struct copy_arg arg = { stable ? 2 : op / 5, key };

	switch (stable ? 1 + op % 3 : op % 5) {
	case 0:
		o = obj_new(key, 1);
		if (tmap_insert(&map, o) == -EEXIST)
			mobj_free(o); /* never visible: freed at once */
		break;
	case 1:
		ck_assert_int_eq(tmap_upsert(&map, obj_new(key, 2), &old), 0);
		break;
	case 2:
		o = obj_new(key, 3);
		if (tmap_replace(&map, o, &old) == -ENOENT) {
			if (stable)
				atomic_fetch_add(&replace_failures, 1);
			mobj_free(o);
		}
		break;
	case 3:
		ck_assert_int_eq(tmap_copy_update(&map, &key, copy_op, &arg, &old), 0);
		break;
	default:
		old = tmap_remove(&map, &key);
		break;
	}
	retire(&old, stamp, batch, i);
}

static void *updater(void *arg)
{
	unsigned seed = (unsigned)(intptr_t)arg * 104729u + 11;
	struct rcuslot_batch batch = RCUSLOT_BATCH_INITIALIZER;

	rcuslot_register_thread();
	for (unsigned i = 0; i < UPDATES; i++) {
		unsigned op = next_rand(&seed);
		uint32_t key = op % 8 == 0 ? STABLE_BASE + (op >> 8) % STABLE
					   : (uint32_t)next_rand(&seed) % KEYS;

		update_once(key, op >> 3, &batch, i);
		rcuslot_quiescent_state();
	}
	rcuslot_batch_free(&batch);
	rcuslot_unregister_thread();
	return NULL;
}

static void *grower(void *arg)
{
	(void)arg;
	rcuslot_register_thread();
	for (int round = 0; round < GROW_ROUNDS; round++) {
		for (uint32_t k = GROW_BASE; k < GROW_BASE + GROW_KEYS; k++) {
			ck_assert_int_eq(tmap_insert(&map, obj_new(k, k)), 0);
			if (k % 64 == 0)
				rcuslot_quiescent_state();
		}
		for (uint32_t k = GROW_BASE; k < GROW_BASE + GROW_KEYS; k++) {
			uint64_t stamp = atomic_fetch_add(&clock_now, 1);
			struct tmap_old old = tmap_remove(&map, &k);

			ck_assert(!tmap_old_is_empty(&old));
			atomic_store(&RCUSLOT_TEST_OLD_OBJ(&old)->unpub, stamp);
			tmap_old_defer(&old);
			if (k % 64 == 0)
				rcuslot_quiescent_state();
		}
	}
	rcuslot_unregister_thread();
	return NULL;
}

START_TEST(test_map_readers_updaters_resizes)
{
	pthread_t rt[READERS], ut[2], gt;

	atomic_store(&clock_now, 1);
	atomic_store(&stop, 0);
	atomic_store(&next_id, 0);
	memset(ledger, 0, sizeof(ledger));
	mobj_free_hook = on_free;
	ck_assert_int_eq(tmap_init(&map, 1), 0);
	for (uint32_t s = 0; s < STABLE; s++)
		ck_assert_int_eq(tmap_insert(&map, obj_new(STABLE_BASE + s, 0)), 0);
	for (int r = 0; r < READERS; r++)
		ck_assert_int_eq(pthread_create(&rt[r], NULL, reader, (void *)(intptr_t)r), 0);
	for (int u = 0; u < 2; u++)
		ck_assert_int_eq(pthread_create(&ut[u], NULL, updater, (void *)(intptr_t)u), 0);
	ck_assert_int_eq(pthread_create(&gt, NULL, grower, NULL), 0);
	for (int u = 0; u < 2; u++)
		offline_join(ut[u]);
	offline_join(gt);
	atomic_store(&stop, 1);
	for (int r = 0; r < READERS; r++)
		offline_join(rt[r]);

	ck_assert_uint_ge(tmap_count(&map), STABLE);
	tmap_destroy(&map);
	rcuslot_barrier();

	long ids = atomic_load(&next_id), left = 0;

	for (long id = 0; id < ids; id++)
		if (atomic_load(&ledger[id]) != 2)
			left++;
	long n_double = atomic_load(&double_frees), n_bad = atomic_load(&mobj_bad_frees);
	long n_early = atomic_load(&early_frees), n_bad_reads = atomic_load(&bad_reads);
	long n_missing = atomic_load(&stable_missing), n_miscount = atomic_load(&stable_miscounts);
	long n_replace = atomic_load(&replace_failures);

	ck_assert_int_eq(left, 0);
	ck_assert_int_eq(n_double, 0);
	ck_assert_int_eq(n_bad, 0);
	ck_assert_int_eq(n_early, 0);
	ck_assert_int_eq(n_bad_reads, 0);
	ck_assert_int_eq(n_missing, 0);
	ck_assert_int_eq(n_miscount, 0);
	ck_assert_int_eq(n_replace, 0);
	ck_assert_int_eq(mobj_frees, mobj_allocs);
	ck_assert_int_eq(mobj_allocs, ids);
	long n_reads = atomic_load(&reads), n_iter = atomic_load(&iterations);

	ck_assert_int_gt(n_reads, 0);
	ck_assert_int_gt(n_iter, 0);
	ck_assert_int_ge(ids, 2 * GROW_ROUNDS * GROW_KEYS / 2);
}
END_TEST

/*
 * Adversarial: the documented promises, each with a thread parked at the
 * worst moment.
 */

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * "Readers that were inside a section before the call are waited for"
 * (MAP_destroy): a reader parked in the middle of RCU_MAP_FOREACH while
 * destroy runs, that goes on iterating 100 ms after destroy began. Under
 * ASan, a table freed before the grace period is a use-after-free in
 * cds_lfht_next.
 */
#define DESTROY_OBJS 64
static struct tmap dmap;
static sem_t dmap_parked;
static atomic_int dmap_destroying;
static atomic_long dmap_seen, dmap_bad;

static void *parked_iterator(void *arg)
{
	const struct mobj *o;
	long n = 0;

	(void)arg;
	rcuslot_register_thread();
	rcuslot_read_lock();
	RCU_MAP_FOREACH(tmap, &dmap, o) {
		if (!mobj_live(o))
			atomic_fetch_add(&dmap_bad, 1);
		if (n++ == 0) {
			sem_post(&dmap_parked);
			while (!atomic_load(&dmap_destroying))
				sleep_ms(1);
			sleep_ms(100); /* destroy runs meanwhile */
		}
	}
	atomic_store(&dmap_seen, n);
	rcuslot_read_unlock();
	rcuslot_unregister_thread();
	return NULL;
}

START_TEST(test_map_destroy_waits_for_parked_iterator)
{
	pthread_t t;

	mobj_free_hook = NULL;
	sem_init(&dmap_parked, 0, 0);
	atomic_store(&dmap_destroying, 0);
	atomic_store(&dmap_bad, 0);
	ck_assert_int_eq(tmap_init(&dmap, 0), 0);
	for (uint32_t k = 0; k < DESTROY_OBJS; k++)
		ck_assert_int_eq(tmap_insert(&dmap, mobj_new(k, k)), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, parked_iterator, NULL), 0);
	offline_sem_wait(&dmap_parked);
	atomic_store(&dmap_destroying, 1);
	tmap_destroy(&dmap);
	offline_join(t);
	ck_assert_int_ge(atomic_load(&dmap_seen), 1);
	ck_assert_int_eq(atomic_load(&dmap_bad), 0);
	ck_assert_int_eq(mobj_frees, DESTROY_OBJS);
	ck_assert_int_eq(mobj_bad_frees, 0);
	sem_destroy(&dmap_parked);
}
END_TEST

/*
 * "Updaters: any registered thread, inside or outside a read-side section":
 * under qsbr, outside is offline. An offline thread's remove parks in the
 * middle of its chain walk (in the map's equality function, with a pointer
 * into the object it compares); meanwhile another thread removes that
 * object and frees it with old_free. The free must wait for the walk: the
 * parked updater, let go 300 ms later, still finds the object intact.
 */
#define POBJ_LIVE 0x504f424au
struct pobj {
	uint32_t magic;
	char name[16];
	struct rcuslot_map_node node;
};

static __thread int pmap_park_here;
static sem_t pmap_parked, pmap_go, pmap_removed;
static atomic_long pmap_bad;

static void pobj_free(struct pobj *o)
{
	o->magic = MOBJ_DEAD;
	free(o);
}

static struct pobj *pobj_new(const char *name)
{
	struct pobj *o = calloc(1, sizeof(*o));

	ck_assert_ptr_nonnull(o);
	o->magic = POBJ_LIVE;
	snprintf(o->name, sizeof(o->name), "%s", name);
	return o;
}

/* The object's key comes first: a pointer into the object. */
static bool park_eq(const char *obj_key, const char *key)
{
	if (pmap_park_here) {
		pmap_park_here = 0;
		sem_post(&pmap_parked);
		sem_wait(&pmap_go);
		if (caa_container_of(obj_key, struct pobj, name[0])->magic != POBJ_LIVE)
			atomic_fetch_add(&pmap_bad, 1);
	}
	return strcmp(obj_key, key) == 0;
}

RCU_MAP_DEFINE_CUSTOM(pmap, struct pobj, node, name, const char *, rcuslot_map_hash_string,
		      park_eq, pobj_free);

static struct pmap pmap;
static atomic_int pmap_freed;

static void *offline_remover(void *arg)
{
	struct pmap_old old;

	rcuslot_register_thread();
	rcuslot_thread_offline();
	pmap_park_here = 1;
	old = pmap_remove(&pmap, "victim"); /* parks in park_eq */
	*(int *)arg = pmap_old_is_empty(&old);
	pmap_old_free(&old);
	rcuslot_thread_online();
	rcuslot_unregister_thread();
	return NULL;
}

static void *remove_and_free(void *arg)
{
	struct pmap_old old;

	(void)arg;
	rcuslot_register_thread();
	old = pmap_remove(&pmap, "victim");
	sem_post(&pmap_removed); /* unlinked: the walk's lost race is certain */
	pmap_old_free(&old); /* must wait for the parked walk */
	atomic_store(&pmap_freed, 1);
	rcuslot_unregister_thread();
	return NULL;
}

START_TEST(test_map_offline_updater_walk_is_protected)
{
	struct pobj *o = pobj_new("victim");
	pthread_t walker, freer;
	int lost_race = 0, freed_early;

	sem_init(&pmap_parked, 0, 0);
	sem_init(&pmap_go, 0, 0);
	sem_init(&pmap_removed, 0, 0);
	atomic_store(&pmap_bad, 0);
	atomic_store(&pmap_freed, 0);
	ck_assert_int_eq(pmap_init(&pmap, 0), 0);
	ck_assert_int_eq(pmap_insert(&pmap, o), 0);
	ck_assert_int_eq(pthread_create(&walker, NULL, offline_remover, &lost_race), 0);
	offline_sem_wait(&pmap_parked);
	ck_assert_int_eq(pthread_create(&freer, NULL, remove_and_free, NULL), 0);
	/* However slow the machine: the window opens once the object is out. */
	offline_sem_wait(&pmap_removed);
	for (int ms = 0; ms < 300 && !atomic_load(&pmap_freed); ms += 10)
		offline_sleep_ms(10);
	freed_early = atomic_load(&pmap_freed);
	sem_post(&pmap_go);
	offline_join(walker);
	offline_join(freer);
	ck_assert_msg(!freed_early, "old_free freed an object an offline updater was walking");
	ck_assert_int_eq(atomic_load(&pmap_bad), 0);
	ck_assert_int_eq(lost_race, 1); /* the other remove took it first */
	pmap_destroy(&pmap);
	sem_destroy(&pmap_parked);
	sem_destroy(&pmap_go);
	sem_destroy(&pmap_removed);
}
END_TEST

/*
 * "A replace racing another update of the same key succeeds against the
 * newer object" (MAP_replace): a replace parked in the middle of its
 * lookup, on the object it is about to replace, while another thread
 * upserts the key. Let go, it must replace the upserted object and hand
 * that one back; the first goes to the upsert's caller.
 */
struct parked_replace {
	struct pobj *obj;
	struct pmap_old old;
	int ret;
};

static void *replace_parked(void *arg)
{
	struct parked_replace *r = arg;

	rcuslot_register_thread();
	pmap_park_here = 1;
	r->ret = pmap_replace(&pmap, r->obj, &r->old); /* parks in park_eq */
	rcuslot_unregister_thread();
	return NULL;
}

START_TEST(test_map_replace_parked_meets_newer_object)
{
	struct pobj *first = pobj_new("k"), *newer = pobj_new("k");
	struct parked_replace r = { pobj_new("k"), { NULL }, -1 };
	struct pmap_old up;
	pthread_t t;

	sem_init(&pmap_parked, 0, 0);
	sem_init(&pmap_go, 0, 0);
	atomic_store(&pmap_bad, 0);
	ck_assert_int_eq(pmap_init(&pmap, 0), 0);
	ck_assert_int_eq(pmap_insert(&pmap, first), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, replace_parked, &r), 0);
	offline_sem_wait(&pmap_parked);
	ck_assert_int_eq(pmap_upsert(&pmap, newer, &up), 0); /* lands between the lookup and the commit */
	sem_post(&pmap_go);
	offline_join(t);
	ck_assert_int_eq(r.ret, 0);
	ck_assert_ptr_eq(rcuslot_priv_strip(up.rcuslot_priv_obj), first);
	ck_assert_ptr_eq(rcuslot_priv_strip(r.old.rcuslot_priv_obj), newer);
	rcuslot_read_lock();
	ck_assert_ptr_eq(pmap_find(&pmap, "k"), r.obj);
	rcuslot_read_unlock();
	ck_assert_int_eq(atomic_load(&pmap_bad), 0);
	pmap_old_free(&up);
	pmap_old_free(&r.old);
	pmap_destroy(&pmap);
	sem_destroy(&pmap_parked);
	sem_destroy(&pmap_go);
}
END_TEST

Suite *map_concurrency_suite(void)
{
	TCase *tc;
	Suite *s = rcu_suite("map-concurrency", &tc, map_setup, NULL);

	/* The grower's resizes wait for grace periods: slow on a loaded machine. */
	tcase_set_timeout(tc, 4 * GP_TIMEOUT);
	tcase_add_test(tc, test_map_readers_updaters_resizes);
	tcase_add_test(tc, test_map_destroy_waits_for_parked_iterator);
	tcase_add_test(tc, test_map_offline_updater_walk_is_protected);
	tcase_add_test(tc, test_map_replace_parked_meets_newer_object);
	return s;
}
