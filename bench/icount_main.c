/* SPDX-License-Identifier: MIT */
/*
 * icount: run one loop of icount_slot.c or icount_raw.c at two iteration
 * counts, each through icount_measure(), for callgrind to count.
 *
 *   valgrind --tool=callgrind --toggle-collect=icount_measure \
 *            --dump-after=icount_measure icount <loop> <n1> <n2>
 *
 * Callgrind then writes one profile part per icount_measure() call, holding
 * only the instructions executed inside it (by this thread): part 1 for n1
 * iterations, part 2 for n2. (part2 - part1) / (n2 - n1) is the marginal
 * cost of one iteration, with start-up, the call and the loop's set-up
 * cancelled out. site_scons/rcuslot_bench.py does the arithmetic.
 *
 * Every loop first runs a few iterations unmeasured, so that one-time work
 * (lazy binding of library calls, creating the call_rcu worker) falls
 * outside both measurements.
 *
 * Loops: read-slot read-guard read-raw read-slot-perturbed
 *        update-slot update-slothead update-raw update-rawnode
 *        find-map find-raw-map
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icount.h"

#define WARMUP 16

struct loop {
	const char *name;
	long (*read)(long n);
	void (*update)(long n);
};

static const struct loop loops[] = {
	{ "read-slot", icount_read_slot, NULL },
	{ "read-guard", icount_read_guard, NULL },
	{ "read-raw", icount_read_raw, NULL },
	{ "read-slot-perturbed", icount_read_slot_perturbed, NULL },
	{ "update-slot", NULL, icount_update_slot },
	{ "update-slothead", NULL, icount_update_slothead },
	{ "update-raw", NULL, icount_update_raw },
	{ "update-rawnode", NULL, icount_update_rawnode },
	{ "find-map", icount_find_map, NULL },
	{ "find-raw-map", icount_find_raw_map, NULL },
};

static long run_loop(const struct loop *l, long n)
{
	if (l->read)
		return l->read(n);
	l->update(n);
	return 0;
}

/* What callgrind counts; the asm keeps the call from becoming a jump. */
__attribute__((noinline)) long icount_measure(const struct loop *l, long n)
{
	long r = run_loop(l, n);

	__asm__ __volatile__("" : : : "memory");
	return r;
}

static void usage(void)
{
	fprintf(stderr, "usage: icount LOOP N1 N2\nloops:");
	for (size_t i = 0; i < sizeof(loops) / sizeof(loops[0]); i++)
		fprintf(stderr, " %s", loops[i].name);
	fprintf(stderr, "\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const struct loop *l = NULL;
	long n1, n2, nupdates, sum = 0;

	if (argc != 4)
		usage();
	for (size_t i = 0; i < sizeof(loops) / sizeof(loops[0]); i++)
		if (strcmp(argv[1], loops[i].name) == 0)
			l = &loops[i];
	n1 = atol(argv[2]);
	n2 = atol(argv[3]);
	if (!l || n1 < 0 || n2 <= n1)
		usage();

	icount_register();
	nupdates = l->update ? WARMUP + n1 + n2 : 0;
	icount_slot_setup(nupdates);
	icount_slot_setup_perturbed(0);
	icount_raw_setup(nupdates);
	icount_map_setup();
	icount_raw_map_setup(icount_map_seed());
	/* Same hash, so the same chains: the loops differ in their code only. */
	for (unsigned int k = 0; k < ICOUNT_MAP_KEYS; k++)
		if (icount_map_hash(k) != icount_raw_map_hash(k)) {
			fprintf(stderr, "icount: the raw map's hash differs from rcuslot's\n");
			return 1;
		}

	sum += run_loop(l, WARMUP);
	if (l->update)
		icount_pause_reclaim();
	sum += icount_measure(l, n1);
	sum += icount_measure(l, n2);
	if (l->update)
		icount_resume_reclaim();

	icount_barrier();
	icount_slot_teardown();
	icount_slot_teardown_perturbed();
	icount_raw_teardown();
	icount_map_teardown();
	icount_raw_map_teardown();
	icount_barrier();
	icount_unregister();
	printf("icount %s [%s]: %ld and %ld iterations done (checksum %ld)\n",
	       l->name, icount_flavor(), n1, n2, sum);
	return 0;
}
