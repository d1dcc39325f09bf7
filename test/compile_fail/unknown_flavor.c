/* SPDX-License-Identifier: MIT */
/* A misspelt flavor is a compile error that names the valid ones. */
/* expect-error: unknown RCUSLOT_FLAVOR; valid flavors are memb, qsbr, mb, bp, signal */
#undef RCUSLOT_FLAVOR
#ifdef RCUSLOT_CF_OK
#define RCUSLOT_FLAVOR qsbr
#else
#define RCUSLOT_FLAVOR qbsr
#endif
#include <rcuslot/rcuslot.h>

int f(void);
int f(void)
{
	return RCUSLOT_READ_ONGOING_TRACKS_LOCK;
}
