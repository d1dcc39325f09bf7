/* SPDX-License-Identifier: MIT */
/*
 * The GTree peer's pieces that treebench_glib.c and treeicount_glib.c
 * share: the entry, the key kept in the tree's key pointer itself (a
 * uint64_t fits in a pointer on the LP64 machines this runs on, so a
 * descent compares without touching an object), and its comparison.
 */
#ifndef RCUSLOT_BENCH_TREEBENCH_GTREE_H
#define RCUSLOT_BENCH_TREEBENCH_GTREE_H

#include <stdint.h>

#include <glib.h>

_Static_assert(sizeof(gpointer) == sizeof(uint64_t),
	       "treebench: GTree keys are pointers");

struct entry {
	uint64_t key;
	uint64_t value;
};

#define KEY(k) ((gpointer)(uintptr_t)(k))

static inline gint key_cmp(gconstpointer a, gconstpointer b, gpointer data)
{
	uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;

	(void)data;
	return (x > y) - (x < y);
}

#endif
