/* SPDX-License-Identifier: MIT */
/*
 * list_icount: run one walk loop of list_icount_rcuslot.c or
 * list_icount_raw.c at two iteration counts, each through icount_measure(),
 * for callgrind to count (as bench/icount_main.c does for slots):
 *
 *   valgrind --tool=callgrind --toggle-collect=icount_measure \
 *            --dump-after=icount_measure list_icount <loop> <n1> <n2>
 *
 * (part2 - part1) / (n2 - n1) is the cost of one walk of
 * LIST_ICOUNT_ENTRIES entries, read lock and unlock included, with
 * start-up and the loop's set-up cancelled out.
 *
 * Loops: walk-list walk-raw walk-list-perturbed
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "list_icount.h"

#define WARMUP 16

static const struct loop {
	const char *name;
	long (*walk)(long n);
} loops[] = {
	{ "walk-list", list_icount_walk_rcuslot },
	{ "walk-raw", list_icount_walk_raw },
	{ "walk-list-perturbed", list_icount_walk_rcuslot_perturbed },
};

/* What callgrind counts; the asm keeps the call from becoming a jump. */
__attribute__((noinline)) long icount_measure(const struct loop *l, long n)
{
	long r = l->walk(n);

	__asm__ __volatile__("" : : : "memory");
	return r;
}

int main(int argc, char **argv)
{
	const struct loop *l = NULL;
	long n1, n2, sum = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: list_icount walk-list|walk-raw|walk-list-perturbed N1 N2\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(loops) / sizeof(loops[0]); i++)
		if (strcmp(argv[1], loops[i].name) == 0)
			l = &loops[i];
	n1 = atol(argv[2]);
	n2 = atol(argv[3]);
	if (!l || n1 < 0 || n2 <= n1) {
		fprintf(stderr, "list_icount: bad arguments\n");
		return 2;
	}
	list_icount_register();
	list_icount_rcuslot_setup();
	list_icount_raw_setup();
	if (l->walk == list_icount_walk_rcuslot_perturbed)
		list_icount_rcuslot_setup_perturbed();
	sum += l->walk(WARMUP);
	sum += icount_measure(l, n1);
	sum += icount_measure(l, n2);
	if (l->walk == list_icount_walk_rcuslot_perturbed)
		list_icount_rcuslot_teardown_perturbed();
	list_icount_rcuslot_teardown();
	list_icount_raw_teardown();
	list_icount_barrier();
	list_icount_unregister();
	printf("list_icount %s [%s]: %ld and %ld walks of %d entries (checksum %ld)\n",
	       l->name, list_icount_flavor(), n1, n2, LIST_ICOUNT_ENTRIES, sum);
	return 0;
}
