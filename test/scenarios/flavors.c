/* SPDX-License-Identifier: MIT */
/*
 * Two flavors in one program: this unit's default is memb, it binds one slot
 * to qsbr by name (RCU_SLOT_DEFINE_FLAVOR), and it calls a unit whose
 * default is qsbr (flavors_qsbr.c). `flavors CASE` (run.py).
 */
#include <urcu/urcu-qsbr.h>

#include <stdio.h>
#include <string.h>

#include <rcuslot/rcuslot.h>

#include "flavors.h"

struct cfg {
	int a;
};

static void cfg_free(struct cfg *c)
{
	free(c);
}

struct hcfg {
	int a;
	struct rcu_head rcu;
};

static void hcfg_free(struct hcfg *c)
{
	free(c);
}

RCU_SLOT_DEFINE(memb_slot, struct cfg, cfg_free);
RCU_SLOT_DEFINE_FLAVOR(qsbr_slot, struct cfg, cfg_free, qsbr);
RCU_SLOT_DEFINE_HEAD_FLAVOR(qsbr_hslot, struct hcfg, rcu, hcfg_free, qsbr);

static struct cfg *cfg_new(int a)
{
	struct cfg *c = malloc(sizeof(*c));

	if (!c)
		abort();
	c->a = a;
	return c;
}

static int copy_plus_one(const struct cfg *old, struct cfg **new_out, void *arg)
{
	(void)arg;
	*new_out = cfg_new(old ? old->a + 1 : 1);
	return 0;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	struct memb_slot ms = RCU_SLOT_INITIALIZER(NULL);
	struct qsbr_slot qs = RCU_SLOT_INITIALIZER(NULL);
	struct qsbr_hslot hs = RCU_SLOT_INITIALIZER(NULL);
	struct rcuslot_batch batch = RCUSLOT_BATCH_INITIALIZER;
	struct memb_slot_old mold;
	struct qsbr_slot_old qold;
	struct qsbr_hslot_old hold;
	int a, b;

	rcuslot_register_thread(); /* memb, this unit's default */
	if (!strcmp(what, "unregistered-qsbr")) {
		/* Registered with memb only: a qsbr update must be refused. */
		/* QSBR_UNREG */
		if (qsbr_slot_copy_update(&qs, copy_plus_one, NULL, &qold))
			return 1;
		printf("not caught\n");
		return 0;
	}
	rcuslot_qsbr_register_thread(); /* and qsbr, by name */
	if (!strcmp(what, "two-units")) {
		/* The other unit's qsbr slot, from a thread it also registered. */
		long hits = 0;

		for (int i = 0; i < 100; i++)
			hits = qsbr_unit_bump();
		qsbr_unit_destroy();
		rcuslot_barrier();
		printf("two units: hits=%ld\n", hits);
		rcuslot_qsbr_unregister_thread();
		rcuslot_unregister_thread();
		return hits == 100 ? 0 : 1;
	}
	for (int i = 0; i < 1000; i++) {
		if (memb_slot_copy_update(&ms, copy_plus_one, NULL, &mold) ||
		    qsbr_slot_copy_update(&qs, copy_plus_one, NULL, &qold))
			return 1;
		memb_slot_old_defer(&mold);
		qsbr_slot_old_defer(&qold);
		hold = qsbr_hslot_replace(&hs, calloc(1, sizeof(struct hcfg)));
		qsbr_hslot_old_defer(&hold);
		rcuslot_qsbr_quiescent_state();
	}
	{
		RCUSLOT_READ_GUARD();
		a = memb_slot_dereference(&ms)->a;
	}
	{
		RCUSLOT_READ_GUARD_FLAVOR(qsbr);
		b = qsbr_slot_dereference(&qs)->a;
	}
	/* One batch for both flavors: a grace period of each. */
	mold = memb_slot_replace(&ms, cfg_new(-1));
	qold = qsbr_slot_replace(&qs, cfg_new(-2));
	memb_slot_batch_add(&batch, &mold);
	qsbr_slot_batch_add(&batch, &qold);
	rcuslot_batch_defer(&batch);
	memb_slot_destroy(&ms);
	qsbr_slot_destroy(&qs);
	qsbr_hslot_destroy(&hs);
	rcuslot_barrier(); /* both flavors' callbacks */
	printf("one unit: memb=%d qsbr=%d pending=%ld\n", a, b,
	       rcuslot_defer_pending());
	rcuslot_qsbr_unregister_thread();
	rcuslot_unregister_thread();
	return a == 1000 && b == 1000 && rcuslot_defer_pending() == 0 ? 0 : 1;
}
