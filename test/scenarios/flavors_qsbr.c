/* SPDX-License-Identifier: MIT */
/* A unit whose default flavor is qsbr, in a program whose main unit is memb. */
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

#include "flavors.h"

struct stat_obj {
	long hits;
};

static void stat_free(struct stat_obj *s)
{
	free(s);
}

RCU_SLOT_DEFINE(stat_slot, struct stat_obj, stat_free);

static struct stat_slot stats;

void qsbr_unit_register(void)
{
	rcuslot_register_thread();
}

void qsbr_unit_unregister(void)
{
	rcuslot_unregister_thread();
}

static int bump(const struct stat_obj *old, struct stat_obj **new_out,
		void *arg)
{
	struct stat_obj *s = malloc(sizeof(*s));

	(void)arg;
	if (!s)
		return -1;
	s->hits = old ? old->hits + 1 : 1;
	*new_out = s;
	return 0;
}

long qsbr_unit_bump(void)
{
	struct stat_slot_old old;
	long hits;

	if (stat_slot_copy_update(&stats, bump, NULL, &old) !=
	    0) /* QSBR_UPDATE */
		abort();
	stat_slot_old_defer(&old);
	rcuslot_read_lock();
	hits = stat_slot_dereference(&stats)->hits;
	rcuslot_read_unlock();
	return hits;
}

void qsbr_unit_destroy(void)
{
	stat_slot_destroy(&stats);
}
