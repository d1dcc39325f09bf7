/* SPDX-License-Identifier: MIT */
/*
 * A map of a named flavor next to one of the unit's: this unit's default
 * is memb, and it binds one map to qsbr by name (RCU_MAP_DEFINE_FLAVOR).
 * `map_flavors CASE` (run.py).
 */
#include <urcu/urcu-qsbr.h>

#include <stdio.h>
#include <string.h>

#include <rcuslot/rcuslot.h>

struct ent {
	long key;
	long value;
	struct rcuslot_map_node node;
};

/* Each map's frees, counted apart (call_rcu threads free too). */
static long memb_frees, qsbr_frees;

static void memb_ent_free(struct ent *e)
{
	__atomic_fetch_add(&memb_frees, 1, __ATOMIC_RELAXED);
	free(e);
}

static void qsbr_ent_free(struct ent *e)
{
	__atomic_fetch_add(&qsbr_frees, 1, __ATOMIC_RELAXED);
	free(e);
}

RCU_MAP_DEFINE(memb_map, struct ent, node, key, memb_ent_free);
RCU_MAP_DEFINE_FLAVOR(qsbr_map, struct ent, node, key, qsbr_ent_free, qsbr);

static struct ent *ent_new(long key, long value)
{
	struct ent *e = calloc(1, sizeof(*e));

	if (!e)
		abort();
	e->key = key;
	e->value = value;
	return e;
}

static long frees(const long *counter)
{
	return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

/* Why the run failed, on stderr; the exit status. */
static int failed(const char *what)
{
	fprintf(stderr, "map_flavors: %s\n", what);
	return 1;
}

/* The sum of the values found for keys 1..100, under each map's own lock. */
static long memb_sum(struct memb_map *m)
{
	long sum = 0;

	RCUSLOT_READ_GUARD();
	for (long k = 1; k <= 100; k++) {
		const struct ent *e = memb_map_find(m, &k);

		if (e)
			sum += e->value;
	}
	return sum;
}

static long qsbr_sum(struct qsbr_map *m)
{
	long sum = 0;

	RCUSLOT_READ_GUARD_FLAVOR(qsbr);
	for (long k = 1; k <= 100; k++) {
		const struct ent *e = qsbr_map_find(m, &k);

		if (e)
			sum += e->value;
	}
	return sum;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	struct memb_map mm;
	struct qsbr_map qm;
	struct rcuslot_batch batch = RCUSLOT_BATCH_INITIALIZER;
	struct memb_map_old mold;
	struct qsbr_map_old qold;
	const struct ent *e;
	long msum, qsum, mseen = 0, qseen = 0, mfreed, qfreed;

	rcuslot_register_thread();      /* memb, this unit's default */
	rcuslot_qsbr_register_thread(); /* and qsbr, by name */
	if (memb_map_init(&mm, 0) || qsbr_map_init(&qm, 0))
		return failed("init");
	for (long k = 1; k <= 100; k++)
		if (memb_map_insert(&mm, ent_new(k, k)) ||
		    qsbr_map_insert(&qm, ent_new(k, k)))
			return failed("insert");
	if (!strcmp(what, "offline-find")) {
		long k = 1;

		/* Offline is qsbr's "outside a read-side section". */
		rcuslot_qsbr_thread_offline();
		/* QSBR_OFFLINE */
		e = qsbr_map_find(&qm, &k);
		printf("not caught %ld\n", e ? e->value : 0);
		return 0;
	}
	/* A replace in each: the old objects freed at once. */
	{
		long k = 100;

		if (memb_map_upsert(&mm, ent_new(k, k), &mold) != 0 ||
		    qsbr_map_upsert(&qm, ent_new(k, k), &qold) != 0)
			return failed("upsert failed");
		if (memb_map_old_is_empty(&mold) ||
		    qsbr_map_old_is_empty(&qold))
			return failed("upsert replaced nothing");
		memb_map_old_free(&mold);
		qsbr_map_old_free(&qold);
	}
	if (frees(&memb_frees) != 1 || frees(&qsbr_frees) != 1)
		return failed("old_free did not free at once");
	/* Keys 1..50 out, each flavor's way of retiring them in turn. */
	for (long k = 1; k <= 50; k++) {
		mold = memb_map_remove(&mm, &k);
		qold = qsbr_map_remove(&qm, &k);
		if (memb_map_old_is_empty(&mold) ||
		    qsbr_map_old_is_empty(&qold))
			return failed("remove found nothing");
		if (k % 3 == 0) {
			memb_map_old_defer(&mold);
			qsbr_map_old_defer(&qold);
		} else if (k % 3 == 1) {
			memb_map_batch_add(&batch, &mold);
			qsbr_map_batch_add(&batch, &qold);
		} else {
			memb_map_old_free(&mold);
			qsbr_map_old_free(&qold);
		}
		rcuslot_qsbr_quiescent_state();
	}
	rcuslot_batch_defer(&batch); /* one batch, both flavors */
	msum = memb_sum(&mm);
	qsum = qsbr_sum(&qm);
	RCUSLOT_READ_SCOPE({
		RCU_MAP_FOREACH(memb_map, &mm, e)
			mseen++;
	})
	{
		RCUSLOT_READ_GUARD_FLAVOR(qsbr);
		RCU_MAP_FOREACH(qsbr_map, &qm, e)
			qseen++;
	}
	/* qsbr's barrier waits for every flavor's deferrals, memb's too. */
	rcuslot_qsbr_barrier();
	mfreed = frees(&memb_frees);
	qfreed = frees(&qsbr_frees);
	if (memb_map_count(&mm) != 50 || qsbr_map_count(&qm) != 50)
		return failed("count");
	/* From an online qsbr thread: destroy goes offline around its wait. */
	memb_map_destroy(&mm);
	qsbr_map_destroy(&qm);
	rcuslot_barrier(); /* both flavors' callbacks */
	printf("maps: memb=%ld/%ld qsbr=%ld/%ld frees=%ld+%ld then %ld+%ld "
	       "pending=%ld\n",
	       msum, mseen, qsum, qseen, mfreed, qfreed, frees(&memb_frees),
	       frees(&qsbr_frees), rcuslot_defer_pending());
	rcuslot_qsbr_unregister_thread();
	rcuslot_unregister_thread();
	/*
	 * 51 + ... + 100 = 3775 in 50 entries of each; 1 upserted and 50
	 * removed before the barrier, 50 by destroy: all 101 of each freed.
	 */
	return msum == 3775 && qsum == 3775 && mseen == 50 && qseen == 50 &&
			       mfreed == 51 && qfreed == 51 &&
			       frees(&memb_frees) == 101 &&
			       frees(&qsbr_frees) == 101 &&
			       rcuslot_defer_pending() == 0
		       ? 0
		       : 1;
}
