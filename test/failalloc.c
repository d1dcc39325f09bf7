/* SPDX-License-Identifier: MIT */
#include <stdatomic.h>
#include <stdlib.h>

#include <rcuslot/reclaim.h>

#include "failalloc.h"

static atomic_long calls, failures, countdown, live;
static atomic_int fail_all;

void *failalloc_malloc(size_t size)
{
	void *ptr;
	long left;

	atomic_fetch_add(&calls, 1);
	left = atomic_load(&countdown);
	if (atomic_load(&fail_all) ||
	    (left > 0 && atomic_fetch_sub(&countdown, 1) == 1)) {
		atomic_fetch_add(&failures, 1);
		return NULL;
	}
	ptr = malloc(size);
	if (ptr)
		atomic_fetch_add(&live, 1);
	return ptr;
}

void failalloc_free(void *ptr)
{
	if (ptr)
		atomic_fetch_sub(&live, 1);
	free(ptr);
}

long failalloc_live(void)
{
	return atomic_load(&live);
}

void failalloc_install(void)
{
	if (rcuslot_set_allocator(failalloc_malloc, failalloc_free) != 0)
		abort();
}

void failalloc_fail_nth(long n)
{
	atomic_store(&countdown, n);
}

void failalloc_fail_all(int on)
{
	atomic_store(&fail_all, on);
}

long failalloc_calls(void)
{
	return atomic_load(&calls);
}

long failalloc_failures(void)
{
	return atomic_load(&failures);
}

void failalloc_reset(void)
{
	atomic_store(&calls, 0);
	atomic_store(&failures, 0);
	atomic_store(&countdown, 0);
	atomic_store(&fail_all, 0);
}
