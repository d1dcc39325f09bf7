/* SPDX-License-Identifier: MIT */
/*
 * A list of a named flavor next to one of the unit's: this unit's default
 * is memb, and it binds one list to qsbr by name (RCU_LIST_DEFINE_FLAVOR).
 * `list_flavors CASE` (run.py).
 */
#include <urcu/urcu-qsbr.h>

#include <stdio.h>
#include <string.h>

#include <rcuslot/rcuslot.h>

struct ent {
	long key;
	struct rcuslot_list_node node;
};

static long frees;

static void ent_free(struct ent *e)
{
	__atomic_fetch_add(&frees, 1, __ATOMIC_RELAXED); /* call_rcu threads */
	free(e);
}

RCU_LIST_DEFINE(memb_list, struct ent, node, ent_free);
RCU_LIST_DEFINE_FLAVOR(qsbr_list, struct ent, node, ent_free, qsbr);

static struct ent *ent_new(long key)
{
	struct ent *e = calloc(1, sizeof(*e));

	if (!e)
		abort();
	e->key = key;
	return e;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	struct memb_list ml = RCU_LIST_INITIALIZER(ml);
	struct qsbr_list ql = RCU_LIST_INITIALIZER(ql);
	struct rcuslot_batch batch = RCUSLOT_BATCH_INITIALIZER;
	struct memb_list_old mold;
	struct qsbr_list_old qold;
	const struct ent *e;
	long msum = 0, qsum = 0;

	rcuslot_register_thread();      /* memb, this unit's default */
	rcuslot_qsbr_register_thread(); /* and qsbr, by name */
	for (long k = 1; k <= 100; k++) {
		memb_list_add_tail(&ml, ent_new(k));
		qsbr_list_add_tail(&ql, ent_new(k));
	}
	if (!strcmp(what, "offline-walk")) {
		/* Offline is qsbr's "outside a read-side section". */
		rcuslot_qsbr_thread_offline();
		/* QSBR_OFFLINE */
		e = qsbr_list_first(&ql);
		printf("not caught %ld\n", e ? e->key : 0);
		return 0;
	}
	/* Every other entry out, each flavor's way of retiring it in turn. */
	for (long k = 0; k < 50; k++) {
		RCUSLOT_READ_SCOPE(
			{ mold = memb_list_remove(&ml, memb_list_first(&ml)); })
		{
			RCUSLOT_READ_GUARD_FLAVOR(qsbr);
			qold = qsbr_list_remove(&ql, qsbr_list_first(&ql));
		}
		if (k % 3 == 0) {
			memb_list_old_defer(&mold);
			qsbr_list_old_defer(&qold);
		} else if (k % 3 == 1) {
			memb_list_batch_add(&batch, &mold);
			qsbr_list_batch_add(&batch, &qold);
		} else {
			memb_list_old_free(&mold);
			qsbr_list_old_free(&qold);
		}
		rcuslot_qsbr_quiescent_state();
	}
	rcuslot_batch_defer(&batch); /* one batch, both flavors */
	RCUSLOT_READ_SCOPE({
		RCU_LIST_FOREACH(memb_list, &ml, e)
			msum += e->key;
	})
	{
		RCUSLOT_READ_GUARD_FLAVOR(qsbr);
		RCU_LIST_FOREACH(qsbr_list, &ql, e)
			qsum += e->key;
	}
	memb_list_destroy(&ml);
	qsbr_list_destroy(&ql);
	rcuslot_barrier(); /* both flavors' callbacks */
	printf("lists: memb=%ld qsbr=%ld frees=%ld pending=%ld\n", msum, qsum,
	       frees, rcuslot_defer_pending());
	rcuslot_qsbr_unregister_thread();
	rcuslot_unregister_thread();
	/* 51 + ... + 100 = 3775 in each; all 200 entries freed. */
	return msum == 3775 && qsum == 3775 && frees == 200 &&
			       rcuslot_defer_pending() == 0
		       ? 0
		       : 1;
}
