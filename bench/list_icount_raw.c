/* SPDX-License-Identifier: MIT */
/*
 * list_icount_raw.c: the hand-written side of the list comparison, as a
 * liburcu user would write it without rcuslot: a cds_list_head with
 * cds_list_for_each_entry_rcu() inside rcu_read_lock(), entries with the
 * same layout (a link and an rcu_head after two longs).
 */
#include <stdlib.h>

#include "raw_urcu.h"
#include <urcu/rculist.h>

#include "list_icount.h"

struct raw_ent {
	long a;
	long b;
	struct cds_list_head link;
	struct rcu_head rcu;
};

static CDS_LIST_HEAD(raw_list);

void list_icount_raw_setup(void)
{
	for (long i = 0; i < LIST_ICOUNT_ENTRIES; i++) {
		struct raw_ent *e = malloc(sizeof(*e));

		if (!e)
			abort();
		e->a = i;
		e->b = 0;
		cds_list_add_tail_rcu(&e->link, &raw_list);
	}
}

long list_icount_walk_raw(long n)
{
	long sum = 0;

	for (long i = 0; i < n; i++) {
		struct raw_ent *e;

		rcu_read_lock();
		cds_list_for_each_entry_rcu(e, &raw_list, link)
			sum += e->a;
		rcu_read_unlock();
	}
	return sum;
}

void list_icount_raw_teardown(void)
{
	struct raw_ent *e, *tmp;

	cds_list_for_each_entry_safe(e, tmp, &raw_list, link) {
		cds_list_del(&e->link);
		free(e);
	}
}

void list_icount_register(void)
{
	rcu_register_thread();
}

void list_icount_unregister(void)
{
	rcu_unregister_thread();
}

void list_icount_barrier(void)
{
	rcu_barrier();
}

const char *list_icount_flavor(void)
{
	return BENCH_RAW_FLAVOR_NAME;
}
