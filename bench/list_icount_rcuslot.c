/* SPDX-License-Identifier: MIT */
/*
 * list_icount_rcuslot.c: a walk over an RCU_LIST_DEFINE list, counted by
 * callgrind against list_icount_raw.c's walk over rculist.
 *
 * Built a second time with ICOUNT_PERTURB: the same walk with one extra
 * load per entry, which the check must catch (its self-test). Every
 * external name then ends in _perturbed, so both builds link into one
 * program (the list's functions are static).
 */
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

#include "list_icount.h"

#ifdef ICOUNT_PERTURB
#define SUFFIX(n) n##_perturbed
#else
#define SUFFIX(n) n
#endif

struct bent {
	long a;
	long b;
	struct rcuslot_list_node node;
};

static void bent_free(struct bent *e)
{
	free(e);
}

RCU_LIST_DEFINE(bench_list, struct bent, node, bent_free);

static struct bench_list list = RCU_LIST_INITIALIZER(list);
#ifdef ICOUNT_PERTURB
static volatile long perturb;
#endif

void SUFFIX(list_icount_rcuslot_setup)(void)
{
	for (long i = 0; i < LIST_ICOUNT_ENTRIES; i++) {
		struct bent *e = malloc(sizeof(*e));

		if (!e)
			abort();
		e->a = i;
		e->b = 0;
		bench_list_add_tail(&list, e);
	}
}

long SUFFIX(list_icount_walk_rcuslot)(long n)
{
	long sum = 0;

	for (long i = 0; i < n; i++) {
		const struct bent *e;

		rcuslot_read_lock();
		RCU_LIST_FOREACH(bench_list, &list, e) {
			sum += e->a;
#ifdef ICOUNT_PERTURB
			sum += perturb;
#endif
		}
		rcuslot_read_unlock();
	}
	return sum;
}

void SUFFIX(list_icount_rcuslot_teardown)(void)
{
	bench_list_destroy(&list);
}
