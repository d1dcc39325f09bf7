/* SPDX-License-Identifier: MIT */
#include <stdatomic.h>
#include <stdlib.h>

#include <rcuslot/reclaim.h>

#include "failalloc.h"

static atomic_long calls, failures, countdown;
static atomic_int fail_all;

void *failalloc_malloc(size_t size)
{
	long left;

	atomic_fetch_add(&calls, 1);
	left = atomic_load(&countdown);
	if (atomic_load(&fail_all) ||
	    (left > 0 && atomic_fetch_sub(&countdown, 1) == 1)) {
		atomic_fetch_add(&failures, 1);
		return NULL;
	}
	return malloc(size);
}

void failalloc_free(void *ptr)
{
	free(ptr);
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
