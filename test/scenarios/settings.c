/* SPDX-License-Identifier: MIT */
/*
 * Program-wide settings (run.py): the bound, the allocator and the counters
 * are the process's, shared by every unit and shared object. This unit sets
 * them; settings_lib.c, in a shared object built with -fvisibility=hidden,
 * defers and batches; both see the same state.
 */
#include <stdio.h>

#include "cfg.h"

void settings_lib_work(int n);
long settings_lib_pending(void);

static long allocs, frees;

static void *count_alloc(size_t size)
{
	__atomic_add_fetch(&allocs, 1, __ATOMIC_RELAXED);
	return malloc(size);
}

static void count_free(void *p)
{
	__atomic_add_fetch(&frees, 1, __ATOMIC_RELAXED);
	free(p);
}

int main(void)
{
	int ok = 1;

	if (rcuslot_set_allocator(count_alloc, count_free) != 0 ||
	    rcuslot_set_defer_max(64) != 0)
		return 1;
	rcuslot_register_thread();
	settings_lib_work(500);
	/* The other side's deferrals are counted here, under this bound. */
	printf("max=%ld pending-lib=%ld throttled=%lu\n", rcuslot_defer_max(),
	       settings_lib_pending(), rcuslot_defer_throttled());
	ok &= rcuslot_defer_max() == 64 && settings_lib_pending() <= 64;
	rcuslot_barrier();
	ok &= rcuslot_defer_pending() == 0;
	/* Every block came from this allocator and goes back to it. */
	ok &= rcuslot_set_allocator(NULL, NULL) == 0;
	printf("allocs=%ld frees=%ld\n", allocs, frees);
	ok &= allocs > 0 && allocs == frees;
	rcuslot_unregister_thread();
	return ok ? 0 : 1;
}
