/* SPDX-License-Identifier: MIT */
/*
 * Counted references under load: reader threads take references with
 * rslot_get, leave the read lock, block (sleep, offline under qsbr) and keep
 * reading the object, while two updaters replace it thousands of times,
 * retiring by every path (old_free, old_defer, a batch, old_reclaim then
 * put, copy_update). Other reads are plain dereferences inside a section.
 *
 * A ledger entry per object records how many readers hold a reference to it
 * (raised after rslot_get, lowered before rslot_put) and how many are inside
 * a section having dereferenced it. free_fn checks that the object was not
 * freed before and that both are zero: never freed while a reference or a
 * reader could reach it. At the end every object was freed exactly once.
 */
#include <sched.h>
#include <stdio.h>
#include <time.h>

#include "check_rcuslot.h"
#include "check_ref.h"

#define READERS 3
#define UPDATERS 2
#define UPDATES 1500 /* per updater */
#define MAX_OBJS (UPDATERS * UPDATES * 2 + 16)
#define BATCH 8

struct ledger_entry {
	atomic_int allocated;
	atomic_int freed;
	atomic_int holders;
	atomic_int in_section;
};

static struct ledger_entry ledger[MAX_OBJS];
static atomic_long next_id;
static struct rslot slot;
static atomic_int stop;
static atomic_long torn, changed, early_frees, double_frees, held_reads,
	blocked, plain_reads;
/* Reads of a held object after it was replaced: the point of a reference. */
static atomic_long outlived;

static struct robj *new_obj(long value)
{
	long id = atomic_fetch_add(&next_id, 1);
	struct robj *o;

	ck_assert_int_lt(id, MAX_OBJS);
	o = robj_new(value);
	ck_assert_ptr_nonnull(o);
	o->id = id;
	atomic_store(&ledger[id].allocated, 1);
	return o;
}

static void ledger_free_hook(struct robj *o)
{
	struct ledger_entry *e = &ledger[o->id];

	if (atomic_fetch_add(&e->freed, 1) != 0)
		atomic_fetch_add(&double_frees, 1);
	if (atomic_load(&e->holders) != 0 || atomic_load(&e->in_section) != 0)
		atomic_fetch_add(&early_frees, 1);
}

static void block_us(long us)
{
	struct timespec ts = { 0, us * 1000 };

	rcuslot_thread_offline();
	nanosleep(&ts, NULL);
	rcuslot_thread_online();
}

