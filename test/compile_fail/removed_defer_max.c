/* SPDX-License-Identifier: MIT */
/* The per-unit bound is gone: the error names the program-wide setting. */
/* expect-error: RCUSLOT_DEFER_MAX is gone: the deferral bound is program-wide; call rcuslot_set_defer_max */
#ifndef RCUSLOT_CF_OK
#define RCUSLOT_DEFER_MAX 512
#endif
#include <rcuslot/rcuslot.h>

int f(void);
int f(void)
{
	return rcuslot_set_defer_max(512);
}
