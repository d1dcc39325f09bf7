/* SPDX-License-Identifier: MIT */
/* liburcu 0.15 has no signal flavor: selecting it says so, at compile time. */
/* expect-error: RCUSLOT_FLAVOR=signal, but the installed liburcu \(0\.15 or later\) has no signal flavor */
#undef RCUSLOT_FLAVOR
#ifdef RCUSLOT_CF_OK
#define RCUSLOT_FLAVOR memb
#else
#define RCUSLOT_FLAVOR signal
#endif
#include <rcuslot/rcuslot.h>

int f(void);
int f(void)
{
	return RCUSLOT_READ_ONGOING_TRACKS_LOCK;
}
