/* SPDX-License-Identifier: MIT */
/*
 * An allocator for the kit's own memory (rcuslot_set_allocator()) that fails
 * on demand, so the tests can drive the out-of-memory paths. The unit suite
 * installs it for the whole process (check_main.c); it allocates normally
 * until told to fail.
 */
#ifndef RCUSLOT_TEST_FAILALLOC_H
#define RCUSLOT_TEST_FAILALLOC_H

#include <stddef.h>

void *failalloc_malloc(size_t size);
void failalloc_free(void *ptr);
/* Fail the n-th allocation from now (1 = the next one); 0 disarms. */
void failalloc_fail_nth(long n);
/* Fail every allocation while on. */
void failalloc_fail_all(int on);
/* Allocations asked for, and how many of them failed, since the last reset. */
long failalloc_calls(void);
long failalloc_failures(void);
void failalloc_reset(void);
/* Blocks allocated and not yet freed, since the process started. */
long failalloc_live(void);

/* Make it the kit's allocator (aborts if the kit already holds memory). */
void failalloc_install(void);

#endif
