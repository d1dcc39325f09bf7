/* SPDX-License-Identifier: MIT */
/* The per-unit allocator is gone: the error names the program-wide setting. */
/* expect-error: RCUSLOT_MALLOC and RCUSLOT_FREE are gone: the kit's allocator is program-wide; call rcuslot_set_allocator */
#include <stdlib.h>
#ifndef RCUSLOT_CF_OK
#define RCUSLOT_MALLOC(size) malloc(size)
#define RCUSLOT_FREE(ptr) free(ptr)
#endif
#include <rcuslot/rcuslot.h>

int f(void);
int f(void)
{
	return rcuslot_set_allocator(malloc, free);
}