/* xorshift32: a generator of its own per reader thread. */
static unsigned next_rand(unsigned *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static void *reader(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg * 7919u + 1;

	rcuslot_register_thread();
	while (!atomic_load(&stop)) {
		if (next_rand(&seed) % 2) {
			const struct robj *g = rslot_get(&slot), *extra = NULL;
			long value;

			if (!g)
				continue;
			atomic_fetch_add(&ledger[g->id].holders, 1);
			value = g->value;
			if (!robj_intact(g))
				atomic_fetch_add(&torn, 1);
			if (next_rand(&seed) % 4 == 0)
				extra = rslot_ref_get(g);
			/* Block holding the reference: updaters go on replacing. */
			if (next_rand(&seed) % 8 == 0) {
				block_us(20 + next_rand(&seed) % 200);
				atomic_fetch_add(&blocked, 1);
			} else {
				rcuslot_quiescent_state();
				sched_yield();
			}
			if (!robj_intact(g))
				atomic_fetch_add(&torn, 1);
			if (g->value != value)
				atomic_fetch_add(&changed, 1);
			RCUSLOT_READ_SCOPE({
				if (rslot_dereference(&slot) != g)
					atomic_fetch_add(&outlived, 1);
			})
			if (extra)
				rslot_put(extra);
			atomic_fetch_sub(&ledger[g->id].holders, 1);
			rslot_put(g);
			atomic_fetch_add(&held_reads, 1);
		} else {
			rcuslot_read_lock();
			const struct robj *o = rslot_dereference(&slot);

			if (o) {
				atomic_fetch_add(&ledger[o->id].in_section, 1);
				if (!robj_intact(o))
					atomic_fetch_add(&torn, 1);
				atomic_fetch_sub(&ledger[o->id].in_section, 1);
				atomic_fetch_add(&plain_reads, 1);
			}
			rcuslot_read_unlock();
		}
		rcuslot_quiescent_state();
	}
	rcuslot_unregister_thread();
	return NULL;
}

static int copy_next(const struct robj *old, struct robj **new_out, void *arg)
{
	(void)arg;
	*new_out = new_obj(old ? old->value + 1 : 0);
	return 0;
}

static void *updater(void *arg)
{
	long u = (long)(intptr_t)arg;
	struct rcuslot_batch batch = RCUSLOT_BATCH_INITIALIZER;

	rcuslot_register_thread();
	for (long i = 0; i < UPDATES; i++) {
		struct rslot_old old;
		struct robj *r;

		if ((i + u) % 5 == 4)
			ck_assert_int_eq(
				rslot_copy_update(&slot, copy_next, NULL, &old),
				0);
		else
			old = rslot_replace(&slot, new_obj(u * UPDATES + i));
		switch ((i + u) % 5) {
		case 0:
		case 4:
			rslot_old_free(&old);
			break;
		case 1:
			rslot_old_defer(&old);
			break;
		case 2:
			rslot_batch_add(&batch, &old);
			if (rcuslot_batch_count(&batch) == BATCH)
				rcuslot_batch_defer(&batch);
			break;
		case 3:
			r = rslot_old_reclaim(&old);
			if (r && !robj_intact(r))
				atomic_fetch_add(&torn, 1);
			rslot_put(r);
			break;
		}
		rcuslot_quiescent_state();
		sched_yield(); /* two cores: let the readers in */
	}
	rcuslot_batch_free(&batch);
	rcuslot_unregister_thread();
	return NULL;
}

START_TEST(test_ref_readers_block_while_updaters_replace)
{
	pthread_t rd[READERS], up[UPDATERS];

	robj_free_hook = ledger_free_hook;
	rslot_init(&slot, new_obj(-1));
	for (long r = 0; r < READERS; r++)
		ck_assert_int_eq(pthread_create(&rd[r], NULL, reader,
						(void *)(intptr_t)r),
				 0);
	for (long u = 0; u < UPDATERS; u++)
		ck_assert_int_eq(pthread_create(&up[u], NULL, updater,
						(void *)(intptr_t)u),
				 0);
	for (int u = 0; u < UPDATERS; u++)
		offline_join(up[u]);
	atomic_store(&stop, 1);
	for (int r = 0; r < READERS; r++)
		offline_join(rd[r]);
	rslot_destroy(&slot);
	rcuslot_barrier();

	ck_assert_int_eq(torn, 0);
	ck_assert_int_eq(changed, 0);
	ck_assert_int_eq(early_frees, 0);
	ck_assert_int_eq(double_frees, 0);
	ck_assert_int_eq(robj_bad_frees, 0);
	ck_assert_int_eq(robj_frees, robj_allocs);
	ck_assert_int_ge(robj_allocs, UPDATERS * UPDATES + 1);
	for (long i = 0; i < atomic_load(&next_id); i++)
		ck_assert_msg(atomic_load(&ledger[i].freed) == 1,
			      "object %ld freed %d times", i,
			      atomic_load(&ledger[i].freed));
	if (getenv("REF_STATS"))
		fprintf(stderr,
			"allocs %ld held %ld plain %ld blocked %ld outlived "
			"%ld\n",
			(long)robj_allocs, (long)held_reads, (long)plain_reads,
			(long)blocked, (long)outlived);
	/* The run exercised what it claims to. */
	ck_assert_int_gt(held_reads, 0);
	ck_assert_int_gt(plain_reads, 0);
	ck_assert_int_gt(blocked, 0);
	ck_assert_int_gt(outlived, 0);
}
END_TEST

/*
 * "Any thread, registered or not, inside or outside a read-side critical
 * section" (NAME_ref_get, NAME_put): a thread that never registers takes a
 * second reference and parks holding both while the slot replaces the
 * object and old_free retires it in another thread; it then puts both, and
 * the last put frees the object there, exactly once, intact until then.
 */
static sem_t held, let_go;
static const struct robj *handed;
static long frees_in_holder;

static void *unregistered_holder(void *arg)
{
	const struct robj *extra = rslot_ref_get(handed);

	(void)arg;
	sem_post(&held);
	sem_wait(&let_go);
	if (!robj_intact(extra))
		atomic_fetch_add(&torn, 1);
	rslot_put(extra);
	rslot_put(handed); /* the last: frees here */
	frees_in_holder = robj_frees_here;
	return NULL;
}

START_TEST(test_ref_last_put_in_unregistered_thread)
{
	struct rslot s;
	struct rslot_old old;
	pthread_t t;

	robj_free_hook = NULL;
	atomic_store(&torn, 0);
	sem_init(&held, 0, 0);
	sem_init(&let_go, 0, 0);
	rslot_init(&s, robj_new(1));
	handed = rslot_get(&s);
	ck_assert_ptr_nonnull(handed);
	ck_assert_int_eq(pthread_create(&t, NULL, unregistered_holder, NULL),
			 0);
	offline_sem_wait(&held);
	/* The slot's reference, ours, the holder's. */
	ck_assert_int_eq(robj_count(handed), 3);
	old = rslot_replace(&s, robj_new(2));
	rslot_old_free(&old); /* the slot's reference dropped: two remain */
	ck_assert_int_eq(atomic_load(&robj_frees), 0);
	ck_assert(robj_intact(handed));
	ck_assert_int_eq(robj_count(handed), 2);
	sem_post(&let_go);
	offline_join(t);
	ck_assert_int_eq(frees_in_holder, 1);
	ck_assert_int_eq(atomic_load(&robj_frees), 1);
	ck_assert_int_eq(atomic_load(&robj_bad_frees), 0);
	ck_assert_int_eq(atomic_load(&torn), 0);
	rslot_destroy(&s);
	ck_assert_int_eq(atomic_load(&robj_frees), 2);
	sem_destroy(&held);
	sem_destroy(&let_go);
}
END_TEST

static void setup(void)
{
	rcu_thread_setup();
	robj_reset_counters();
}

Suite *ref_concurrency_suite(void)
{
	TCase *tc;
	Suite *s = rcu_suite("ref-concurrency", &tc, setup, NULL);

	tcase_add_test(tc, test_ref_readers_block_while_updaters_replace);
	tcase_add_test(tc, test_ref_last_put_in_unregistered_thread);
	return s;
}
