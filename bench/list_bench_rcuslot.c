/* SPDX-License-Identifier: MIT */
/* list_bench's "rcuslot" list: RCU_LIST_DEFINE, replace and old_defer. */
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

#include "list_bench.h"

struct sent {
	long a;
	long b;
	struct rcuslot_list_node node;
};

static void sent_free(struct sent *e)
{
	free(e);
}

RCU_LIST_DEFINE(blist, struct sent, node, sent_free);

static struct blist list = RCU_LIST_INITIALIZER(list);
static int nentries;

static struct sent *sent_new(long a)
{
	struct sent *e = malloc(sizeof(*e));

	if (!e)
		abort();
	e->a = a;
	e->b = 0;
	return e;
}

static void setup(int entries)
{
	nentries = entries;
	for (int i = 0; i < entries; i++)
		blist_add_tail(&list, sent_new(i));
}

static void teardown(void)
{
	blist_destroy(&list);
}

static long walk(long n)
{
	long sum = 0;

	for (long i = 0; i < n; i++) {
		const struct sent *e;

		rcuslot_read_lock();
		RCU_LIST_FOREACH(blist, &list, e)
			sum += e->a;
		rcuslot_read_unlock();
		rcuslot_quiescent_state();
	}
	return sum;
}

/* The i-th entry, found by walking, replaced by a copy. */
static void update(long i)
{
	long k = i % nentries;
	struct blist_old old = { NULL };
	const struct sent *e;

	rcuslot_read_lock();
	RCU_LIST_FOREACH(blist, &list, e)
		if (k-- == 0)
			break;
	if (e) {
		struct sent *n = sent_new(e->a);

		if (blist_replace(&list, e, n, &old) != 0)
			sent_free(n); /* replaced by another updater first */
	}
	rcuslot_read_unlock();
	blist_old_defer(&old);
	rcuslot_quiescent_state();
}

const struct list_impl list_impl_rcuslot = {
	.name = "rcuslot",
	.setup = setup,
	.teardown = teardown,
	.thread_init = rcuslot_register_thread,
	.thread_exit = rcuslot_unregister_thread,
	.walk = walk,
	.update = update,
	.drain = rcuslot_barrier,
};
