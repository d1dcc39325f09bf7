/* SPDX-License-Identifier: MIT */
/*
 * list_bench's "rculist" list, as a liburcu user writes it by hand:
 * rculist under rcu_read_lock, an updater mutex, call_rcu with an embedded
 * rcu_head. No rcuslot line here.
 */
#include <pthread.h>
#include <stdlib.h>

#include "raw_urcu.h"
#include <urcu/rculist.h>

#include "list_bench.h"

struct rent {
	long a;
	long b;
	struct cds_list_head link;
	struct rcu_head rcu;
};

static CDS_LIST_HEAD(list);
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int nentries;

static struct rent *rent_new(long a)
{
	struct rent *e = malloc(sizeof(*e));

	if (!e)
		abort();
	e->a = a;
	e->b = 0;
	return e;
}

static void rent_free_cb(struct rcu_head *head)
{
	free(caa_container_of(head, struct rent, rcu));
}

static void setup(int entries)
{
	nentries = entries;
	for (int i = 0; i < entries; i++)
		cds_list_add_tail_rcu(&rent_new(i)->link, &list);
}

static void teardown(void)
{
	struct rent *e, *tmp;

	synchronize_rcu();
	cds_list_for_each_entry_safe(e, tmp, &list, link) {
		cds_list_del(&e->link);
		free(e);
	}
}

static long walk(long n)
{
	long sum = 0;

	for (long i = 0; i < n; i++) {
		struct rent *e;

		rcu_read_lock();
		cds_list_for_each_entry_rcu(e, &list, link)
			sum += e->a;
		rcu_read_unlock();
		BENCH_RAW_QUIESCENT();
	}
	return sum;
}

static void update(long i)
{
	long k = i % nentries;
	struct rent *e, *old = NULL;

	pthread_mutex_lock(&lock);
	cds_list_for_each_entry(e, &list, link) {
		if (k-- == 0) {
			struct rent *fresh = rent_new(e->a);

			cds_list_replace_rcu(&e->link, &fresh->link);
			old = e;
			break;
		}
	}
	pthread_mutex_unlock(&lock);
	if (old)
		call_rcu(&old->rcu, rent_free_cb);
}

const struct list_impl list_impl_rculist = {
	.name = "rculist",
	.setup = setup,
	.teardown = teardown,
	.thread_init = rcu_register_thread,
	.thread_exit = rcu_unregister_thread,
	.walk = walk,
	.update = update,
	.drain = rcu_barrier,
};
