/* SPDX-License-Identifier: MIT */
/*
 * treeicount: run one loop of point lookups (or ceils, or range scans) in
 * a map of TREEICOUNT_KEYS keys, at two iteration counts, each through
 * icount_measure(), for callgrind to count (as bench/icount_main.c does):
 *
 *   valgrind --tool=callgrind --toggle-collect=icount_measure \
 *            --dump-after=icount_measure treeicount <loop> <n1> <n2>
 *
 * (part2 - part1) / (n2 - n1) is the cost of one operation, read lock and
 * unlock (or the rwlock) included, with the map's build, start-up and the
 * loop's set-up cancelled out. `treeicount --list` lists the loops.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "treebench.h"
#include "treeicount.h"

#define WARMUP 16

uint64_t treeicount_probe[TREEICOUNT_PROBES];

static const struct loop {
	const char *name;
	void (*setup)(void);
	long (*run)(long n);
} loops[] = {
	{ "find-tree", treeicount_tree_setup, treeicount_find_tree },
	{ "ceil-tree", treeicount_tree_setup, treeicount_ceil_tree },
	{ "scan-tree", treeicount_tree_setup, treeicount_scan_tree },
	{ "update-tree", treeicount_tree_setup, treeicount_update_tree },
	{ "txn-tree", treeicount_tree_setup, treeicount_txn_tree },
	{ "update-gtree", treeicount_gtree_setup, treeicount_update_gtree },
	{ "find-gtree", treeicount_gtree_setup, treeicount_find_gtree },
	{ "find-gtree-rwlock", treeicount_gtree_setup,
	  treeicount_find_gtree_rwlock },
	{ "ceil-gtree", treeicount_gtree_setup, treeicount_ceil_gtree },
	{ "scan-gtree", treeicount_gtree_setup, treeicount_scan_gtree },
	{ "find-skiplist", treeicount_skiplist_setup,
	  treeicount_find_skiplist },
	{ "find-avl", treeicount_avl_setup, treeicount_find_avl },
	{ "find-map", treeicount_map_setup, treeicount_find_map },
};

/* What callgrind counts; the asm keeps the call from becoming a jump. */
__attribute__((noinline)) long icount_measure(const struct loop *l, long n)
{
	long r = l->run(n);

	__asm__ __volatile__("" : : : "memory");
	return r;
}

int main(int argc, char **argv)
{
	const struct loop *l = NULL;
	uint64_t seed = 0x853c49e6748fea9bULL;
	long n1, n2, sum = 0;

	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (size_t i = 0; i < sizeof(loops) / sizeof(loops[0]); i++)
			printf("%s\n", loops[i].name);
		return 0;
	}
	if (argc != 4) {
		fprintf(stderr, "usage: treeicount LOOP N1 N2 | --list\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(loops) / sizeof(loops[0]); i++)
		if (strcmp(argv[1], loops[i].name) == 0)
			l = &loops[i];
	n1 = atol(argv[2]);
	n2 = atol(argv[3]);
	if (!l || n1 < 0 || n2 <= n1) {
		fprintf(stderr, "treeicount: bad arguments\n");
		return 2;
	}
	for (int i = 0; i < TREEICOUNT_PROBES; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		treeicount_probe[i] = treebench_key(seed % TREEICOUNT_KEYS);
	}
	l->setup();
	sum += l->run(WARMUP);
	sum += icount_measure(l, n1);
	sum += icount_measure(l, n2);
	printf("treeicount %s: %ld and %ld operations over %d keys (checksum "
	       "%ld)\n",
	       l->name, n1, n2, TREEICOUNT_KEYS, sum);
	return 0;
}
